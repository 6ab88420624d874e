// The username plugin on the ready-made pages, in Debian's Chromium: sign up with a
// username, change it on the account page, sign out, sign in by the new username. The
// pages with the plugin's fields are audited with axe-core.
//
// usage: node username_flow.mjs BASE_URL
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { click, fillFields, newPage, path, runFlow, seriousViolations } from './lib.mjs';

const USER = { name: 'Ann Pages', email: 'ann.user@example.com', password: 'correct horse battery' };

await runFlow(
  async (browser) => {
    const [baseURL] = process.argv.slice(2);
    if (!baseURL) throw new Error('usage: node username_flow.mjs BASE_URL');
    const facts = { audits: {} };
    const page = await newPage(browser);
    await page.goto(`${baseURL}/auth/sign-up`);
    facts.audits['sign-up'] = await seriousViolations(page);
    await fillFields(page, {
      Name: USER.name,
      Email: USER.email,
      'Username (optional)': 'Ann_Pages',
      Password: USER.password,
    });
    await click(page, 'Sign up', '/auth/account');
    facts.accountUsername = await page.locator('#account-username').inputValue();
    facts.audits.account = await seriousViolations(page);

    await page.locator('#account-username').fill('Ann.Renamed');
    await click(page, 'Save username', '/auth/account');
    facts.savedNotice = (await page.getByTestId('notice').textContent()).trim();
    facts.renamed = await page.locator('#account-username').inputValue();

    await page.goto(`${baseURL}/auth/sign-out`);
    await click(page, 'Sign out', '/auth/sign-in');
    facts.fieldLabel = (await page.locator('label[for="email"]').textContent()).trim();
    facts.audits['sign-in'] = await seriousViolations(page);
    await page.getByLabel('Email or username', { exact: true }).fill('ann.renamed');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('main').getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    facts.wrongPasswordError = (await page.getByRole('alert').textContent()).trim();
    await page.getByLabel('Password', { exact: true }).fill(USER.password);
    await click(page, 'Sign in', '/auth/account');
    facts.signedInAt = path(page);
    facts.accountEmail = await page.getByTestId('account-email').textContent();
    return facts;
  },
  { timeout: 60_000 },
);

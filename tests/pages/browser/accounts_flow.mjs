// Guest mode and the account switcher on the ready-made pages (the anonymous and
// multi-session plugins), in Debian's Chromium: continue as a guest, sign up (the guest
// becomes the account), add a second account, switch to the first, sign the second out.
// The pages are audited with axe-core.
//
// usage: node accounts_flow.mjs BASE_URL
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { click, fillFields, newPage, path, runFlow, seriousViolations } from './lib.mjs';

const ANN = { name: 'Ann Guest', email: 'ann.guest@example.com', password: 'correct horse battery' };
const BOB = { name: 'Bob Second', email: 'bob.second@example.com', password: 'correct horse battery' };

async function follow(page, name, pathname) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === pathname),
    page.getByRole('main').getByRole('link', { name, exact: true }).click(),
  ]);
}

async function signUp(page, user) {
  await fillFields(page, { Name: user.name, Email: user.email, Password: user.password });
  await click(page, 'Sign up', '/auth/account');
}

/** The switcher's rows: [email, active]. */
async function accounts(page) {
  const rows = page.getByTestId('account');
  const found = [];
  for (let i = 0; i < (await rows.count()); i += 1) {
    const row = rows.nth(i);
    found.push([(await row.locator('.ba-hint').textContent()).trim(), (await row.locator('.ba-badge').count()) > 0]);
  }
  return found;
}

await runFlow(
  async (browser) => {
    const [baseURL] = process.argv.slice(2);
    if (!baseURL) throw new Error('usage: node accounts_flow.mjs BASE_URL');
    const facts = { audits: {} };
    const page = await newPage(browser);

    await page.goto(`${baseURL}/auth/sign-in`);
    facts.audits['sign-in'] = await seriousViolations(page);
    await follow(page, 'Continue as a guest', '/auth/guest');
    facts.audits.guest = await seriousViolations(page);
    await click(page, 'Continue as a guest', '/auth/account');
    facts.guestTitle = (await page.locator('#guest-title').textContent()).trim();
    facts.guestEmail = (await page.getByTestId('account-email').textContent()).trim();
    facts.audits['guest-account'] = await seriousViolations(page);

    await follow(page, 'Create an account', '/auth/sign-up');
    await signUp(page, ANN);
    facts.guestSectionAfterSignUp = await page.locator('#guest').count();
    facts.afterSignUp = await accounts(page);

    await follow(page, 'Add another account', '/auth/sign-in');
    facts.addAccountSearch = new URL(page.url()).search;
    await follow(page, 'Create an account', '/auth/sign-up');
    await signUp(page, BOB);
    facts.twoAccounts = await accounts(page);
    facts.audits.switcher = await seriousViolations(page);

    await click(page, `Switch to ${ANN.email}`, '/auth/account');
    facts.switchedNotice = (await page.getByTestId('notice').textContent()).trim();
    facts.afterSwitch = await accounts(page);
    facts.activeEmail = (await page.getByTestId('account-email').textContent()).trim();

    await click(page, `Sign out ${BOB.email}`, '/auth/account');
    facts.afterSignOutOne = await accounts(page);
    facts.endedAt = path(page);
    return facts;
  },
  { timeout: 60_000 },
);

// The magic-link and email-code pages in Debian's Chromium: from the sign-in page, ask
// for a sign-in link, open it from the mail the app sent (read back through the app's
// /test/last-mail route), sign out, sign in with a mailed code (a wrong one first), and
// open the used link again. The plugins' pages are audited with axe-core.
//
// usage: node passwordless_flow.mjs BASE_URL
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { check, click, newPage, path, runFlow, seriousViolations } from './lib.mjs';

const EMAIL = 'ann.link@example.com';

await runFlow(
  async (browser) => {
    const [baseURL] = process.argv.slice(2);
    if (!baseURL) throw new Error('usage: node passwordless_flow.mjs BASE_URL');
    const facts = { audits: {} };
    const page = await newPage(browser);
    const lastMail = async () => {
      const response = await page.request.get(`${baseURL}/test/last-mail?to=${encodeURIComponent(EMAIL)}`);
      check(response.ok(), `no mail to ${EMAIL}`);
      return response.json();
    };

    await page.goto(`${baseURL}/auth/sign-in`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/auth/magic-link'),
      page.getByRole('link', { name: 'Email me a sign-in link' }).click(),
    ]);
    facts.audits['magic-link'] = await seriousViolations(page);
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await click(page, 'Email me a link', '/auth/magic-link');
    facts.linkSent = (await page.locator('#magic-link-sent').textContent()).trim();
    const link = (await lastMail()).link;
    facts.linkHost = new URL(link).host;
    await page.goto(link);
    await page.waitForURL((url) => url.pathname === '/auth/account');
    facts.signedInWithLink = path(page);
    facts.accountEmail = (await page.getByTestId('account-email').textContent()).trim();

    await page.goto(`${baseURL}/auth/sign-out`);
    await click(page, 'Sign out', '/auth/sign-in');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/auth/email-code'),
      page.getByRole('link', { name: 'Email me a code' }).click(),
    ]);
    facts.audits['email-code'] = await seriousViolations(page);
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await click(page, 'Email me a code', '/auth/email-code');
    facts.codeSent = (await page.locator('#email-code-sent').textContent()).trim();
    facts.audits['email-code-step'] = await seriousViolations(page);
    const code = (await lastMail()).text.match(/\b(\d{6})\b/)[1];
    await page.getByLabel('Code', { exact: true }).fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('main').getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    facts.wrongCode = (await page.getByRole('alert').textContent()).trim();
    await page.getByLabel('Code', { exact: true }).fill(code);
    await click(page, 'Sign in', '/auth/account');
    facts.signedInWithCode = path(page);

    await page.goto(link);
    await page.waitForURL((url) => url.pathname === '/auth/magic-link');
    facts.usedLinkError = (await page.getByRole('alert').textContent()).trim();
    return facts;
  },
  { timeout: 60_000 },
);

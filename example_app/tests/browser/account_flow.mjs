// Drive the example app's mail flows in Debian's Chromium, following the mailed links
// from the development outbox (/dev/mail) as a person would: verify the email address,
// forget and reset the password, on the ready-made pages.
//
// usage: node account_flow.mjs BASE_URL
// Prints one JSON line: {"ok": true, ...facts} on success; {"ok": false, "error": ...}
// (exit status 1) on failure.

import { click, fillFields, newPage, runFlow } from '../../../tests/pages/browser/lib.mjs';

const USER = { name: 'Ann Account', email: 'ann.account@example.com', password: 'correct horse battery' };
const NEW_PASSWORD = 'a brand new horse battery';

// Open the outbox and click the newest mail's link to `to`; wait to land on `path`.
async function followMail(page, baseURL, to, path) {
  await page.goto(`${baseURL}/dev/mail`);
  const mail = page.getByTestId('mail').filter({ hasText: to }).first();
  await Promise.all([
    page.waitForURL((url) => url.pathname === path),
    mail.getByTestId('mail-link').click(),
  ]);
}

async function run(page, baseURL) {
  const facts = {};
  const notice = () => page.getByTestId('notice').textContent();

  await page.goto(`${baseURL}/auth/sign-up`);
  await fillFields(page, { Name: USER.name, Email: USER.email, Password: USER.password });
  await click(page, 'Sign up', '/dashboard');

  await page.goto(`${baseURL}/dev/mail`);
  facts.outboxWarning = await page.getByTestId('dev-tool-warning').textContent();
  facts.mailSubject = await page.getByTestId('mail').first().locator('strong').textContent();
  await followMail(page, baseURL, USER.email, '/auth/verify-email');
  facts.verifiedNotice = await notice();
  facts.verified = await page.getByTestId('verified').textContent();

  await click(page, 'Sign out', '/auth/sign-in', page.getByRole('banner'));
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await click(page, 'Send me a link', '/auth/forgot-password');
  facts.resetRequested = await notice();
  await followMail(page, baseURL, USER.email, '/auth/reset-password');
  await page.getByLabel('New password').fill(NEW_PASSWORD);
  await click(page, 'Set the new password', '/auth/sign-in');
  facts.resetNotice = await notice();
  await page.getByLabel('Email or username', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await click(page, 'Sign in', '/dashboard');
  facts.signedInWithNewPassword = await page.getByTestId('email').textContent();
  return facts;
}

const [baseURL] = process.argv.slice(2);
if (!baseURL) throw new Error('usage: node account_flow.mjs BASE_URL');
await runFlow(async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1000, height: 900 } });
  return run(page, baseURL.replace(/\/$/, ''));
});

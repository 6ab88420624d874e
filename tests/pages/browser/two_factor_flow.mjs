// Drive the two-factor pages in Debian's Chromium: turn 2FA on from the account page,
// sign in with an authenticator code and trust the browser, sign in again without a code,
// and sign in from a second browser with a backup code. Each 2FA page is audited with
// axe-core.
//
// usage: node two_factor_flow.mjs BASE_URL
// The app under test serves /test/totp?key=KEY: the current TOTP code of KEY, computed
// by the Python test with pyotp.
// Prints one JSON line: {"ok": true, ...facts} or {"ok": false, "error": ...}.

import { BLOCKING, axeViolations, check, click, fillFields, path, runFlow } from './lib.mjs';

const USER = { name: 'Tess Factor', email: 'tess.pages@example.com', password: 'correct horse battery' };

async function audit(page, name, facts) {
  const blocking = (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact));
  check(blocking.length === 0, `axe on ${name}: ${JSON.stringify(blocking.map((v) => v.id))}`);
  facts.audited.push(name);
}

async function totp(page, baseURL, key) {
  const response = await page.request.get(`${baseURL}/test/totp?key=${encodeURIComponent(key)}`);
  check(response.ok(), 'no TOTP code from the test');
  return (await response.text()).trim();
}

async function signIn(page, baseURL, landing) {
  await page.goto(`${baseURL}/auth/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  await click(page, 'Sign in', landing);
}

await runFlow(async (browser) => {
  const [baseURL] = process.argv.slice(2);
  const facts = { audited: [] };
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${baseURL}/auth/sign-up`);
  await fillFields(page, { Name: USER.name, Email: USER.email, Password: USER.password });
  await click(page, 'Sign up', '/auth/account');
  await page.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  check(path(page) === '/auth/two-factor/setup', `set-up link led to ${path(page)}`);
  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  // The page posts to itself: wait for the answer's content, not for the URL.
  await page.getByRole('main').getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('#two-factor-key').waitFor();
  facts.qrDrawn = await page.locator('.ba-qr svg path').count();
  const key = (await page.locator('#two-factor-key').textContent()).replace(/\s+/g, '');
  facts.keyLength = key.length;
  const backupCodes = await page.locator('#backup-codes code').allTextContents();
  facts.backupCodes = backupCodes.length;
  await audit(page, 'two-factor-setup', facts);
  await page.getByLabel('Code from your app', { exact: true }).fill(await totp(page, baseURL, key));
  await click(page, 'Turn on', '/auth/account');
  facts.onNotice = (await page.getByTestId('notice').textContent()).trim();

  await page.goto(`${baseURL}/auth/sign-out`);
  await click(page, 'Sign out', '/auth/sign-in');
  await signIn(page, baseURL, '/auth/two-factor');
  await audit(page, 'two-factor-code', facts);
  await page.getByLabel('Code from your authenticator app', { exact: true }).fill('000000');
  await page.getByRole('main').getByRole('button', { name: 'Verify' }).first().click();
  await page.getByRole('alert').waitFor();
  facts.wrongCode = (await page.getByRole('alert').textContent()).trim();
  await page
    .getByLabel('Code from your authenticator app', { exact: true })
    .fill(await totp(page, baseURL, key));
  await page.locator('#trust-device').check();
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/auth/account'),
    page.getByRole('main').getByRole('button', { name: 'Verify' }).first().click(),
  ]);
  facts.signedInWithTotp = path(page);

  await page.goto(`${baseURL}/auth/sign-out`);
  await click(page, 'Sign out', '/auth/sign-in');
  await signIn(page, baseURL, '/auth/account');
  facts.trustedSignIn = path(page);

  const other = await (await browser.newContext()).newPage();
  await signIn(other, baseURL, '/auth/two-factor');
  await other.getByText('Use a backup code').click();
  await other.getByLabel('Backup code', { exact: true }).fill(backupCodes[0]);
  await Promise.all([
    other.waitForURL((url) => url.pathname === '/auth/account'),
    other.locator('details').getByRole('button', { name: 'Verify' }).click(),
  ]);
  facts.signedInWithBackupCode = path(other);
  return facts;
});

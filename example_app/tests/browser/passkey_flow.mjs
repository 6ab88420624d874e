// Passkeys on the example app, in Debian's Chromium with a virtual authenticator (the
// DevTools WebAuthn domain: resident keys, user verification): sign up, add a passkey on
// the account page, sign out, and sign in with the passkey alone.
//
// usage: node passkey_flow.mjs BASE_URL   (BASE_URL on http://localhost:PORT: browsers
// refuse WebAuthn on an IP address)
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { click, fillFields, pageWithAuthenticator, path, runFlow } from '../../../tests/pages/browser/lib.mjs';

const USER = { name: 'Ann Passkey', email: 'ann.passkey@example.com', password: 'correct horse battery' };

await runFlow(async (browser) => {
  const [baseURL] = process.argv.slice(2);
  if (!baseURL) throw new Error('usage: node passkey_flow.mjs BASE_URL');
  // No conditional UI (autofill): Chromium's virtual authenticator would answer it as the
  // sign-in page loads, before the button could be pressed.
  const [page, cdp, authenticatorId] = await pageWithAuthenticator(await browser.newContext(), {
    conditionalUI: 'never',
  });
  const facts = {};

  await page.goto(`${baseURL}/auth/sign-up`);
  await fillFields(page, { Name: USER.name, Email: USER.email, Password: USER.password });
  await click(page, 'Sign up', '/dashboard');

  // The account page adds the passkey; it comes back with a notice and lists it.
  await page.goto(`${baseURL}/auth/account`);
  await page.getByLabel('Name of the new passkey (optional)').fill('Laptop');
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get('notice') === 'passkey-added'),
    page.getByRole('button', { name: 'Add a passkey', exact: true }).click(),
  ]);
  facts.addedNotice = (await page.getByTestId('notice').textContent()).trim();
  facts.listed = await page.getByTestId('passkey-name').allTextContents();
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  facts.heldCredentials = credentials.length;
  facts.rpId = credentials[0]?.rpId ?? null;

  await click(page, 'Sign out', '/auth/sign-in', page.getByRole('banner'));
  facts.cookiesAfterSignOut = (await page.context().cookies()).map((c) => c.name).sort();

  // Sign in with the passkey, typing nothing.
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/dashboard'),
    page.getByRole('button', { name: 'Sign in with a passkey', exact: true }).click(),
  ]);
  facts.signedInWithPasskey = path(page);
  facts.dashboardEmail = await page.getByTestId('email').textContent();
  return facts;
});

// The passkey plugin on the ready-made pages, in Debian's Chromium with a virtual
// authenticator (the DevTools WebAuthn domain: resident keys, user verification): sign up,
// add a passkey on the account page, rename it, sign out, sign in with the passkey without
// typing the email and after typing it, let autofill (conditional UI) offer it, and see a
// second browser context, with its own empty authenticator, fail to use it.
//
// usage: node passkey_flow.mjs BASE_URL   (BASE_URL on http://localhost:PORT: browsers
// refuse WebAuthn on an IP address)
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { check, click, fillFields, pageWithAuthenticator, path, runFlow, seriousViolations } from './lib.mjs';

const USER = { name: 'Ann Passkey', email: 'ann.passkey@example.com', password: 'correct horse battery' };

async function signOut(page) {
  await page.goto(`${page.baseURL}/auth/sign-out`);
  await click(page, 'Sign out', '/auth/sign-in');
}

async function passkeyButton(page, pathname) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === pathname),
    page.getByRole('button', { name: 'Sign in with a passkey', exact: true }).click(),
  ]);
}

await runFlow(
  async (browser) => {
    const [baseURL] = process.argv.slice(2);
    if (!baseURL) throw new Error('usage: node passkey_flow.mjs BASE_URL');
    const facts = { audits: {} };
    const context = await browser.newContext();
    const [page, cdp, authenticatorId] = await pageWithAuthenticator(context);
    page.baseURL = baseURL;

    await page.goto(`${baseURL}/auth/sign-up`);
    await fillFields(page, { Name: USER.name, Email: USER.email, Password: USER.password });
    await click(page, 'Sign up', '/auth/account');
    facts.audits.account = await seriousViolations(page);

    // Add a passkey: the script runs the ceremony, the page comes back with a notice.
    await page.getByLabel('Name of the new passkey (optional)').fill('Laptop');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('notice') === 'passkey-added'),
      page.getByRole('button', { name: 'Add a passkey', exact: true }).click(),
    ]);
    facts.addedNotice = (await page.getByTestId('notice').textContent()).trim();
    facts.listed = await page.getByTestId('passkey-name').allTextContents();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    facts.heldCredentials = credentials.length;
    facts.residentKey = credentials[0]?.isResidentCredential ?? null;
    facts.audits['account-with-passkey'] = await seriousViolations(page);

    // The same authenticator cannot add a second passkey for the account.
    await page.getByRole('button', { name: 'Add a passkey', exact: true }).click();
    await page.locator('#passkey-add-error').waitFor({ state: 'visible' });
    facts.secondAddError = (await page.locator('#passkey-add-error').textContent()).trim();

    await page.getByLabel('New name for Laptop').fill('Work laptop');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('notice') === 'passkey-renamed'),
      page.getByRole('button', { name: 'Rename Laptop', exact: true }).click(),
    ]);
    facts.renamed = await page.getByTestId('passkey-name').allTextContents();

    // Sign out; sign in with the passkey without typing anything.
    await page.evaluate(() => sessionStorage.setItem('noAutofill', '1'));
    await signOut(page);
    facts.autocomplete = await page.locator('#email').getAttribute('autocomplete');
    facts.audits['sign-in'] = await seriousViolations(page);
    await passkeyButton(page, '/auth/account');
    facts.signedInWithoutEmail = path(page);
    facts.accountEmail = await page.getByTestId('account-email').textContent();

    // Sign out; type the email first, then use the passkey.
    await signOut(page);
    await page.locator('#email').fill(USER.email);
    await passkeyButton(page, '/auth/account');
    facts.signedInAfterTypingEmail = path(page);

    // Autofill: the sign-in page starts a conditional request as it loads; Chromium's
    // virtual authenticator answers it as a person picking the suggestion would, and the
    // page moves on to the account by itself.
    await signOut(page);
    facts.conditionalAvailable = await page.evaluate(() => PublicKeyCredential.isConditionalMediationAvailable());
    await page.evaluate(() => sessionStorage.removeItem('noAutofill'));
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/auth/account'),
      page.goto(`${baseURL}/auth/sign-in`),
    ]);
    facts.signedInByAutofill = path(page);

    // A second browser context, its own authenticator empty, cannot use Ann's passkey.
    const other = await browser.newContext();
    const [stranger] = await pageWithAuthenticator(other);
    await stranger.goto(`${baseURL}/auth/sign-in`);
    await stranger.getByRole('button', { name: 'Sign in with a passkey', exact: true }).click();
    await stranger.locator('#passkey-sign-in-error').waitFor({ state: 'visible' });
    facts.strangerError = (await stranger.locator('#passkey-sign-in-error').textContent()).trim();
    facts.strangerPath = path(stranger);
    check(facts.strangerPath === '/auth/sign-in', 'the stranger left the sign-in page');
    return facts;
  },
  { timeout: 60_000 },
);

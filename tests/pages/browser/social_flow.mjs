// Drive social sign-in on the ready-made pages in Debian's Chromium: "Continue with
// oidc" on the sign-in page, the provider's own login form (oidc-provider-mock), back to
// the account page signed in, its "Linked accounts" section audited with axe-core; then
// a second person with a password links the provider from the account page and unlinks it.
//
// usage: node social_flow.mjs BASE_URL SUB LINK_EMAIL LINK_SUB
// Prints one JSON line: {"ok": true, ...facts} or {"ok": false, "error": ...}.

import { BLOCKING, axeViolations, check, click, path, runFlow } from './lib.mjs';

async function atProvider(page, sub, landing) {
  await page.locator('input[name="sub"]').waitFor();
  await page.locator('input[name="sub"]').fill(sub);
  await Promise.all([
    page.waitForURL((url) => url.pathname === landing),
    page.getByRole('button', { name: 'Authorize', exact: true }).click(),
  ]);
}

await runFlow(async (browser) => {
  const [baseURL, sub, linkEmail, linkSub] = process.argv.slice(2);
  const facts = {};
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${baseURL}/auth/sign-in`);
  await page.getByRole('main').getByRole('button', { name: 'Continue with oidc' }).click();
  await atProvider(page, sub, '/auth/account');
  facts.signedIn = path(page);
  facts.linked = await page.getByTestId('linked-account').allTextContents();
  const blocking = (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact));
  check(blocking.length === 0, `axe on the account page: ${JSON.stringify(blocking.map((v) => v.id))}`);

  const other = await (await browser.newContext()).newPage();
  await other.goto(`${baseURL}/auth/sign-up`);
  await other.getByLabel('Name', { exact: true }).fill('Link Person');
  await other.getByLabel('Email', { exact: true }).fill(linkEmail);
  await other.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await click(other, 'Sign up', '/auth/account');
  await other.getByRole('main').getByRole('button', { name: 'Link oidc' }).click();
  await atProvider(other, linkSub, '/auth/account');
  facts.linkNotice = (await other.getByTestId('notice').textContent()).trim();
  await click(other, 'Unlink oidc', '/auth/account');
  facts.unlinkNotice = (await other.getByTestId('notice').textContent()).trim();
  facts.linkedAfter = await other.getByTestId('linked-account').count();
  return facts;
});

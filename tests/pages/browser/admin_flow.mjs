// The admin plugin on the ready-made pages, in Debian's Chromium, as two people in two
// browser contexts: Ada (an admin, made by the Python test) and Bob (signs up himself).
// Ada pages through the users, finds Bob, bans him (Bob's sign-in is refused), unbans
// him, impersonates him (the "stop impersonating" bar shows) and stops. The admin page
// and the page with the bar are audited with axe-core.
//
// usage: node admin_flow.mjs BASE_URL
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { BLOCKING, axeViolations, click, path, runFlow } from './lib.mjs';

const ADA = { email: 'ada@example.com', password: 'correct horse battery' };
const BOB = { name: 'Bob Pages', email: 'bob@example.com', password: 'another horse battery' };

async function serious(page) {
  return (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact)).map((v) => v.id);
}

async function signIn(page, baseURL, who) {
  await page.goto(`${baseURL}/auth/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in', exact: true }).click();
}

await runFlow(
  async (browser) => {
    const [baseURL] = process.argv.slice(2);
    if (!baseURL) throw new Error('usage: node admin_flow.mjs BASE_URL');
    const facts = { audits: {} };
    const bob = await (await browser.newContext()).newPage();
    const ada = await (await browser.newContext()).newPage();
    for (const page of [ada, bob]) page.setDefaultTimeout(20_000);

    await bob.goto(`${baseURL}/auth/sign-up`);
    await bob.getByLabel('Name', { exact: true }).fill(BOB.name);
    await bob.getByLabel('Email', { exact: true }).fill(BOB.email);
    await bob.getByLabel('Password', { exact: true }).fill(BOB.password);
    await click(bob, 'Sign up', '/auth/account');
    facts.bobAdminStatus = (await bob.goto(`${baseURL}/auth/admin`)).status();

    await signIn(ada, baseURL, ADA);
    await ada.waitForURL((url) => url.pathname === '/auth/account');
    await ada.goto(`${baseURL}/auth/admin`);
    facts.total = (await ada.getByTestId('admin-total').textContent()).trim();
    facts.firstPageRows = await ada.getByTestId('admin-user').count();
    facts.audits.admin = await serious(ada);
    await Promise.all([ada.waitForURL(/page=2/), ada.getByTestId('admin-next').click()]);
    facts.secondPageRows = await ada.getByTestId('admin-user').count();

    await ada.getByLabel('Search by email', { exact: true }).fill('bob@');
    await Promise.all([ada.waitForURL(/q=bob/), ada.getByRole('button', { name: 'Search', exact: true }).click()]);
    facts.found = (await ada.getByTestId('admin-user').first().getAttribute('data-email'));
    await Promise.all([
      ada.waitForLoadState('load'),
      ada.getByRole('button', { name: `Ban ${BOB.email}`, exact: true }).click(),
    ]);
    await ada.getByTestId('banned').waitFor();
    facts.bannedBadge = (await ada.getByTestId('banned').textContent()).trim();

    await bob.goto(`${baseURL}/auth/account`);
    facts.bobAfterBan = path(bob);
    await signIn(bob, baseURL, BOB);
    await bob.getByRole('alert').waitFor();
    facts.bobBannedError = (await bob.getByRole('alert').textContent()).trim();

    await Promise.all([
      ada.waitForLoadState('load'),
      ada.getByRole('button', { name: `Unban ${BOB.email}`, exact: true }).click(),
    ]);
    await ada.getByRole('button', { name: `Ban ${BOB.email}`, exact: true }).waitFor();
    await signIn(bob, baseURL, BOB);
    await bob.waitForURL((url) => url.pathname === '/auth/account');
    facts.bobSignedInAgain = path(bob);

    await Promise.all([
      ada.waitForURL((url) => url.pathname === '/auth/account'),
      ada.getByRole('button', { name: `Impersonate ${BOB.email}`, exact: true }).click(),
    ]);
    facts.impersonatingBar = (await ada.getByTestId('impersonating').textContent()).replace(/\s+/g, ' ').trim();
    facts.impersonatedEmail = await ada.getByTestId('account-email').textContent();
    facts.audits.impersonating = await serious(ada);
    await Promise.all([
      ada.waitForURL((url) => url.pathname === '/auth/admin'),
      ada.getByTestId('stop-impersonating').click(),
    ]);
    facts.backAt = path(ada);
    facts.barAfterStop = await ada.getByTestId('impersonating').count();
    facts.totalAfter = (await ada.getByTestId('admin-total').textContent()).trim();
    return facts;
  },
  { timeout: 60_000 },
);

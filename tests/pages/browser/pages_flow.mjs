// Drive the ready-made pages in Debian's Chromium as people would, check each page with
// axe-core, and save a screenshot of each page.
//
// usage: node pages_flow.mjs BASE_URL ARTIFACTS_DIR
// The app under test serves /test/last-link?to=ADDRESS: the link of the newest mail it
// sent to ADDRESS (read from the test's SMTP server).
// Prints one JSON line: {"ok": true, ...facts} on success; {"ok": false, "error": ...}
// (exit status 1) on failure.

import { join } from 'node:path';

import { BLOCKING, axeViolations, check, click, fillFields, path, runFlow } from './lib.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const USER = { name: 'Ann Pages', email: 'ann.pages@example.com', password: 'correct horse battery' };
const NEW_PASSWORD = 'a brand new horse battery';
const NEW_EMAIL = 'ann.moved@example.com';

class Run {
  constructor(baseURL, artifacts) {
    this.baseURL = baseURL;
    this.artifacts = artifacts;
    this.facts = { audited: [], screenshots: [], minorViolations: [] };
  }

  // Screenshot the page and audit it with axe-core; serious or critical findings fail.
  async record(page, name) {
    const file = join(this.artifacts, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.facts.screenshots.push(file);
    const found = await audit(page, name);
    const blocking = found.filter((v) => BLOCKING.has(v.impact));
    check(blocking.length === 0, `axe on ${name}: ${JSON.stringify(blocking)}`);
    this.facts.minorViolations.push(...found);
    this.facts.audited.push(name);
  }

  async lastLink(page, to) {
    const response = await page.request.get(`${this.baseURL}/test/last-link?to=${encodeURIComponent(to)}`);
    check(response.ok(), `no mail to ${to}`);
    return (await response.text()).trim();
  }
}

// The axe-core findings on the page as it is now.
async function audit(page, name) {
  return (await axeViolations(page)).map((v) => ({
    page: name,
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}

const search = (page) => new URL(page.url()).search;

// Press a button of the page's main content (the header has its own "Sign out").
async function noticeText(page) {
  return (await page.getByTestId('notice').textContent()).trim();
}

// Sign up, see the account page, verify the address, sign out, be asked to sign in by a
// protected page, fail and then succeed to sign in, with the keyboard only.
async function signUpAndIn(run, page) {
  const facts = run.facts;
  await page.goto(`${run.baseURL}/auth/sign-up`);
  await run.record(page, 'sign-up');
  await fillFields(page, { Name: USER.name, Email: USER.email, Password: USER.password });
  await click(page, 'Sign up', '/auth/account');
  facts.accountEmail = await page.getByTestId('account-email').textContent();
  facts.emailStateBefore = (await page.getByTestId('email-state').textContent()).trim();
  await run.record(page, 'account');

  await page.goto(await run.lastLink(page, USER.email));
  facts.verifiedAt = path(page) + search(page);
  facts.verifiedNotice = await noticeText(page);
  await run.record(page, 'verify-email');

  await page.goto(`${run.baseURL}/auth/sign-out`);
  await run.record(page, 'sign-out');
  await click(page, 'Sign out', '/auth/sign-in');
  facts.signedOutNotice = await noticeText(page);
  facts.cookiesAfterSignOut = (await page.context().cookies()).map((c) => c.name).sort();

  await page.goto(`${run.baseURL}/private`);
  facts.protectedRedirect = path(page) + search(page);
  facts.pleaseSignIn = await noticeText(page);
  await run.record(page, 'sign-in');

  // Keyboard only: the focus order of the form, and Enter submits it.
  await page.getByLabel('Email', { exact: true }).focus();
  const order = [];
  for (let i = 0; i < 4; i += 1) {
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.textContent.trim()));
    await page.keyboard.press('Tab');
  }
  facts.focusOrder = order;
  await page.getByLabel('Email', { exact: true }).focus();
  await page.keyboard.type(USER.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not the password');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').waitFor();
  facts.wrongPasswordError = (await page.getByRole('alert').textContent()).trim();
  facts.errorDescribes = await page.getByLabel('Password', { exact: true }).getAttribute('aria-describedby');
  await run.record(page, 'sign-in-error');
  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/private'),
    page.getByLabel('Password', { exact: true }).press('Enter'),
  ]);
  facts.backOnProtectedPage = path(page);
}

async function forgotAndReset(run, page) {
  const facts = run.facts;
  await page.goto(`${run.baseURL}/auth/sign-out`);
  await click(page, 'Sign out', '/auth/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  check(path(page) === '/auth/forgot-password', `forgot link led to ${path(page)}`);
  await run.record(page, 'forgot-password');
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await click(page, 'Send me a link', '/auth/forgot-password');
  facts.resetSentNotice = await noticeText(page);

  await page.goto(await run.lastLink(page, USER.email));
  facts.resetPage = path(page);
  await run.record(page, 'reset-password');
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await click(page, 'Set the new password', '/auth/sign-in');
  facts.resetNotice = await noticeText(page);
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await click(page, 'Sign in', '/auth/account');
}

async function accountChanges(run, page, other) {
  const facts = run.facts;
  await page.getByLabel('Name', { exact: true }).fill('Ann Renamed');
  await click(page, 'Save profile', '/auth/account');
  facts.profileNotice = await noticeText(page);

  await page.getByLabel('New email address', { exact: true }).fill(NEW_EMAIL);
  await click(page, 'Change email', '/auth/account');
  facts.emailSentNotice = await noticeText(page);
  await page.goto(await run.lastLink(page, NEW_EMAIL));
  facts.emailChangedNotice = await noticeText(page);
  facts.accountEmailAfterChange = await page.getByTestId('account-email').textContent();

  await page.getByLabel('Current password', { exact: true }).fill('wrong password');
  await page.getByLabel('New password', { exact: true }).fill('yet another password');
  await page.getByRole('main').getByRole('button', { name: 'Change password', exact: true }).click();
  await page.locator('#password-error').waitFor();
  facts.passwordError = (await page.locator('#password-error').textContent()).trim();
  await run.record(page, 'account-error');

  // A second device signs in; the first one signs it out from the account page.
  await other.goto(`${run.baseURL}/auth/sign-in`);
  await other.getByLabel('Email', { exact: true }).fill(NEW_EMAIL);
  await other.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await click(other, 'Sign in', '/auth/account');
  await page.goto(`${run.baseURL}/auth/account`);
  facts.sessionsListed = await page.getByTestId('session').count();
  await run.record(page, 'account-sessions');
  await page.locator('#sessions').getByRole('button', { name: /^Sign out Second Device Browser/ }).click();
  await page.waitForURL((url) => url.search === '?notice=session-revoked');
  facts.revokeNotice = await noticeText(page);
  facts.sessionsAfterRevoke = await page.getByTestId('session').count();
  await other.goto(`${run.baseURL}/private`);
  facts.otherDeviceAfterRevoke = path(other);

  await page.locator('#delete').getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await click(page, 'Delete my account', '/auth/sign-in');
  facts.deletedNotice = await noticeText(page);
  await page.getByLabel('Email', { exact: true }).fill(NEW_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('main').getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').waitFor();
  facts.signInAfterDelete = (await page.getByRole('alert').textContent()).trim();
}

// A browser with JavaScript off signs up and out: the forms need no script.
async function withoutJavaScript(run, browser) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${run.baseURL}/auth/sign-up`);
  await fillFields(page, { Name: 'No Script', Email: 'noscript@example.com', Password: USER.password });
  await click(page, 'Sign up', '/auth/account');
  run.facts.noScriptAccount = await page.getByTestId('account-email').textContent();
  await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/auth/sign-in');
  run.facts.noScriptSignedOut = await noticeText(page);
  await context.close();
}

// A phone-sized window: nothing scrolls sideways.
async function narrow(run, browser) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(`${run.baseURL}/auth/sign-in`);
  run.facts.narrowOverflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  const file = join(run.artifacts, 'sign-in-narrow.png');
  await page.screenshot({ path: file, fullPage: true });
  run.facts.screenshots.push(file);
  await context.close();
}

await runFlow(
  async (browser) => {
    const [baseURL, artifacts] = process.argv.slice(2);
    if (!baseURL || !artifacts) throw new Error('usage: node pages_flow.mjs BASE_URL ARTIFACTS_DIR');
    const run = new Run(baseURL.replace(/\/$/, ''), artifacts);
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const otherContext = await browser.newContext({ userAgent: 'Second Device Browser' });
    const page = await context.newPage();
    const other = await otherContext.newPage();
    for (const each of [page, other]) each.setDefaultTimeout(20_000);
    // The audit can fail: a page made to break the rules is caught.
    await page.goto(`${run.baseURL}/test/inaccessible`);
    run.facts.auditOfInaccessiblePage = (await audit(page, 'inaccessible'))
      .filter((v) => BLOCKING.has(v.impact))
      .map((v) => v.id);
    await signUpAndIn(run, page);
    await forgotAndReset(run, page);
    await accountChanges(run, page, other);
    await withoutJavaScript(run, browser);
    await narrow(run, browser);
    return run.facts;
  },
  { args: CHROMIUM_ARGS, timeout: 60_000 },
);

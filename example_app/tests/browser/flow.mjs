// Drive the example app in Debian's Chromium as a person would: sign up on the ready-made
// pages, see the dashboard, sign out, fail a sign-in ("Email or username": the username
// plugin is on), sign in again, take a screenshot,
// and open an unknown page (the app's styled 404).
//
// usage: node flow.mjs BASE_URL SCREENSHOT.png
// Prints one JSON line: {"ok": true, ...facts} on success; {"ok": false, "error": ...}
// (exit status 1) on failure.

import { check, click, fillFields, newPage, runFlow } from '../../../tests/pages/browser/lib.mjs';

const USER = { name: 'Ann Browser', email: 'ann.browser@example.com', password: 'correct horse battery' };

async function run(page, baseURL, screenshot) {
  const facts = {};
  const path = () => new URL(page.url()).pathname;

  await page.goto(`${baseURL}/`);
  await page.getByRole('link', { name: 'Create an account' }).click();
  check(path() === '/auth/sign-up', `home link led to ${path()}`);
  facts.signUpTitle = await page.title();

  await fillFields(page, { Name: USER.name, Email: USER.email, Password: USER.password });
  await click(page, 'Sign up', '/dashboard');
  facts.dashboardEmail = await page.getByTestId('email').textContent();
  facts.headerUser = await page.getByTestId('header-user').textContent();
  facts.expires = await page.getByTestId('expires').textContent();
  facts.cookiesAfterSignUp = (await page.context().cookies()).map((c) => c.name).sort();

  await click(page, 'Sign out', '/auth/sign-in', page.getByRole('banner'));
  facts.cookiesAfterSignOut = (await page.context().cookies()).map((c) => c.name).sort();
  await page.goto(`${baseURL}/dashboard`);
  facts.dashboardSignedOut = path();

  await page.getByLabel('Email or username', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  // The form comes back at the same URL, now with an error: wait for the error itself.
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#sign-in-error').waitFor({ state: 'visible' });
  // The page's passkey autofill request is refused by the browser (an IP-address origin);
  // once that refusal has reached the page, the password error is still the only alert.
  await page.waitForFunction(() => window.conditionalRequestSettled === true);
  facts.wrongPasswordError = await page.getByRole('alert').textContent();

  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  await click(page, 'Sign in', '/dashboard');
  facts.signedInAgainEmail = await page.getByTestId('email').textContent();

  await page.screenshot({ path: screenshot, fullPage: true });
  facts.screenshot = screenshot;

  const missing = await page.goto(`${baseURL}/no/such/page`);
  facts.notFoundStatus = missing.status();
  facts.notFoundHeading = await page.getByRole('heading', { level: 1 }).textContent();
  facts.notFoundStyled = await page.evaluate(
    () => getComputedStyle(document.querySelector('.site-header')).borderBottomStyle,
  );
  return facts;
}

const [baseURL, screenshot] = process.argv.slice(2);
if (!baseURL || !screenshot) throw new Error('usage: node flow.mjs BASE_URL SCREENSHOT.png');
await runFlow(async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1000, height: 700 } });
  // Note when a conditional (autofill) passkey request settles: the sign-in page starts
  // one as it loads.
  await page.addInitScript(() => {
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = (options) => {
      const answer = get(options);
      if (options?.mediation === 'conditional') {
        answer.catch(() => {}).finally(() => {
          window.conditionalRequestSettled = true;
        });
      }
      return answer;
    };
  });
  return run(page, baseURL.replace(/\/$/, ''), screenshot);
});

// Drive the example app in Debian's Chromium as a person would: sign up on the ready-made
// pages, see the dashboard, sign out, fail a sign-in, sign in again, take a screenshot,
// and open an unknown page (the app's styled 404).
//
// usage: node flow.mjs BASE_URL SCREENSHOT.png
// Prints one JSON line: {"ok": true, ...facts} on success; {"ok": false, "error": ...}
// (exit status 1) on failure.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

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
const USER = { name: 'Ann Browser', email: 'ann.browser@example.com', password: 'correct horse battery' };

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function submitAndWait(page, button, path) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === path),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
}

async function run(page, baseURL, screenshot) {
  const facts = {};
  const path = () => new URL(page.url()).pathname;

  await page.goto(`${baseURL}/`);
  await page.getByRole('link', { name: 'Create an account' }).click();
  check(path() === '/auth/sign-up', `home link led to ${path()}`);
  facts.signUpTitle = await page.title();

  await page.getByLabel('Name').fill(USER.name);
  await page.getByLabel('Email').fill(USER.email);
  await page.getByLabel('Password').fill(USER.password);
  await submitAndWait(page, 'Sign up', '/dashboard');
  facts.dashboardEmail = await page.getByTestId('email').textContent();
  facts.headerUser = await page.getByTestId('header-user').textContent();
  facts.expires = await page.getByTestId('expires').textContent();
  facts.cookiesAfterSignUp = (await page.context().cookies()).map((c) => c.name).sort();

  await submitAndWait(page, 'Sign out', '/auth/sign-in');
  facts.cookiesAfterSignOut = (await page.context().cookies()).map((c) => c.name).sort();
  await page.goto(`${baseURL}/dashboard`);
  facts.dashboardSignedOut = path();

  await page.getByLabel('Email').fill(USER.email);
  await page.getByLabel('Password').fill('not the password');
  // The form comes back at the same URL, now with an error: wait for the error itself.
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  facts.wrongPasswordError = await page.getByRole('alert').textContent();

  await page.getByLabel('Password').fill(USER.password);
  await submitAndWait(page, 'Sign in', '/dashboard');
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

async function main() {
  const [baseURL, screenshot] = process.argv.slice(2);
  if (!baseURL || !screenshot) {
    throw new Error('usage: node flow.mjs BASE_URL SCREENSHOT.png');
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'example-app-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 700 },
      timeout: 60_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    const facts = await run(page, baseURL.replace(/\/$/, ''), screenshot);
    console.log(JSON.stringify({ ok: true, ...facts }));
  } finally {
    await context?.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.log(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }));
  process.exitCode = 1;
});

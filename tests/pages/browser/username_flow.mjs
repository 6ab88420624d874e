// The username plugin on the ready-made pages, in Debian's Chromium: sign up with a
// username, change it on the account page, sign out, sign in by the new username. The
// pages with the plugin's fields are audited with axe-core.
//
// usage: node username_flow.mjs BASE_URL
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);
const USER = { name: 'Ann Pages', email: 'ann.user@example.com', password: 'correct horse battery' };

async function serious(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.filter((v) => BLOCKING.has(v.impact)).map((v) => v.id);
}

const path = (page) => new URL(page.url()).pathname;

async function click(page, name, pathname) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === pathname),
    page.getByRole('main').getByRole('button', { name, exact: true }).click(),
  ]);
}

async function main() {
  const [baseURL] = process.argv.slice(2);
  if (!baseURL) throw new Error('usage: node username_flow.mjs BASE_URL');
  const facts = { audits: {} };
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    timeout: 60_000,
  });
  try {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${baseURL}/auth/sign-up`);
    facts.audits['sign-up'] = await serious(page);
    await page.getByLabel('Name', { exact: true }).fill(USER.name);
    await page.getByLabel('Email', { exact: true }).fill(USER.email);
    await page.getByLabel('Username (optional)', { exact: true }).fill('Ann_Pages');
    await page.getByLabel('Password', { exact: true }).fill(USER.password);
    await click(page, 'Sign up', '/auth/account');
    facts.accountUsername = await page.locator('#account-username').inputValue();
    facts.audits.account = await serious(page);

    await page.locator('#account-username').fill('Ann.Renamed');
    await click(page, 'Save username', '/auth/account');
    facts.savedNotice = (await page.getByTestId('notice').textContent()).trim();
    facts.renamed = await page.locator('#account-username').inputValue();

    await page.goto(`${baseURL}/auth/sign-out`);
    await click(page, 'Sign out', '/auth/sign-in');
    facts.fieldLabel = (await page.locator('label[for="email"]').textContent()).trim();
    facts.audits['sign-in'] = await serious(page);
    await page.getByLabel('Email or username', { exact: true }).fill('ann.renamed');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('main').getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    facts.wrongPasswordError = (await page.getByRole('alert').textContent()).trim();
    await page.getByLabel('Password', { exact: true }).fill(USER.password);
    await click(page, 'Sign in', '/auth/account');
    facts.signedInAt = path(page);
    facts.accountEmail = await page.getByTestId('account-email').textContent();
    console.log(JSON.stringify({ ok: true, ...facts }));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.log(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }));
  process.exitCode = 1;
});

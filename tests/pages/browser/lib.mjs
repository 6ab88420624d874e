// What the browser flows (*_flow.mjs) share: Debian's Chromium started and closed around
// a flow, the one-line JSON report, the axe-core audit, and the page helpers.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
/** The axe impacts a page must not have. */
export const BLOCKING = new Set(['serious', 'critical']);

/** Throw `message` unless `condition`. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The path of the page's URL. */
export const path = (page) => new URL(page.url()).pathname;

/** Click the button `name` in `region` (the main region by default; the site header is
 * `page.getByRole('banner')`) and wait until the page is at `pathname`. */
export async function click(page, name, pathname, region = page.getByRole('main')) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === pathname),
    region.getByRole('button', { name, exact: true }).click(),
  ]);
}

/** A new page in a new browser context (`options`: a viewport...), timing out after 20 s. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/**
 * A new page in `context` whose tab holds a Chromium virtual platform authenticator (the
 * DevTools WebAuthn domain: CTAP2, resident keys, user verification, presence simulated).
 * Returns [page, cdp, authenticatorId]; `cdp.send('WebAuthn.getCredentials',
 * { authenticatorId })` shows what it holds.
 *
 * Chromium's virtual authenticator answers a conditional (autofill) request at once, so a
 * sign-in page would sign in by autofill before its passkey button could be tried.
 * `conditionalUI` says when the page sees conditional mediation as available: 'never', or
 * 'unless-flagged' (the default): not while the tab's sessionStorage holds `noAutofill`.
 */
export async function pageWithAuthenticator(context, { conditionalUI = 'unless-flagged' } = {}) {
  check(['never', 'unless-flagged'].includes(conditionalUI), `conditionalUI: ${conditionalUI}`);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.addInitScript((never) => {
    if ((never || sessionStorage.getItem('noAutofill')) && window.PublicKeyCredential) {
      PublicKeyCredential.isConditionalMediationAvailable = async () => false;
    }
  }, conditionalUI === 'never');
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return [page, cdp, authenticatorId];
}

/** Fill the form fields named by their exact labels: `{ Name: 'Ann', Email: ..., Password: ... }`. */
export async function fillFields(page, fields) {
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
}

/** axe-core's violations on the page as it is now. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations;
}

/** The ids of the page's axe violations whose impact is in `BLOCKING`. */
export async function seriousViolations(page) {
  return (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact)).map((v) => v.id);
}

/**
 * Start Chromium (`launch` adds to the launch options), run `flow(browser)`, and print
 * one JSON line: {"ok": true, ...the facts it returned}, or {"ok": false, "error": ...}
 * with exit status 1 when anything failed. The browser is closed either way.
 */
export async function runFlow(flow, launch = {}) {
  try {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      ...launch,
    });
    try {
      const facts = await flow(browser);
      console.log(JSON.stringify({ ok: true, ...facts }));
    } finally {
      await browser.close();
    }
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }));
    process.exitCode = 1;
  }
}

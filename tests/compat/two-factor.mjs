#!/usr/bin/env node
/**
 * Drive the two-factor plugin with the official `twoFactorClient`.
 *
 * Usage: node tests/compat/two-factor.mjs <baseURL> two-factor
 *
 * Prints one line of JSON, as scenarios.mjs does: {"scenario", "steps": {"<step>": Step},
 * "redirects": [...]} (or, when it crashed, also "crashed" and "exception"), with
 * scenarios.mjs's Agent and Step. TOTP codes are computed here (RFC 6238, HMAC-SHA1)
 * from the secret in the `totpURI` the server answered; one-time codes are read from the
 * JSON-lines file the app's `send_otp` writes (OTP_LOG).
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import { twoFactorClient } from "better-auth/client/plugins";

import { Agent, PASSWORD, runScenarios } from "./scenarios.mjs";

/** One simulated browser whose client has `twoFactorClient`, noting each two-factor
 * redirect's methods in `redirects`. */
const browser = (baseURL, redirects) =>
  new Agent(baseURL, undefined, {
    plugins: [twoFactorClient({ onTwoFactorRedirect: ({ twoFactorMethods }) => redirects.push(twoFactorMethods) })],
  });

/** Decode RFC 4648 base32 (no padding). */
function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of text.replace(/=+$/, "")) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The TOTP code of the secret in `uri` now (SHA-1, the URI's digits and period). */
function totp(uri) {
  const params = new URL(uri).searchParams;
  const digits = Number(params.get("digits") ?? 6);
  const period = Number(params.get("period") ?? 30);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / period)));
  const mac = createHmac("sha1", base32(params.get("secret"))).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(value).padStart(digits, "0");
}

/** The newest one-time code the app's `send_otp` logged for `email`. */
function lastOtp(email) {
  const lines = readFileSync(process.env.OTP_LOG, "utf8").split("\n").filter(Boolean);
  const found = lines.map((line) => JSON.parse(line)).filter((m) => m.email === email).at(-1);
  if (!found) throw new Error(`no OTP for ${email}`);
  return found.otp;
}

const SCENARIOS = {
  "two-factor": async (baseURL, report) => {
    const redirects = [];
    const steps = report.steps;
    report.redirects = redirects;
    const email = `tf-${randomUUID().slice(0, 8)}@example.com`;
    const signIn = (c) => c.signIn.email({ email, password: PASSWORD });
    const a = browser(baseURL, redirects);
    steps.signUp = await a.step("signUp", (c) => c.signUp.email({ name: "Ann", email, password: PASSWORD }));
    steps.enable = await a.step("enable", (c) => c.twoFactor.enable({ password: PASSWORD }));
    const uri = steps.enable.data.totpURI;
    const backupCodes = steps.enable.data.backupCodes;
    steps.verifyEnable = await a.step("verifyEnable", (c) => c.twoFactor.verifyTotp({ code: totp(uri) }));
    steps.sessionOn = await a.step("sessionOn", (c) => c.getSession({ query: { disableCookieCache: true } }));
    steps.signOut = await a.step("signOut", (c) => c.signOut());
    steps.heldTotp = await a.step("heldTotp", signIn);
    steps.sessionHeld = await a.step("sessionHeld", (c) => c.getSession());
    steps.verifyTotp = await a.step("verifyTotp", (c) =>
      c.twoFactor.verifyTotp({ code: totp(uri), trustDevice: true }),
    );
    steps.sessionTotp = await a.step("sessionTotp", (c) => c.getSession());
    await a.step("signOut", (c) => c.signOut());
    steps.trusted = await a.step("trusted", signIn);

    const b = browser(baseURL, redirects);
    steps.heldOtp = await b.step("heldOtp", signIn);
    steps.sendOtp = await b.step("sendOtp", (c) => c.twoFactor.sendOtp());
    steps.wrongOtp = await b.step("wrongOtp", (c) => c.twoFactor.verifyOtp({ code: "abcdef" }));
    steps.verifyOtp = await b.step("verifyOtp", (c) => c.twoFactor.verifyOtp({ code: lastOtp(email) }));
    steps.sessionOtp = await b.step("sessionOtp", (c) => c.getSession());

    const d = browser(baseURL, redirects);
    steps.heldBackup = await d.step("heldBackup", signIn);
    steps.wrongBackup = await d.step("wrongBackup", (c) => c.twoFactor.verifyBackupCode({ code: "xxxxx-xxxxx" }));
    steps.verifyBackup = await d.step("verifyBackup", (c) =>
      c.twoFactor.verifyBackupCode({ code: backupCodes[0] }),
    );
    steps.sessionBackup = await d.step("sessionBackup", (c) => c.getSession());
    steps.disable = await d.step("disable", (c) => c.twoFactor.disable({ password: PASSWORD }));
    steps.sessionOff = await d.step("sessionOff", (c) => c.getSession({ query: { disableCookieCache: true } }));
    const e = browser(baseURL, redirects);
    steps.plainSignIn = await e.step("plainSignIn", signIn);
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

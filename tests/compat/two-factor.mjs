#!/usr/bin/env node
/**
 * Drive the two-factor plugin with the official `twoFactorClient`.
 *
 * Usage: node tests/compat/two-factor.mjs <baseURL> two-factor
 *
 * Prints one line of JSON, as scenarios.mjs does: {"scenario", "steps": {"<step>": Step},
 * "redirects": [...]} (or, when it crashed, also "crashed" and "exception"), where a Step is
 * {data, error, setCookies, cookies}. TOTP codes are computed here (RFC 6238, HMAC-SHA1)
 * from the secret in the `totpURI` the server answered; one-time codes are read from the
 * JSON-lines file the app's `send_otp` writes (OTP_LOG).
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import { createAuthClient } from "better-auth/client";
import { twoFactorClient } from "better-auth/client/plugins";

import { runScenarios } from "./scenarios.mjs";

const PASSWORD = "correct horse battery staple";

/** One simulated browser: the official client with the plugin, and a cookie jar. */
class Browser {
  constructor(baseURL, redirects) {
    this.cookies = new Map();
    this.lastSetCookies = [];
    const origin = new URL(baseURL).origin;
    this.client = createAuthClient({
      baseURL,
      plugins: [
        twoFactorClient({
          onTwoFactorRedirect: ({ twoFactorMethods }) => redirects.push(twoFactorMethods),
        }),
      ],
      fetchOptions: {
        headers: { origin },
        customFetchImpl: (input, init) => this.fetch(input, init),
      },
    });
  }

  async fetch(input, init = {}) {
    const headers = new Headers(init.headers);
    const jar = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (jar) headers.set("cookie", jar);
    const response = await fetch(input, { ...init, headers });
    this.lastSetCookies = response.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair, ...attributes] = line.split(";").map((part) => part.trim());
      const cut = pair.indexOf("=");
      const name = pair.slice(0, cut);
      const value = pair.slice(cut + 1);
      const expired = attributes.some((a) => /^max-age=(0|-)/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Run one client call and record what it returned and what the server set. */
  async step(run) {
    const result = await run(this.client);
    return {
      data: JSON.parse(JSON.stringify(result?.data ?? null)),
      error: result?.error ? JSON.parse(JSON.stringify(result.error)) : null,
      setCookies: this.lastSetCookies,
      cookies: [...this.cookies.keys()].sort(),
    };
  }
}

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
    const a = new Browser(baseURL, redirects);
    steps.signUp = await a.step((c) => c.signUp.email({ name: "Ann", email, password: PASSWORD }));
    steps.enable = await a.step((c) => c.twoFactor.enable({ password: PASSWORD }));
    const uri = steps.enable.data.totpURI;
    const backupCodes = steps.enable.data.backupCodes;
    steps.verifyEnable = await a.step((c) => c.twoFactor.verifyTotp({ code: totp(uri) }));
    steps.sessionOn = await a.step((c) => c.getSession({ query: { disableCookieCache: true } }));
    steps.signOut = await a.step((c) => c.signOut());
    steps.heldTotp = await a.step(signIn);
    steps.sessionHeld = await a.step((c) => c.getSession());
    steps.verifyTotp = await a.step((c) =>
      c.twoFactor.verifyTotp({ code: totp(uri), trustDevice: true }),
    );
    steps.sessionTotp = await a.step((c) => c.getSession());
    await a.step((c) => c.signOut());
    steps.trusted = await a.step(signIn);

    const b = new Browser(baseURL, redirects);
    steps.heldOtp = await b.step(signIn);
    steps.sendOtp = await b.step((c) => c.twoFactor.sendOtp());
    steps.wrongOtp = await b.step((c) => c.twoFactor.verifyOtp({ code: "abcdef" }));
    steps.verifyOtp = await b.step((c) => c.twoFactor.verifyOtp({ code: lastOtp(email) }));
    steps.sessionOtp = await b.step((c) => c.getSession());

    const d = new Browser(baseURL, redirects);
    steps.heldBackup = await d.step(signIn);
    steps.wrongBackup = await d.step((c) => c.twoFactor.verifyBackupCode({ code: "xxxxx-xxxxx" }));
    steps.verifyBackup = await d.step((c) =>
      c.twoFactor.verifyBackupCode({ code: backupCodes[0] }),
    );
    steps.sessionBackup = await d.step((c) => c.getSession());
    steps.disable = await d.step((c) => c.twoFactor.disable({ password: PASSWORD }));
    steps.sessionOff = await d.step((c) => c.getSession({ query: { disableCookieCache: true } }));
    const e = new Browser(baseURL, redirects);
    steps.plainSignIn = await e.step(signIn);
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

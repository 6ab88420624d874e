#!/usr/bin/env node
/**
 * Drive the magic-link and email-OTP plugins with the official `magicLinkClient` and
 * `emailOTPClient`.
 *
 * Usage: node tests/compat/passwordless.mjs <baseURL> magic-link email-otp
 *
 * Prints one JSON line per scenario, as scenarios.mjs does ({scenario, steps} or
 * {scenario, crashed, exception, steps}). A Step is {call, data, error, http, cookies},
 * `http` listing each exchange's method, path, status and Location. Links and codes are
 * read from the JSON-lines mail log the app's built-in sender writes (MAIL_LOG).
 */
import { readFileSync } from "node:fs";

import { createAuthClient } from "better-auth/client";
import { emailOTPClient, magicLinkClient } from "better-auth/client/plugins";

import { CookieJar, PASSWORD, freshEmail, runScenarios, toPlain } from "./scenarios.mjs";

/** One browser: the official client with both plugins and a cookie jar. */
class Agent {
  constructor(baseURL) {
    this.log = [];
    this.jar = new CookieJar();
    const origin = new URL(baseURL).origin;
    this.client = createAuthClient({
      baseURL,
      plugins: [magicLinkClient(), emailOTPClient()],
      fetchOptions: {
        headers: { origin },
        customFetchImpl: (input, init) => this.fetch(input, init),
      },
    });
  }

  async fetch(input, init = {}) {
    const headers = new Headers(init.headers);
    if (this.jar.header()) headers.set("cookie", this.jar.header());
    const response = await fetch(input, { ...init, headers, redirect: "manual" });
    const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
    this.jar.absorb(response.headers.getSetCookie());
    this.log.push({
      method: (init.method ?? "GET").toUpperCase(),
      path: url.pathname + url.search,
      status: response.status,
      location: response.headers.get("location"),
    });
    return response;
  }

  async step(call, run) {
    const before = this.log.length;
    const result = await run(this.client);
    return {
      call,
      data: toPlain(result?.data ?? null),
      error: result?.error ? toPlain(result.error) : null,
      http: this.log.slice(before),
      cookies: this.jar.names(),
    };
  }
}

/** The latest mail the app sent to `email` (its JSON line). */
function lastMail(email) {
  const lines = readFileSync(process.env.MAIL_LOG, "utf8").split("\n").filter(Boolean);
  const mails = lines.map((line) => JSON.parse(line)).filter((m) => m.email.toLowerCase() === email.toLowerCase());
  if (!mails.length) throw new Error(`no mail to ${email}`);
  return mails[mails.length - 1];
}

const wrong = (code) => (code === "000000" ? "111111" : "000000");

const SCENARIOS = {
  async "magic-link"(baseURL, r) {
    const email = freshEmail();
    const browser = new Agent(baseURL);
    r.email = email;
    r.steps.send = await browser.step("signIn.magicLink", (c) =>
      c.signIn.magicLink({ email, name: "Ann Link", callbackURL: "/dashboard" }),
    );
    r.mail = lastMail(email);
    const token = new URL(r.mail.url).searchParams.get("token");
    r.steps.verify = await browser.step("magicLink.verify", (c) => c.magicLink.verify({ query: { token } }));
    r.steps.session = await browser.step("getSession", (c) => c.getSession());
    r.steps.reused = await new Agent(baseURL).step("magicLink.verify again", (c) =>
      c.magicLink.verify({ query: { token } }),
    );
    // The link itself, as a mail reader opens it: a redirect to the callback.
    await browser.step("signIn.magicLink", (c) => c.signIn.magicLink({ email, callbackURL: "/dashboard" }));
    const other = new Agent(baseURL);
    const opened = await other.fetch(lastMail(email).url);
    r.steps.opened = { status: opened.status, location: opened.headers.get("location"), cookies: other.jar.names() };
    r.steps.openedSession = await other.step("getSession", (c) => c.getSession());
  },

  async "email-otp"(baseURL, r) {
    const email = freshEmail();
    const browser = new Agent(baseURL);
    r.email = email;
    r.steps.send = await browser.step("emailOtp.sendVerificationOtp", (c) =>
      c.emailOtp.sendVerificationOtp({ email, type: "sign-in" }),
    );
    const otp = lastMail(email).token;
    r.steps.wrong = await browser.step("signIn.emailOtp wrong", (c) => c.signIn.emailOtp({ email, otp: wrong(otp) }));
    r.steps.check = await browser.step("emailOtp.checkVerificationOtp", (c) =>
      c.emailOtp.checkVerificationOtp({ email, type: "sign-in", otp }),
    );
    r.steps.signIn = await browser.step("signIn.emailOtp", (c) => c.signIn.emailOtp({ email, otp, name: "Ann Code" }));
    r.steps.session = await browser.step("getSession", (c) => c.getSession());
    r.steps.sendVerify = await browser.step("emailOtp.sendVerificationOtp", (c) =>
      c.emailOtp.sendVerificationOtp({ email, type: "email-verification" }),
    );
    const verifyCode = lastMail(email).token;
    r.steps.verifyEmail = await browser.step("emailOtp.verifyEmail", (c) =>
      c.emailOtp.verifyEmail({ email, otp: verifyCode }),
    );
    r.steps.requestReset = await browser.step("emailOtp.requestPasswordReset", (c) =>
      c.emailOtp.requestPasswordReset({ email }),
    );
    r.steps.forget = await browser.step("forgetPassword.emailOtp", (c) => c.forgetPassword.emailOtp({ email }));
    const resetCode = lastMail(email).token;
    r.resetType = lastMail(email).type;
    r.steps.reset = await browser.step("emailOtp.resetPassword", (c) =>
      c.emailOtp.resetPassword({ email, otp: resetCode, password: PASSWORD }),
    );
    r.steps.passwordSignIn = await new Agent(baseURL).step("signIn.email", (c) =>
      c.signIn.email({ email, password: PASSWORD }),
    );
    r.steps.unknown = await browser.step("emailOtp.requestPasswordReset unknown", (c) =>
      c.emailOtp.requestPasswordReset({ email: "nobody-" + email }),
    );
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

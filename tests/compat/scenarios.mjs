#!/usr/bin/env node
/**
 * Drive a Better Auth server with the official `better-auth` client.
 *
 * Usage: node tests/compat/scenarios.mjs <baseURL> <scenario> [<scenario> ...]
 *
 * `baseURL` is the server's origin (e.g. `http://127.0.0.1:5000`); the client appends the
 * default base path `/api/auth`. For every scenario named on the command line the script
 * prints ONE line of JSON on stdout:
 *
 *   {"scenario": "<name>", "email": "...", "steps": {"<step>": Step, ...}}
 *
 * or, when the scenario itself threw (a client crash, not an HTTP error):
 *
 *   {"scenario": "<name>", "crashed": true, "exception": "...", "steps": {...}}
 *
 * A Step records one client call:
 *   call     the client method, as written in JS
 *   data     the `data` the client returned, as JSON (Dates written as ISO strings)
 *   dates    dotted paths inside `data` that the client revived into `Date` objects
 *   error    the `error` the client returned ({message, code, status, statusText}) or null
 *   http     the HTTP exchanges behind the call: method, path, status, request cookie
 *            names and Authorization, parsed Set-Cookie lines, raw response body text,
 *            Location, set-auth-token and Access-Control-Expose-Headers headers
 *   cookies  cookie names in this agent's jar after the call
 *   at       the client clock (ms since epoch) when the call returned
 *
 * Node's fetch neither keeps cookies nor sends an Origin header, so each simulated browser
 * ("agent") gets a small cookie jar, fed from Set-Cookie and sent back as Cookie by a
 * `customFetchImpl`, and `fetchOptions.headers.origin` is set to the server's origin.
 * The jar ignores Domain and Path: every agent talks to one host, and Better Auth's
 * cookies all use `Path=/`.
 *
 * Exit status: 0 when every scenario ran (whatever the server answered), 2 on bad usage.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";

import { createAuthClient } from "better-auth/client";

export const PASSWORD = "correct horse battery staple";
const MAX_BODY_CHARS = 4000;

/** A minimal cookie store for one host: name -> value. */
export class CookieJar {
  constructor(entries = []) {
    this.cookies = new Map(entries);
  }

  /** A copy that evolves independently (a second browser holding the same cookies). */
  clone() {
    return new CookieJar(this.cookies);
  }

  /** The `Cookie` request header value, or "" when the jar is empty. */
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  names() {
    return [...this.cookies.keys()].sort();
  }

  /**
   * Apply Set-Cookie lines to the jar; return them parsed, for the report.
   * A cookie with `Max-Age<=0`, an Expires date in the past, or an empty value is removed.
   */
  absorb(setCookieLines) {
    return setCookieLines.map((line) => {
      const parsed = parseSetCookie(line);
      const expired =
        (parsed.maxAge !== null && parsed.maxAge <= 0) ||
        (parsed.expires !== null && Date.parse(parsed.expires) <= Date.now()) ||
        parsed.value === "";
      if (expired) {
        this.cookies.delete(parsed.name);
      } else {
        this.cookies.set(parsed.name, parsed.value);
      }
      return parsed;
    });
  }
}

/** Split one Set-Cookie line into name, value and attributes (attribute keys lower-cased). */
function parseSetCookie(line) {
  const [pair, ...rest] = line.split(";");
  const cut = pair.indexOf("=");
  const name = (cut < 0 ? pair : pair.slice(0, cut)).trim();
  const value = cut < 0 ? "" : pair.slice(cut + 1).trim();
  const attributes = {};
  for (const part of rest) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (key) attributes[key] = eq < 0 ? true : part.slice(eq + 1).trim();
  }
  const maxAge = "max-age" in attributes ? Number(attributes["max-age"]) : null;
  const expires = typeof attributes.expires === "string" ? attributes.expires : null;
  return { name, value, maxAge, expires, attributes };
}

/**
 * One simulated browser: an official client with its own cookie jar and request log.
 *
 * Options: `plugins`, the client plugins (e.g. `[adminClient()]`); `redirect: "manual"` to
 * see redirects instead of following them; `bearer: true` for a client that keeps no cookies
 * and carries its session in `Authorization: Bearer`, read from `set-auth-token`.
 */
export class Agent {
  constructor(baseURL, jar = new CookieJar(), { plugins = [], redirect = null, bearer = false } = {}) {
    this.baseURL = baseURL;
    this.jar = jar;
    this.options = { plugins, redirect, bearer };
    this.log = [];
    this.token = "";
    const fetchOptions = {
      headers: { origin: new URL(baseURL).origin },
      customFetchImpl: (input, init) => this.fetch(input, init),
    };
    if (bearer) {
      fetchOptions.auth = { type: "Bearer", token: () => this.token };
      fetchOptions.onSuccess = (ctx) => {
        const token = ctx.response.headers.get("set-auth-token");
        if (token) this.token = token;
      };
    }
    this.client = createAuthClient({ baseURL, plugins, fetchOptions });
  }

  /** A second agent that starts with a copy of this agent's cookies. */
  clone() {
    return new Agent(this.baseURL, this.jar.clone(), this.options);
  }

  async fetch(input, init = {}) {
    const { redirect, bearer } = this.options;
    const headers = new Headers(init.headers);
    const requestCookies = this.jar.names();
    const cookieHeader = this.jar.header();
    if (cookieHeader) headers.set("cookie", cookieHeader);
    const response = await fetch(input, { ...init, headers, ...(redirect ? { redirect } : {}) });
    const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
    const body = await response.clone().text();
    const setCookieLines = response.headers.getSetCookie();
    this.log.push({
      method: (init.method ?? "GET").toUpperCase(),
      path: url.pathname + url.search,
      requestOrigin: headers.get("origin"),
      requestCookies,
      authorization: headers.get("authorization"),
      status: response.status,
      contentType: response.headers.get("content-type"),
      location: response.headers.get("location"),
      cacheControl: response.headers.get("cache-control"),
      setAuthToken: response.headers.get("set-auth-token"),
      exposeHeaders: response.headers.get("access-control-expose-headers"),
      setCookies: bearer ? setCookieLines.map(parseSetCookie) : this.jar.absorb(setCookieLines),
      body: body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}...` : body,
    });
    return response;
  }

  /** Run one client call and record it as a Step. */
  async step(call, run) {
    const before = this.log.length;
    const result = await run(this.client);
    return {
      call,
      data: toPlain(result?.data ?? null),
      dates: datePaths(result?.data ?? null),
      error: result?.error ? toPlain(result.error) : null,
      http: this.log.slice(before),
      cookies: this.jar.names(),
      at: Date.now(),
    };
  }
}

/** JSON-safe copy of a client result: Dates become ISO strings, undefined keys vanish. */
export function toPlain(value) {
  return JSON.parse(JSON.stringify(value ?? null));
}

/** Dotted paths of every Date inside `value` (array items use their index). */
export function datePaths(value, prefix = "") {
  if (value instanceof Date) return [prefix];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) =>
    datePaths(item, prefix ? `${prefix}.${key}` : key),
  );
}

/** A fresh, mixed-case address, so each scenario has its own user and lower-casing shows. */
export function freshEmail() {
  return `Ann.${randomUUID().slice(0, 8)}@Example.COM`;
}

export const signUp = (email) => (c) => c.signUp.email({ name: "Ann Example", email, password: PASSWORD });
const signIn = (email, extra = {}) => (c) =>
  c.signIn.email({ email, password: PASSWORD, ...extra });
const getSession = (query) => (c) => (query ? c.getSession({ query }) : c.getSession());
const uncached = getSession({ disableCookieCache: true });
const UNCACHED = "getSession({query:{disableCookieCache:true}})";

const NEW_PASSWORD = "a new horse battery staple";

/**
 * The newest mail the server sent to `email` (of `type`, when given), read from the JSON-lines
 * log of its development sender, named by the MAIL_LOG environment variable. The server writes
 * the line before it answers, so it is there as soon as the client call has returned.
 */
function lastMail(email, type) {
  const path = process.env.MAIL_LOG;
  if (!path) throw new Error("MAIL_LOG is not set: the account scenarios read the server's mail log");
  let lines = [];
  try {
    lines = readFileSync(path, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  const wanted = email.toLowerCase();
  const found = lines.filter((m) => m.email === wanted && (!type || m.type === type)).at(-1);
  if (!found) throw new Error(`no ${type ?? ""} mail to ${wanted} in ${path}`);
  return found;
}

/** How many mails the server has logged so far (MAIL_LOG). */
function mailCount() {
  try {
    return readFileSync(process.env.MAIL_LOG, "utf8").split("\n").filter(Boolean).length;
  } catch (error) {
    if (error.code === "ENOENT") return 0;
    throw error;
  }
}

/**
 * Open a link from a mail as a browser tab of `agent` would (its cookies, no redirect
 * following), recorded like a Step: `http[0].location` is where the server sends the browser.
 */
async function openLink(agent, call, url) {
  const before = agent.log.length;
  await agent.fetch(url, { method: "GET", redirect: "manual" });
  return {
    call,
    data: null,
    dates: [],
    error: null,
    http: agent.log.slice(before),
    cookies: agent.jar.names(),
    at: Date.now(),
  };
}

/**
 * The scenarios. Each fills `r` (`r.email`, `r.steps.<name>`) as it goes, so the steps that
 * ran are still reported when a later one throws.
 */
const SCENARIOS = {
  /** The installed client version, to prove the lock file is what runs. */
  async "client-info"(_baseURL, r) {
    const pkg = JSON.parse(
      readFileSync(new URL("./node_modules/better-auth/package.json", import.meta.url), "utf8"),
    );
    r.betterAuthVersion = pkg.version;
    r.nodeVersion = process.version;
  },

  /** signUp.email with auto sign-in (the default). */
  async "sign-up"(baseURL, r) {
    r.email = freshEmail();
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
  },

  /** The same address twice, then in other letter case: 422 both times. */
  async "sign-up-duplicate"(baseURL, r) {
    r.email = freshEmail();
    r.steps.first = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.duplicate = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.duplicateOtherCase = await new Agent(baseURL).step(
      "signUp.email",
      signUp(r.email.toUpperCase()),
    );
  },

  /** signIn.email from a fresh browser, with and without callbackURL. */
  async "sign-in"(baseURL, r) {
    r.email = freshEmail();
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.signIn = await new Agent(baseURL).step("signIn.email", signIn(r.email));
    r.steps.signInWithCallback = await new Agent(baseURL).step(
      "signIn.email({callbackURL})",
      signIn(r.email, { callbackURL: "/dashboard" }),
    );
  },

  /** A wrong password and an unknown address give the same 401. */
  async "sign-in-wrong-password"(baseURL, r) {
    r.email = freshEmail();
    const stranger = new Agent(baseURL);
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.wrongPassword = await stranger.step("signIn.email(wrong password)", (c) =>
      c.signIn.email({ email: r.email, password: `${PASSWORD} nope` }),
    );
    const nobody = `nobody.${randomUUID().slice(0, 8)}@example.com`;
    r.steps.unknownEmail = await stranger.step("signIn.email(unknown email)", (c) =>
      c.signIn.email({ email: nobody, password: PASSWORD }),
    );
  },

  /** getSession signed out (null), then signed in ({session, user} with revived Dates). */
  async "get-session"(baseURL, r) {
    r.email = freshEmail();
    const agent = new Agent(baseURL);
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.signedOut = await agent.step("getSession()", getSession());
    r.steps.signIn = await agent.step("signIn.email", signIn(r.email));
    r.steps.getSession = await agent.step("getSession()", getSession());
  },

  /** rememberMe:false: browser-session cookies, dont_remember, a one-day session. */
  async "remember-me-false"(baseURL, r) {
    r.email = freshEmail();
    const agent = new Agent(baseURL);
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.signIn = await agent.step(
      "signIn.email({rememberMe:false})",
      signIn(r.email, { rememberMe: false }),
    );
    r.steps.getSession = await agent.step("getSession()", getSession());
    r.steps.getSessionUncached = await agent.step(UNCACHED, uncached);
  },

  /**
   * getSession({query:{disableCookieCache:true}}) reads storage; a plain getSession may be
   * answered from the session_data cookie. A second browser holding a copy of the cookies
   * shows the difference once the first one signs out (the row is gone).
   */
  async "get-session-disable-cookie-cache"(baseURL, r) {
    r.email = freshEmail();
    const agent = new Agent(baseURL);
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.signIn = await agent.step("signIn.email", signIn(r.email));
    r.steps.uncached = await agent.step(UNCACHED, uncached);
    const copy = agent.clone();
    r.steps.signOut = await agent.step("signOut()", (c) => c.signOut());
    r.steps.cachedAfterSignOut = await copy.step("getSession()", getSession());
    r.steps.uncachedAfterSignOut = await copy.step(UNCACHED, uncached);
  },

  /** signOut() expires the cookies; getSession() is then null; a second signOut is fine. */
  async "sign-out"(baseURL, r) {
    r.email = freshEmail();
    const agent = new Agent(baseURL);
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.signIn = await agent.step("signIn.email", signIn(r.email));
    r.steps.signOut = await agent.step("signOut()", (c) => c.signOut());
    r.steps.afterSignOut = await agent.step("getSession()", getSession());
    r.steps.signOutAgain = await agent.step("signOut()", (c) => c.signOut());
  },

  /** listSessions, revokeSession, revokeOtherSessions, revokeSessions across 3 browsers. */
  async "session-management"(baseURL, r) {
    r.email = freshEmail();
    const [a, b, c] = [new Agent(baseURL), new Agent(baseURL), new Agent(baseURL)];
    r.steps.signUpA = await a.step("signUp.email", signUp(r.email));
    r.steps.signInB = await b.step("signIn.email", signIn(r.email));
    r.steps.signInC = await c.step("signIn.email", signIn(r.email));
    r.steps.listAll = await a.step("listSessions()", (cl) => cl.listSessions());
    const token = r.steps.signInB.data?.token;
    r.steps.revokeB = await a.step("revokeSession({token})", (cl) => cl.revokeSession({ token }));
    r.steps.sessionB = await b.step(UNCACHED, uncached);
    r.steps.revokeOthers = await a.step("revokeOtherSessions()", (cl) => cl.revokeOtherSessions());
    r.steps.sessionC = await c.step(UNCACHED, uncached);
    r.steps.sessionA = await a.step(UNCACHED, uncached);
    r.steps.listAfterRevokeOthers = await a.step("listSessions()", (cl) => cl.listSessions());
    r.steps.revokeAll = await a.step("revokeSessions()", (cl) => cl.revokeSessions());
    r.steps.sessionAAfterRevokeAll = await a.step("getSession()", getSession());
  },

  /** updateSession: an additional session field, read back from the cache and storage. */
  async "update-session"(baseURL, r) {
    r.email = freshEmail();
    const agent = new Agent(baseURL);
    r.steps.signUp = await agent.step("signUp.email", signUp(r.email));
    r.steps.updateSession = await agent.step("updateSession({theme})", (c) =>
      c.updateSession({ theme: "dark" }),
    );
    r.steps.cached = await agent.step("getSession()", getSession());
    r.steps.uncached = await agent.step(UNCACHED, uncached);
    r.steps.empty = await agent.step("updateSession({})", (c) =>
      c.$fetch("/update-session", { method: "POST", body: {} }),
    );
  },

  /**
   * The account scenarios below need a server that mails through its development sender into
   * the file named by MAIL_LOG, with verification mail on sign-up, change-email on and
   * delete-user confirmed by mail (tests/test_compat_account.py builds it).
   */

  /** sendVerificationEmail and verifyEmail: signed in, anonymous, and refusals. */
  async "email-verification"(baseURL, r) {
    r.email = freshEmail();
    const agent = new Agent(baseURL);
    r.steps.signUp = await agent.step("signUp.email", signUp(r.email));
    r.signUpMail = lastMail(r.email, "verify-email");
    r.steps.resend = await agent.step("sendVerificationEmail({email, callbackURL})", (c) =>
      c.sendVerificationEmail({ email: r.email, callbackURL: "/verified" }),
    );
    r.resendMail = lastMail(r.email, "verify-email");
    r.mailsBeforeAnonymous = mailCount();
    r.steps.anonymousUnknown = await new Agent(baseURL).step(
      "sendVerificationEmail(unknown email)",
      (c) => c.sendVerificationEmail({ email: `nobody.${randomUUID().slice(0, 8)}@example.com` }),
    );
    r.mailsAfterAnonymous = mailCount();
    r.steps.verifyBogus = await agent.step("verifyEmail({query:{token:bogus}})", (c) =>
      c.verifyEmail({ query: { token: "bogus" } }),
    );
    r.steps.verify = await agent.step("verifyEmail({query:{token}})", (c) =>
      c.verifyEmail({ query: { token: r.resendMail.token } }),
    );
    r.steps.session = await agent.step(UNCACHED, uncached);
    r.steps.alreadyVerified = await agent.step("sendVerificationEmail(verified)", (c) =>
      c.sendVerificationEmail({ email: r.email }),
    );
    r.steps.linkWithCallback = await openLink(
      new Agent(baseURL),
      "GET verify-email link (already verified)",
      r.resendMail.url,
    );
  },

  /** requestPasswordReset, the mailed link, resetPassword, and a replay. */
  async "password-reset"(baseURL, r) {
    r.email = freshEmail();
    const stranger = new Agent(baseURL);
    r.steps.signUp = await new Agent(baseURL).step("signUp.email", signUp(r.email));
    r.steps.request = await stranger.step("requestPasswordReset({email, redirectTo})", (c) =>
      c.requestPasswordReset({ email: r.email, redirectTo: "/reset" }),
    );
    r.mail = lastMail(r.email, "reset-password");
    r.steps.requestUnknown = await stranger.step("requestPasswordReset(unknown email)", (c) =>
      c.requestPasswordReset({ email: `nobody.${randomUUID().slice(0, 8)}@example.com` }),
    );
    r.steps.link = await openLink(stranger, "GET reset-password link", r.mail.url);
    r.steps.tooShort = await stranger.step("resetPassword(short password)", (c) =>
      c.resetPassword({ newPassword: "short", token: r.mail.token }),
    );
    r.steps.reset = await stranger.step("resetPassword({newPassword, token})", (c) =>
      c.resetPassword({ newPassword: NEW_PASSWORD, token: r.mail.token }),
    );
    r.steps.replay = await stranger.step("resetPassword(same token)", (c) =>
      c.resetPassword({ newPassword: `${NEW_PASSWORD}!`, token: r.mail.token }),
    );
    r.steps.linkAfterUse = await openLink(stranger, "GET reset-password link again", r.mail.url);
    r.steps.oldPassword = await stranger.step("signIn.email(old password)", signIn(r.email));
    r.steps.newPassword = await stranger.step("signIn.email(new password)", (c) =>
      c.signIn.email({ email: r.email, password: NEW_PASSWORD }),
    );
  },

  /** changePassword: wrong current password, then with revokeOtherSessions. */
  async "change-password"(baseURL, r) {
    r.email = freshEmail();
    const [laptop, phone] = [new Agent(baseURL), new Agent(baseURL)];
    r.steps.signUp = await laptop.step("signUp.email", signUp(r.email));
    r.steps.phoneSignIn = await phone.step("signIn.email", signIn(r.email));
    r.steps.wrongCurrent = await laptop.step("changePassword(wrong current)", (c) =>
      c.changePassword({ currentPassword: "not the password", newPassword: NEW_PASSWORD }),
    );
    r.steps.change = await laptop.step(
      "changePassword({currentPassword, newPassword, revokeOtherSessions:true})",
      (c) =>
        c.changePassword({
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
          revokeOtherSessions: true,
        }),
    );
    r.steps.laptopSession = await laptop.step(UNCACHED, uncached);
    r.steps.phoneSession = await phone.step(UNCACHED, uncached);
    r.steps.newPassword = await new Agent(baseURL).step("signIn.email(new password)", (c) =>
      c.signIn.email({ email: r.email, password: NEW_PASSWORD }),
    );
  },

  /** updateUser: name and image, the cookie cache follows; email is refused. */
  async "update-user"(baseURL, r) {
    r.email = freshEmail();
    const agent = new Agent(baseURL);
    r.steps.signUp = await agent.step("signUp.email", signUp(r.email));
    r.steps.update = await agent.step("updateUser({name, image})", (c) =>
      c.updateUser({ name: "Ann Updated", image: "https://images.example/ann.png" }),
    );
    r.steps.cachedSession = await agent.step("getSession()", getSession());
    r.steps.clearImage = await agent.step("updateUser({image:null})", (c) =>
      c.updateUser({ image: null }),
    );
    r.steps.session = await agent.step(UNCACHED, uncached);
    r.steps.email = await agent.step("updateUser({email})", (c) =>
      c.updateUser({ email: "other@example.com" }),
    );
  },

  /** changeEmail: the link goes to the new address; verifyEmail switches the account. */
  async "change-email"(baseURL, r) {
    r.email = freshEmail();
    r.newEmail = freshEmail().replace("Ann.", "Ann.New.");
    const agent = new Agent(baseURL);
    r.steps.signUp = await agent.step("signUp.email", signUp(r.email));
    r.steps.same = await agent.step("changeEmail(same address)", (c) =>
      c.changeEmail({ newEmail: r.email.toUpperCase() }),
    );
    r.steps.change = await agent.step("changeEmail({newEmail, callbackURL})", (c) =>
      c.changeEmail({ newEmail: r.newEmail, callbackURL: "/settings" }),
    );
    r.mail = lastMail(r.newEmail, "change-email-verification");
    r.steps.beforeVerify = await agent.step(UNCACHED, uncached);
    r.steps.verify = await agent.step("verifyEmail({query:{token}})", (c) =>
      c.verifyEmail({ query: { token: r.mail.token } }),
    );
    r.steps.cachedSession = await agent.step("getSession()", getSession());
    r.steps.replay = await agent.step("verifyEmail(same token)", (c) =>
      c.verifyEmail({ query: { token: r.mail.token } }),
    );
  },

  /** deleteUser: a confirmation mail, then deleteUser({token}); another user by the link. */
  async "delete-user"(baseURL, r) {
    r.email = freshEmail();
    r.otherEmail = freshEmail();
    const [agent, other] = [new Agent(baseURL), new Agent(baseURL)];
    r.steps.signUp = await agent.step("signUp.email", signUp(r.email));
    r.steps.signUpOther = await other.step("signUp.email", signUp(r.otherEmail));
    r.steps.wrongPassword = await agent.step("deleteUser({password: wrong})", (c) =>
      c.deleteUser({ password: "not the password" }),
    );
    r.steps.request = await agent.step("deleteUser({callbackURL})", (c) =>
      c.deleteUser({ callbackURL: "/goodbye" }),
    );
    r.mail = lastMail(r.email, "delete-account");
    r.steps.foreignToken = await other.step("deleteUser({token: someone else's})", (c) =>
      c.deleteUser({ token: r.mail.token }),
    );
    r.steps.confirm = await agent.step("deleteUser({token})", (c) =>
      c.deleteUser({ token: r.mail.token }),
    );
    r.steps.afterDelete = await agent.step("getSession()", getSession());
    r.steps.signInDeleted = await new Agent(baseURL).step("signIn.email(deleted)", signIn(r.email));
    r.steps.otherRequest = await other.step("deleteUser()", (c) => c.deleteUser());
    r.otherMail = lastMail(r.otherEmail, "delete-account");
    r.steps.otherLink = await openLink(other, "GET delete-user/callback link", r.otherMail.url);
    r.steps.otherAfterDelete = await other.step(UNCACHED, uncached);
  },
};

/**
 * The command line every driver script shares: `<baseURL> <scenario>...`. Runs each named
 * scenario of `scenarios` and prints one JSON line per scenario ({scenario, steps}, or
 * {scenario, crashed, exception, steps}). Returns the exit code (2 on a bad command line).
 */
export async function runScenarios(scenarios, argv) {
  const [baseURL, ...names] = argv;
  const unknown = names.filter((name) => !(name in scenarios));
  if (!baseURL || !/^https?:\/\//.test(baseURL) || names.length === 0 || unknown.length) {
    process.stderr.write(
      `usage: node ${basename(process.argv[1] ?? "scenarios.mjs")} <baseURL> <scenario>...\n` +
        (unknown.length ? `unknown scenario(s): ${unknown.join(", ")}\n` : "") +
        `scenarios: ${Object.keys(scenarios).join(", ")}\n`,
    );
    return 2;
  }
  for (const name of names) {
    const report = { scenario: name, steps: {} };
    try {
      await scenarios[name](baseURL, report);
    } catch (error) {
      report.crashed = true;
      report.exception = String(error?.stack ?? error);
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
  return 0;
}

// Run only as a script, so that the per-plugin scripts (jwt.mjs, ...) can import the agent.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));
}

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
 *            names, parsed Set-Cookie lines, raw response body text, Location header
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

import { createAuthClient } from "better-auth/client";

const PASSWORD = "correct horse battery staple";
const MAX_BODY_CHARS = 4000;

/** A minimal cookie store for one host: name -> value. */
class CookieJar {
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
 */
class Agent {
  constructor(baseURL, jar = new CookieJar()) {
    this.baseURL = baseURL;
    this.jar = jar;
    this.log = [];
    const origin = new URL(baseURL).origin;
    this.client = createAuthClient({
      baseURL,
      fetchOptions: {
        headers: { origin },
        customFetchImpl: (input, init) => this.fetch(input, init),
      },
    });
  }

  /** A second agent that starts with a copy of this agent's cookies. */
  clone() {
    return new Agent(this.baseURL, this.jar.clone());
  }

  async fetch(input, init = {}) {
    const headers = new Headers(init.headers);
    const requestCookies = this.jar.names();
    const cookieHeader = this.jar.header();
    if (cookieHeader) headers.set("cookie", cookieHeader);
    const response = await fetch(input, { ...init, headers });
    const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
    const body = await response.clone().text();
    this.log.push({
      method: (init.method ?? "GET").toUpperCase(),
      path: url.pathname + url.search,
      requestOrigin: headers.get("origin"),
      requestCookies,
      status: response.status,
      contentType: response.headers.get("content-type"),
      location: response.headers.get("location"),
      cacheControl: response.headers.get("cache-control"),
      setCookies: this.jar.absorb(response.headers.getSetCookie()),
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
function toPlain(value) {
  return JSON.parse(JSON.stringify(value ?? null));
}

/** Dotted paths of every Date inside `value` (array items use their index). */
function datePaths(value, prefix = "") {
  if (value instanceof Date) return [prefix];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) =>
    datePaths(item, prefix ? `${prefix}.${key}` : key),
  );
}

/** A fresh, mixed-case address, so each scenario has its own user and lower-casing shows. */
function freshEmail() {
  return `Ann.${randomUUID().slice(0, 8)}@Example.COM`;
}

const signUp = (email) => (c) => c.signUp.email({ name: "Ann Example", email, password: PASSWORD });
const signIn = (email, extra = {}) => (c) =>
  c.signIn.email({ email, password: PASSWORD, ...extra });
const getSession = (query) => (c) => (query ? c.getSession({ query }) : c.getSession());
const uncached = getSession({ disableCookieCache: true });
const UNCACHED = "getSession({query:{disableCookieCache:true}})";

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
};

async function main(argv) {
  const [baseURL, ...names] = argv;
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (!baseURL || !/^https?:\/\//.test(baseURL) || names.length === 0 || unknown.length) {
    process.stderr.write(
      `usage: node scenarios.mjs <baseURL> <scenario>...\n` +
        (unknown.length ? `unknown scenario(s): ${unknown.join(", ")}\n` : "") +
        `scenarios: ${Object.keys(SCENARIOS).join(", ")}\n`,
    );
    return 2;
  }
  for (const name of names) {
    const report = { scenario: name, steps: {} };
    try {
      await SCENARIOS[name](baseURL, report);
    } catch (error) {
      report.crashed = true;
      report.exception = String(error?.stack ?? error);
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

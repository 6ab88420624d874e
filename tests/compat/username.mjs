#!/usr/bin/env node
/**
 * Drive the username and bearer plugins with the official client and `usernameClient`.
 *
 * Usage: node tests/compat/username.mjs <baseURL> <scenario> [<scenario> ...]
 *
 * Prints one JSON line per scenario, as scenarios.mjs does ({scenario, steps} or
 * {scenario, crashed, exception, steps}). A Step here is {call, data, error, http}, where
 * `http` lists the exchanges: method, path, status, whether a Cookie header was sent,
 * the set-auth-token and Access-Control-Expose-Headers response headers.
 */
import { randomUUID } from "node:crypto";

import { createAuthClient } from "better-auth/client";
import { usernameClient } from "better-auth/client/plugins";

import { CookieJar, PASSWORD, freshEmail, toPlain } from "./scenarios.mjs";

/** An official client with `usernameClient`; with `bearer`, it keeps no cookies and
 * carries its session in `Authorization: Bearer`, read from `set-auth-token`. */
class Agent {
  constructor(baseURL, { bearer = false } = {}) {
    this.log = [];
    this.jar = bearer ? null : new CookieJar();
    this.token = "";
    const origin = new URL(baseURL).origin;
    const fetchOptions = {
      headers: { origin },
      customFetchImpl: (input, init) => this.fetch(input, init),
    };
    if (bearer) {
      fetchOptions.auth = { type: "Bearer", token: () => this.token };
      fetchOptions.onSuccess = (ctx) => {
        const token = ctx.response.headers.get("set-auth-token");
        if (token) this.token = token;
      };
    }
    this.client = createAuthClient({ baseURL, plugins: [usernameClient()], fetchOptions });
  }

  async fetch(input, init = {}) {
    const headers = new Headers(init.headers);
    if (this.jar && this.jar.header()) headers.set("cookie", this.jar.header());
    const response = await fetch(input, { ...init, headers });
    const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
    if (this.jar) this.jar.absorb(response.headers.getSetCookie());
    this.log.push({
      method: (init.method ?? "GET").toUpperCase(),
      path: url.pathname,
      status: response.status,
      sentCookie: headers.has("cookie"),
      authorization: headers.get("authorization"),
      setAuthToken: response.headers.get("set-auth-token"),
      exposeHeaders: response.headers.get("access-control-expose-headers"),
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
    };
  }
}

const SCENARIOS = {
  /** Sign up with a username, check availability, sign in by username, rename. */
  async username(baseURL, r) {
    r.email = freshEmail();
    r.username = `Ann_${randomUUID().slice(0, 6)}`;
    r.renamed = `Renamed_${randomUUID().slice(0, 6)}`;
    const ann = new Agent(baseURL);
    r.steps.signUp = await ann.step("signUp.email({username})", (c) =>
      c.signUp.email({ name: "Ann Example", email: r.email, password: PASSWORD, username: r.username }),
    );
    r.steps.taken = await ann.step("isUsernameAvailable(taken)", (c) =>
      c.isUsernameAvailable({ username: r.username.toUpperCase() }),
    );
    r.steps.free = await ann.step("isUsernameAvailable(free)", (c) =>
      c.isUsernameAvailable({ username: r.renamed }),
    );
    r.steps.tooShort = await ann.step("isUsernameAvailable(ab)", (c) =>
      c.isUsernameAvailable({ username: "ab" }),
    );
    const other = new Agent(baseURL);
    r.steps.signIn = await other.step("signIn.username", (c) =>
      c.signIn.username({ username: r.username, password: PASSWORD }),
    );
    r.steps.session = await other.step("getSession()", (c) => c.getSession());
    r.steps.wrongPassword = await new Agent(baseURL).step("signIn.username(wrong)", (c) =>
      c.signIn.username({ username: r.username, password: "not the password" }),
    );
    r.steps.badName = await new Agent(baseURL).step("signIn.username(bad)", (c) =>
      c.signIn.username({ username: "no spaces allowed", password: PASSWORD }),
    );
    r.steps.update = await other.step("updateUser({username})", (c) =>
      c.updateUser({ username: r.renamed, displayUsername: r.renamed }),
    );
    r.steps.afterUpdate = await other.step("getSession(uncached)", (c) =>
      c.getSession({ query: { disableCookieCache: true } }),
    );
    r.steps.signInRenamed = await new Agent(baseURL).step("signIn.username(renamed)", (c) =>
      c.signIn.username({ username: r.renamed.toLowerCase(), password: PASSWORD }),
    );
    r.steps.signUpTaken = await new Agent(baseURL).step("signUp.email(taken username)", (c) =>
      c.signUp.email({
        name: "Bob",
        email: freshEmail(),
        password: PASSWORD,
        username: r.renamed,
      }),
    );
  },

  /** A client without cookies: its session lives in set-auth-token / Authorization. */
  async bearer(baseURL, r) {
    r.email = freshEmail();
    const app = new Agent(baseURL, { bearer: true });
    r.steps.signUp = await app.step("signUp.email", (c) =>
      c.signUp.email({ name: "Ann Example", email: r.email, password: PASSWORD }),
    );
    r.steps.session = await app.step("getSession()", (c) => c.getSession());
    r.steps.sessions = await app.step("listSessions()", (c) => c.listSessions());
    r.steps.signOut = await app.step("signOut()", (c) => c.signOut());
    r.steps.afterSignOut = await app.step("getSession()", (c) => c.getSession());
    r.steps.listAfterSignOut = await app.step("listSessions()", (c) => c.listSessions());
    const again = new Agent(baseURL, { bearer: true });
    r.steps.signIn = await again.step("signIn.email", (c) =>
      c.signIn.email({ email: r.email, password: PASSWORD }),
    );
    r.steps.sessionAgain = await again.step("getSession()", (c) => c.getSession());
  },
};

async function main(argv) {
  const [baseURL, ...names] = argv;
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (!baseURL || names.length === 0 || unknown.length) {
    process.stderr.write(`usage: node username.mjs <baseURL> <scenario>...\n`);
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

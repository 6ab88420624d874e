#!/usr/bin/env node
/**
 * Drive the username and bearer plugins with the official client and `usernameClient`.
 *
 * Usage: node tests/compat/username.mjs <baseURL> <scenario> [<scenario> ...]
 *
 * Prints one JSON line per scenario, as scenarios.mjs does ({scenario, steps} or
 * {scenario, crashed, exception, steps}), with scenarios.mjs's Agent and Step.
 */
import { randomUUID } from "node:crypto";

import { usernameClient } from "better-auth/client/plugins";

import { Agent, PASSWORD, freshEmail, runScenarios } from "./scenarios.mjs";

/** A browser whose client has `usernameClient`; with `{ bearer: true }`, one that keeps no
 * cookies and carries its session in `Authorization: Bearer`. */
const agent = (baseURL, options = {}) =>
  new Agent(baseURL, undefined, { plugins: [usernameClient()], ...options });

const SCENARIOS = {
  /** Sign up with a username, check availability, sign in by username, rename. */
  async username(baseURL, r) {
    r.email = freshEmail();
    r.username = `Ann_${randomUUID().slice(0, 6)}`;
    r.renamed = `Renamed_${randomUUID().slice(0, 6)}`;
    const ann = agent(baseURL);
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
    const other = agent(baseURL);
    r.steps.signIn = await other.step("signIn.username", (c) =>
      c.signIn.username({ username: r.username, password: PASSWORD }),
    );
    r.steps.session = await other.step("getSession()", (c) => c.getSession());
    r.steps.wrongPassword = await agent(baseURL).step("signIn.username(wrong)", (c) =>
      c.signIn.username({ username: r.username, password: "not the password" }),
    );
    r.steps.badName = await agent(baseURL).step("signIn.username(bad)", (c) =>
      c.signIn.username({ username: "no spaces allowed", password: PASSWORD }),
    );
    r.steps.update = await other.step("updateUser({username})", (c) =>
      c.updateUser({ username: r.renamed, displayUsername: r.renamed }),
    );
    r.steps.afterUpdate = await other.step("getSession(uncached)", (c) =>
      c.getSession({ query: { disableCookieCache: true } }),
    );
    r.steps.signInRenamed = await agent(baseURL).step("signIn.username(renamed)", (c) =>
      c.signIn.username({ username: r.renamed.toLowerCase(), password: PASSWORD }),
    );
    r.steps.signUpTaken = await agent(baseURL).step("signUp.email(taken username)", (c) =>
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
    const app = agent(baseURL, { bearer: true });
    r.steps.signUp = await app.step("signUp.email", (c) =>
      c.signUp.email({ name: "Ann Example", email: r.email, password: PASSWORD }),
    );
    r.steps.session = await app.step("getSession()", (c) => c.getSession());
    r.steps.sessions = await app.step("listSessions()", (c) => c.listSessions());
    r.steps.signOut = await app.step("signOut()", (c) => c.signOut());
    r.steps.afterSignOut = await app.step("getSession()", (c) => c.getSession());
    r.steps.listAfterSignOut = await app.step("listSessions()", (c) => c.listSessions());
    const again = agent(baseURL, { bearer: true });
    r.steps.signIn = await again.step("signIn.email", (c) =>
      c.signIn.email({ email: r.email, password: PASSWORD }),
    );
    r.steps.sessionAgain = await again.step("getSession()", (c) => c.getSession());
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

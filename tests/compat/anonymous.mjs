#!/usr/bin/env node
/**
 * Drive the anonymous plugin with the official client and `anonymousClient`.
 *
 * Usage: node tests/compat/anonymous.mjs <baseURL> <scenario> [<scenario> ...]
 *
 * Prints one JSON line per scenario, as scenarios.mjs does.
 */
import { createAuthClient } from "better-auth/client";
import { anonymousClient } from "better-auth/client/plugins";

import { Agent, PASSWORD, freshEmail, runScenarios } from "./scenarios.mjs";

/** A simulated browser whose official client has `anonymousClient`. */
class Guest extends Agent {
  constructor(baseURL) {
    super(baseURL);
    this.client = createAuthClient({
      baseURL,
      plugins: [anonymousClient()],
      fetchOptions: {
        headers: { origin: new URL(baseURL).origin },
        customFetchImpl: (input, init) => this.fetch(input, init),
      },
    });
  }
}

const SCENARIOS = {
  /** A guest signs in, cannot do it twice, then signs up: the guest becomes the account. */
  async link(baseURL, r) {
    r.email = freshEmail();
    const browser = new Guest(baseURL);
    r.steps.guest = await browser.step("signIn.anonymous()", (c) => c.signIn.anonymous());
    r.steps.guestSession = await browser.step("getSession()", (c) => c.getSession());
    r.steps.again = await browser.step("signIn.anonymous() again", (c) => c.signIn.anonymous());
    r.steps.signUp = await browser.step("signUp.email", (c) =>
      c.signUp.email({ name: "Ann Example", email: r.email, password: PASSWORD }),
    );
    r.steps.session = await browser.step("getSession()", (c) => c.getSession());
  },

  /** A guest leaves; a real account may not use the same call. */
  async remove(baseURL, r) {
    const browser = new Guest(baseURL);
    r.steps.guest = await browser.step("signIn.anonymous()", (c) => c.signIn.anonymous());
    r.steps.remove = await browser.step("deleteAnonymousUser()", (c) => c.deleteAnonymousUser());
    r.steps.session = await browser.step("getSession()", (c) => c.getSession());
    const real = new Guest(baseURL);
    await real.step("signUp.email", (c) =>
      c.signUp.email({ name: "Bob", email: freshEmail(), password: PASSWORD }),
    );
    r.steps.refused = await real.step("deleteAnonymousUser() as a real user", (c) =>
      c.deleteAnonymousUser(),
    );
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

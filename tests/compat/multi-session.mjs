#!/usr/bin/env node
/**
 * Drive the multi-session plugin with the official client and `multiSessionClient`.
 *
 * Usage: node tests/compat/multi-session.mjs <baseURL> <scenario> [<scenario> ...]
 *
 * Prints one JSON line per scenario, as scenarios.mjs does.
 */
import { createAuthClient } from "better-auth/client";
import { multiSessionClient } from "better-auth/client/plugins";

import { Agent, PASSWORD, freshEmail, runScenarios } from "./scenarios.mjs";

/** A simulated browser whose official client has `multiSessionClient`. */
class Browser extends Agent {
  constructor(baseURL) {
    super(baseURL);
    this.client = createAuthClient({
      baseURL,
      plugins: [multiSessionClient()],
      fetchOptions: {
        headers: { origin: new URL(baseURL).origin },
        customFetchImpl: (input, init) => this.fetch(input, init),
      },
    });
  }
}

const SCENARIOS = {
  /** Two accounts in one browser: list, switch, revoke one, sign out of all. */
  async accounts(baseURL, r) {
    r.emails = [freshEmail(), freshEmail()];
    const browser = new Browser(baseURL);
    r.steps.ann = await browser.step("signUp.email(ann)", (c) =>
      c.signUp.email({ name: "Ann", email: r.emails[0], password: PASSWORD }),
    );
    r.steps.bob = await browser.step("signUp.email(bob)", (c) =>
      c.signUp.email({ name: "Bob", email: r.emails[1], password: PASSWORD }),
    );
    r.steps.list = await browser.step("multiSession.listDeviceSessions()", (c) =>
      c.multiSession.listDeviceSessions(),
    );
    const annToken = r.steps.ann.data?.token;
    const bobToken = r.steps.bob.data?.token;
    r.steps.setActive = await browser.step("multiSession.setActive(ann)", (c) =>
      c.multiSession.setActive({ sessionToken: annToken }),
    );
    r.steps.active = await browser.step("getSession()", (c) => c.getSession());
    r.steps.badToken = await browser.step("multiSession.setActive(unknown)", (c) =>
      c.multiSession.setActive({ sessionToken: "not-a-session-token" }),
    );
    r.steps.revoke = await browser.step("multiSession.revoke(bob)", (c) =>
      c.multiSession.revoke({ sessionToken: bobToken }),
    );
    r.steps.listAfterRevoke = await browser.step("multiSession.listDeviceSessions()", (c) =>
      c.multiSession.listDeviceSessions(),
    );
    await browser.step("signIn.email(bob)", (c) =>
      c.signIn.email({ email: r.emails[1], password: PASSWORD }),
    );
    r.steps.signOut = await browser.step("signOut()", (c) => c.signOut());
    r.steps.listAfterSignOut = await browser.step("multiSession.listDeviceSessions()", (c) =>
      c.multiSession.listDeviceSessions(),
    );
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

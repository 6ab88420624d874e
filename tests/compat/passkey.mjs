#!/usr/bin/env node
/**
 * Drive the passkey plugin with the official `passkeyClient` (@better-auth/passkey 1.7.6)
 * and a software authenticator behind `navigator.credentials` (soft-authenticator.mjs).
 *
 * Usage: node tests/compat/passkey.mjs <baseURL> passkey
 *
 * Prints one JSON line per scenario, as scenarios.mjs does ({scenario, steps} or
 * {scenario, crashed, exception, steps}), Steps as scenarios.mjs records them.
 */
import { createAuthClient } from "better-auth/client";
import { passkeyClient } from "@better-auth/passkey/client";

import { Agent, CookieJar, freshEmail, runScenarios, signUp } from "./scenarios.mjs";
import { SoftAuthenticator } from "./soft-authenticator.mjs";

/** The shared agent (cookie jar, request log), its client with `passkeyClient`. */
class PasskeyAgent extends Agent {
  constructor(baseURL, jar = new CookieJar()) {
    super(baseURL, jar);
    this.client = createAuthClient({
      baseURL,
      plugins: [passkeyClient()],
      fetchOptions: {
        headers: { origin: new URL(baseURL).origin },
        customFetchImpl: (input, init) => this.fetch(input, init),
      },
    });
  }
}

const SCENARIOS = {
  async passkey(baseURL, r) {
    const device = new SoftAuthenticator(new URL(baseURL).origin);
    device.install();
    const email = freshEmail();
    const ann = new PasskeyAgent(baseURL);
    r.steps.signUp = await ann.step("signUp.email", signUp(email));
    r.steps.add = await ann.step("passkey.addPasskey({name})", (c) => c.passkey.addPasskey({ name: "Laptop" }));
    r.steps.addAgain = await ann.step("passkey.addPasskey() again", (c) => c.passkey.addPasskey());
    r.steps.list = await ann.step("passkey.listUserPasskeys()", (c) => c.passkey.listUserPasskeys());

    // A new browser holding the same passkey signs in without naming the account.
    const other = new PasskeyAgent(baseURL);
    r.steps.signIn = await other.step("signIn.passkey()", (c) => c.signIn.passkey());
    r.steps.session = await other.step("getSession()", (c) => c.getSession());
    r.steps.reauth = await other.step("signIn.passkey() signed in", (c) => c.signIn.passkey());

    const id = r.steps.add.data?.id;
    r.steps.rename = await other.step("passkey.updatePasskey", (c) => c.passkey.updatePasskey({ id, name: "Phone" }));
    r.steps.listRenamed = await ann.step("passkey.listUserPasskeys()", (c) => c.passkey.listUserPasskeys());

    // Bob can neither rename nor delete Ann's passkey.
    const bob = new PasskeyAgent(baseURL);
    await bob.step("signUp.email", signUp(freshEmail()));
    r.steps.bobRename = await bob.step("passkey.updatePasskey (Ann's)", (c) => c.passkey.updatePasskey({ id, name: "Mine" }));
    r.steps.bobDelete = await bob.step("passkey.deletePasskey (Ann's)", (c) => c.passkey.deletePasskey({ id }));

    // An authenticator without a passkey for this site: the ceremony fails in the client.
    const empty = new SoftAuthenticator(new URL(baseURL).origin);
    empty.install();
    r.steps.noPasskey = await new PasskeyAgent(baseURL).step("signIn.passkey() (none held)", (c) => c.signIn.passkey());
    device.install();

    r.steps.delete = await ann.step("passkey.deletePasskey", (c) => c.passkey.deletePasskey({ id }));
    r.steps.afterDelete = await new PasskeyAgent(baseURL).step("signIn.passkey() (deleted)", (c) => c.signIn.passkey());
    r.credentials = device.credentials.map(({ id: credentialId, signCount }) => ({ id: credentialId, signCount }));
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

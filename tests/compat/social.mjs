#!/usr/bin/env node
/**
 * Drive social sign-in with the official client against a real OpenID Connect provider.
 *
 * Usage: IDP_SUB=<sub> IDP_EMAIL=<email> node tests/compat/social.mjs <baseURL> social
 *
 * Prints one JSON line per scenario, as scenarios.mjs does. The provider's login step
 * (a form posting `sub`, oidc-provider-mock's) and the redirect back to the callback are
 * followed here with the agent's cookie jar, as a browser would.
 */
import { Agent, PASSWORD, runScenarios } from "./scenarios.mjs";

/** Log in at the provider and follow its redirect to our callback, with the jar. */
async function throughProvider(agent, url, sub) {
  const login = await fetch(url, {
    method: "POST",
    body: new URLSearchParams({ sub }),
    redirect: "manual",
  });
  const callback = login.headers.get("location");
  const back = await agent.fetch(callback, { method: "GET", redirect: "manual" });
  return { status: back.status, location: back.headers.get("location") };
}

const SCENARIOS = {
  async social(baseURL, report) {
    const steps = report.steps;
    const sub = process.env.IDP_SUB;
    const email = process.env.IDP_EMAIL;
    const a = new Agent(baseURL);
    steps.signIn = await a.step("signIn.social", (c) =>
      c.signIn.social({ provider: "oidc", callbackURL: "/dash", disableRedirect: true }),
    );
    steps.callback = await throughProvider(a, steps.signIn.data.url, sub);
    steps.session = await a.step("getSession", (c) => c.getSession());
    steps.accounts = await a.step("listAccounts", (c) => c.listAccounts());
    const oidc = steps.accounts.data.find((account) => account.providerId === "oidc");
    steps.token = await a.step("getAccessToken", (c) => c.getAccessToken({ accountId: oidc.id }));
    steps.unlinkLast = await a.step("unlinkAccount", (c) => c.unlinkAccount({ accountId: oidc.id }));

    // A password user links the provider account, then unlinks it.
    const b = new Agent(baseURL);
    const linkEmail = process.env.LINK_EMAIL;
    steps.signUp = await b.step("signUp.email", (c) =>
      c.signUp.email({ name: "Linker", email: linkEmail, password: PASSWORD }),
    );
    steps.link = await b.step("linkSocial", (c) =>
      c.linkSocial({ provider: "oidc", callbackURL: "/linked", disableRedirect: true }),
    );
    steps.linkCallback = await throughProvider(b, steps.link.data.url, process.env.LINK_SUB);
    steps.linked = await b.step("listAccounts", (c) => c.listAccounts());
    const linked = steps.linked.data.find((account) => account.providerId === "oidc");
    steps.unlink = await b.step("unlinkAccount", (c) => c.unlinkAccount({ accountId: linked.id }));
    steps.after = await b.step("listAccounts", (c) => c.listAccounts());
    report.email = email;
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

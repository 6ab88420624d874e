#!/usr/bin/env node
/**
 * Drive the `jwt` plugin with the official client plugin `jwtClient()` and check the
 * tokens with `jose` (the library Better Auth itself signs with) against the server's JWKS.
 *
 * Usage: node tests/compat/jwt.mjs <baseURL> jwt
 *
 * Prints one line of JSON, as scenarios.mjs does:
 *   {"scenario": "jwt", "steps": {...}, "verified": {...}, "sessionJwt": "...", ...}
 */
import { jwtClient } from "better-auth/client/plugins";
import { createRemoteJWKSet, jwtVerify } from "jose";

import { Agent, freshEmail, runScenarios, signUp } from "./scenarios.mjs";

/** An agent whose client has `jwtClient()`, and that keeps the last `set-auth-jwt`. */
class JwtAgent extends Agent {
  constructor(baseURL) {
    super(baseURL, undefined, { plugins: [jwtClient()] });
  }

  async fetch(input, init = {}) {
    const response = await super.fetch(input, init);
    this.lastJwt = response.headers.get("set-auth-jwt");
    this.lastExposed = response.headers.get("access-control-expose-headers");
    return response;
  }
}

/** `jose`'s verdict on a token, checked against the remote JWKS. */
async function joseVerify(keySet, token, origin) {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keySet, {
      issuer: origin,
      audience: origin,
    });
    return { payload, protectedHeader };
  } catch (error) {
    return { error: error.code ?? String(error) };
  }
}

function tamper(token) {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  claims.email = "mallory@example.com";
  return [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
}

const SCENARIOS = {
  async jwt(baseURL, r) {
    const origin = new URL(baseURL).origin;
    const agent = new JwtAgent(baseURL);
    r.email = freshEmail();
    r.steps.signUp = await agent.step("signUp.email", signUp(r.email));
    r.steps.token = await agent.step("token()", (c) => c.token());
    r.steps.jwks = await agent.step("jwks()", (c) => c.jwks());
    r.steps.session = await agent.step("getSession()", (c) => c.getSession());
    r.sessionJwt = agent.lastJwt;
    r.exposed = agent.lastExposed;
    const keySet = createRemoteJWKSet(new URL(`${baseURL}/api/auth/jwks`));
    r.verified = await joseVerify(keySet, r.steps.token.data.token, origin);
    r.verifiedHeaderJwt = await joseVerify(keySet, r.sessionJwt, origin);
    r.tampered = await joseVerify(keySet, tamper(r.steps.token.data.token), origin);
    r.otherAudience = await jwtVerify(r.steps.token.data.token, keySet, {
      audience: "https://elsewhere.example",
    }).catch((error) => ({ error: error.code }));
    r.steps.signedOut = await new JwtAgent(baseURL).step("token() signed out", (c) => c.token());
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

// Builds a SQLite database with the real Better Auth and its genericOAuth plugin: two
// people sign in through a real OpenID Connect provider (oidc-provider-mock, at
// $SOCIAL_IDP), one under `account.encryptOAuthTokens: false` (tokens stored plain) and
// one under `true` (access and refresh tokens sealed), so the file holds social accounts
// as Better Auth writes them.
//
//     SOCIAL_IDP=http://127.0.0.1:<port> node make_social_db.mjs <database path> <secret>
//
// Prints, as JSON on stdout, each person's sub, e-mail, user id and the access token
// Better Auth was given.
import { basename } from "node:path";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { genericOAuth } from "better-auth/plugins";

import { cookieHeader, finish } from "./lib.mjs";

const [path, secret] = process.argv.slice(2);
const idp = process.env.SOCIAL_IDP;
if (!path || !secret || !idp) {
  console.error(`usage: SOCIAL_IDP=<url> node ${basename(process.argv[1])} <database path> <secret>`);
  process.exit(2);
}
const database = new Database(path);

function open(encrypt) {
  return betterAuth({
    baseURL: "http://localhost",
    secret,
    database,
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    account: { encryptOAuthTokens: encrypt },
    plugins: [
      genericOAuth({
        config: [
          {
            providerId: "oidc",
            clientId: "flask-client",
            clientSecret: "flask-secret",
            discoveryUrl: `${idp}/.well-known/openid-configuration`,
            scopes: ["email", "profile"],
          },
        ],
      }),
    ],
  });
}

/** One person's whole redirect flow through Better Auth's handler and the provider. */
async function signIn(auth, sub) {
  const start = await auth.handler(
    new Request("http://localhost/api/auth/sign-in/social", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost" },
      body: JSON.stringify({ provider: "oidc", callbackURL: "/" }),
    }),
  );
  const { url } = await start.json();
  const login = await fetch(url, {
    method: "POST",
    body: new URLSearchParams({ sub }),
    redirect: "manual",
  });
  const back = await auth.handler(
    new Request(login.headers.get("location"), { headers: { cookie: cookieHeader(start.headers) } }),
  );
  if (back.status !== 302 || back.headers.get("location") !== "/") {
    throw new Error(`callback answered ${back.status} ${back.headers.get("location")}`);
  }
}

const people = [
  { sub: "ba-plain", email: "plain@example.com", encrypt: false },
  { sub: "ba-sealed", email: "sealed@example.com", encrypt: true },
];
const { runMigrations } = await getMigrations(open(false).options);
await runMigrations();
const result = [];
for (const person of people) {
  const put = await fetch(`${idp}/users/${person.sub}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: person.email, email_verified: true, name: person.sub }),
  });
  if (put.status !== 204) throw new Error(`the provider refused the user: ${put.status}`);
  const auth = open(person.encrypt);
  await signIn(auth, person.sub);
  const ctx = await auth.$context;
  const user = await ctx.internalAdapter.findUserByEmail(person.email, { includeAccounts: true });
  const account = user.accounts.find((a) => a.providerId === "oidc");
  const plain = await auth.api.getAccessToken({
    body: { accountId: account.id, userId: user.user.id },
  });
  result.push({ ...person, userId: user.user.id, accountId: account.id, accessToken: plain.accessToken });
}
finish(database, result);

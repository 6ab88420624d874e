// Builds a SQLite database with the real Better Auth and its passkey plugin
// (@better-auth/passkey 1.7.6): a user registers a passkey made by a software
// authenticator (tests/compat/soft-authenticator.mjs) and signs in with it once, so the
// `passkey` table holds the row exactly as Better Auth writes and updates it.
//
//     node make_passkey_db.mjs <database path> <secret>
//
// Prints, as JSON on stdout, the user, the RP ID and origin, and the credential with its
// private key (PEM) and sign count, for the Python test to sign in with.
import { passkey } from "@better-auth/passkey";

import { SoftAuthenticator } from "../compat/soft-authenticator.mjs";
import { finish, openBetterAuth } from "./lib.mjs";

const ORIGIN = "http://localhost";
const { auth, database } = await openBetterAuth(import.meta.url, [passkey({ rpName: "BetterAuthMade" })]);

const b64url = (buffer) => Buffer.from(buffer).toString("base64url");
const buffer = (text) => Buffer.from(text, "base64url");

/** The cookies a browser holds after `headers`' Set-Cookie lines, merged into `jar`. */
function absorb(jar, headers) {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(";")[0];
    const cut = pair.indexOf("=");
    jar.set(pair.slice(0, cut), pair.slice(cut + 1));
  }
  return jar;
}
const request = (jar) =>
  new Headers({ origin: ORIGIN, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") });

/** A credential from the authenticator in the JSON form the verify endpoints take. */
function json(credential) {
  const response = Object.fromEntries(
    Object.entries(credential.response)
      .filter(([, value]) => value instanceof ArrayBuffer)
      .map(([key, value]) => [key, b64url(value)]),
  );
  if (credential.response.getTransports) response.transports = credential.response.getTransports();
  return { id: credential.id, rawId: b64url(credential.rawId), type: "public-key", response };
}

const device = new SoftAuthenticator(ORIGIN);
const person = { name: "Pat Key", email: "pat@example.com", password: "pat-password-1" };
const signUp = await auth.api.signUpEmail({ body: person, returnHeaders: true });
const jar = absorb(new Map(), signUp.headers);

const registration = await auth.api.generatePasskeyRegistrationOptions({
  headers: request(jar),
  returnHeaders: true,
});
absorb(jar, registration.headers);
const options = registration.response;
const created = await device.create({
  ...options,
  challenge: buffer(options.challenge),
  user: { ...options.user, id: buffer(options.user.id) },
});
const row = await auth.api.verifyPasskeyRegistration({
  body: { response: json(created), name: "Made laptop" },
  headers: request(jar),
});

// One sign-in under Better Auth, without a session: the counter moves to 1.
const browser = new Map();
const signInOptions = await auth.api.generatePasskeyAuthenticationOptions({
  headers: request(browser),
  returnHeaders: true,
});
absorb(browser, signInOptions.headers);
const asserted = await device.get({
  ...signInOptions.response,
  challenge: buffer(signInOptions.response.challenge),
});
const signedIn = await auth.api.verifyPasskeyAuthentication({
  body: { response: json(asserted) },
  headers: request(browser),
});

const [credential] = device.credentials;
finish(database, {
  email: person.email,
  userId: signUp.response.user.id,
  rpId: options.rp.id,
  origin: ORIGIN,
  passkeyId: row.id,
  signedInUserId: signedIn.user.id,
  credential: {
    id: credential.id,
    privateKeyPem: credential.privateKeyPem,
    signCount: credential.signCount,
    userHandle: credential.userHandle,
  },
});

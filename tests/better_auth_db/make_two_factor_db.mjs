// Builds a SQLite database with the real Better Auth and its twoFactor plugin: a user
// who turned TOTP on (the first code verified), so the database holds the encrypted
// secret and backup codes as Better Auth writes them.
//
//     node make_two_factor_db.mjs <database path> <secret>
//
// Prints, as JSON on stdout, the user's email and password, the totpURI and the backup
// codes Better Auth answered.
import { createHmac } from "node:crypto";

import { twoFactor } from "better-auth/plugins";

import { cookieHeader, finish, openBetterAuth } from "./lib.mjs";

const { auth, database } = await openBetterAuth(import.meta.url, [
  twoFactor({ issuer: "BetterAuthMade" }),
]);

/** Decode RFC 4648 base32 (no padding). */
function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of text) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The current TOTP code of the key in `uri` (SHA-1, 6 digits, 30 s). */
function totp(uri) {
  const key = base32(new URL(uri).searchParams.get("secret"));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, "0");
}

const person = { name: "Tess Factor", email: "tess@example.com", password: "tess-password-1" };
const signUp = await auth.api.signUpEmail({ body: person, returnHeaders: true });
let cookie = cookieHeader(signUp.headers);
const enabled = await auth.api.enableTwoFactor({
  body: { password: person.password },
  headers: new Headers({ cookie }),
});
const verified = await auth.api.verifyTOTP({
  body: { code: totp(enabled.totpURI) },
  headers: new Headers({ cookie }),
  returnHeaders: true,
});
cookie = cookieHeader(verified.headers);

finish(database, {
  email: person.email,
  password: person.password,
  userId: signUp.response.user.id,
  totpURI: enabled.totpURI,
  backupCodes: enabled.backupCodes,
});

// Builds a SQLite database with the real Better Auth and its magicLink and emailOTP plugins.
//
//     node make_passwordless_db.mjs <database path> <secret>
//
// Better Auth migrates its tables; Dora signs up with an email code (emailOTP's sign-up:
// a user with no password account); then Better Auth issues, and leaves unused, a magic
// link for Dora (stored hashed), a magic link for a new address, Erin's, and a sign-in
// code for Dora (stored plain, its default). It prints them as JSON on stdout.
import { emailOTP, magicLink } from "better-auth/plugins";
import { finish, openBetterAuth } from "./lib.mjs";

const sent = { links: [], codes: [] };
const { auth, database } = await openBetterAuth(import.meta.url, [
  magicLink({ storeToken: "hashed", sendMagicLink: async (data) => sent.links.push(data) }),
  emailOTP({ sendVerificationOTP: async (data) => sent.codes.push(data) }),
]);

const dora = "dora@example.com";
await auth.api.sendVerificationOTP({ body: { email: dora, type: "sign-in" } });
const signIn = await auth.api.signInEmailOTP({
  body: { email: dora, otp: sent.codes.at(-1).otp, name: "Dora Diaz" },
});
await auth.api.signInMagicLink({ body: { email: dora }, headers: new Headers() });
const doraLink = sent.links.at(-1);
await auth.api.signInMagicLink({
  body: { email: "erin@example.com", name: "Erin Ek" },
  headers: new Headers(),
});
const erinLink = sent.links.at(-1);
await auth.api.sendVerificationOTP({ body: { email: dora, type: "sign-in" } });

finish(database, {
  email: dora,
  id: signIn.user.id,
  emailVerified: signIn.user.emailVerified,
  doraToken: doraLink.token,
  doraUrl: doraLink.url,
  erinToken: erinLink.token,
  doraCode: sent.codes.at(-1).otp,
});

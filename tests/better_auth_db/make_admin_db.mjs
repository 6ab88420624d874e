// Builds a SQLite database with the real Better Auth and its admin plugin.
//
//     node make_admin_db.mjs <database path> <secret>
//
// Better Auth migrates its tables (with role, banned, banReason, banExpires and
// impersonatedBy); the server creates Ada, an admin, and Bob and Cy, users; Ada bans Bob
// for good and Cy for one second. It prints, as JSON on stdout, the people and Ada's
// session token.
import { admin } from "better-auth/plugins";
import { finish, openBetterAuth } from "./lib.mjs";

const { auth, database } = await openBetterAuth(import.meta.url, [admin()]);

const people = {
  ada: { name: "Ada Admin", email: "ada@example.com", password: "ada-password-1", role: "admin" },
  bob: { name: "Bob Banned", email: "bob@example.com", password: "bob-password-2" },
  cy: { name: "Cy Soon", email: "cy@example.com", password: "cy-password-3" },
};
for (const person of Object.values(people)) {
  const made = await auth.api.createUser({ body: person });
  person.id = made.user.id;
}
const signIn = await auth.api.signInEmail({
  body: { email: people.ada.email, password: people.ada.password },
  returnHeaders: true,
});
const headers = new Headers({ cookie: signIn.headers.get("set-cookie").split(";")[0] });
await auth.api.banUser({ body: { userId: people.bob.id, banReason: "spam" }, headers });
await auth.api.banUser({ body: { userId: people.cy.id, banExpiresIn: 1 }, headers });

finish(database, { ...people, adaToken: signIn.response.token });

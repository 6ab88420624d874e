// Builds a SQLite database with the real Better Auth, as a team running it today has one.
//
//     node make_db.mjs <database path> <secret>
//
// Better Auth creates its own tables (getMigrations / runMigrations), signs users up
// with passwords and signs one of them in a second time, so the database holds users,
// scrypt password hashes and several sessions. It prints, as JSON on stdout, each
// user with the password it chose and the session cookies Better Auth minted for it.
import { finish, openBetterAuth } from "./lib.mjs";

const { auth, database } = await openBetterAuth(import.meta.url);

const COOKIE = "better-auth.session_token";

/** The value Better Auth gave the session cookie in a Set-Cookie header set. */
function sessionCookie(headers) {
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq) === COOKIE) return pair.slice(eq + 1);
  }
  throw new Error(`Better Auth set no ${COOKIE} cookie`);
}

const people = [
  { name: "Ann Archer", email: "ann@example.com", password: "ann-password-1", signIns: 1 },
  { name: "Bob Baker", email: "bob@example.com", password: "bob-password-2", signIns: 0 },
];

const users = [];
for (const person of people) {
  const signUp = await auth.api.signUpEmail({
    body: { name: person.name, email: person.email, password: person.password },
    headers: new Headers({ "user-agent": "better-auth-sign-up" }),
    returnHeaders: true,
  });
  const sessions = [{ token: signUp.response.token, cookie: sessionCookie(signUp.headers) }];
  for (let i = 0; i < person.signIns; i++) {
    const signIn = await auth.api.signInEmail({
      body: { email: person.email, password: person.password },
      headers: new Headers({ "user-agent": `better-auth-sign-in-${i}` }),
      returnHeaders: true,
    });
    sessions.push({ token: signIn.response.token, cookie: sessionCookie(signIn.headers) });
  }
  users.push({
    id: signUp.response.user.id,
    name: person.name,
    email: person.email,
    password: person.password,
    sessions,
  });
}

finish(database, { cookieName: COOKIE, users });

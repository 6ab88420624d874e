// Builds a SQLite database with the real Better Auth and its username and bearer plugins.
//
//     node make_username_db.mjs <database path> <secret>
//
// Better Auth migrates its tables (with the plugin's username and displayUsername
// columns), signs a user up with a username and signs them in by username. It prints, as
// JSON on stdout, the user, the password, and the set-auth-token of that sign-in.
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { bearer, username } from "better-auth/plugins";

const [path, secret] = process.argv.slice(2);
if (!path || !secret) {
  console.error("usage: node make_username_db.mjs <database path> <secret>");
  process.exit(2);
}

const database = new Database(path);
const auth = betterAuth({
  baseURL: "http://localhost",
  secret,
  database,
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
  plugins: [username(), bearer()],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const person = {
  name: "Cat Cooper",
  email: "cat@example.com",
  password: "cat-password-3",
  username: "Cat_Cooper",
};
const signUp = await auth.api.signUpEmail({
  body: {
    name: person.name,
    email: person.email,
    password: person.password,
    username: person.username,
  },
});
const signIn = await auth.api.signInUsername({
  body: { username: person.username, password: person.password },
  returnHeaders: true,
});

database.close();
process.stdout.write(
  JSON.stringify({
    ...person,
    id: signUp.user.id,
    stored: signIn.response.user.username,
    authToken: signIn.headers.get("set-auth-token"),
  }) + "\n",
);

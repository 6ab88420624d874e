// Builds a SQLite database with the real Better Auth and its `jwt()` plugin on.
//
//     node make_jwt_db.mjs <database path> <secret>
//
// Better Auth migrates its tables (with `jwks`), signs a user up, and asks for a token,
// which makes its first key pair: the private key stored encrypted with the secret. It
// prints, as JSON: the user with their password, the token and the JWKS Better Auth served.
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { jwt } from "better-auth/plugins";

const [path, secret] = process.argv.slice(2);
if (!path || !secret) {
  console.error("usage: node make_jwt_db.mjs <database path> <secret>");
  process.exit(2);
}

const database = new Database(path);
const auth = betterAuth({
  baseURL: "http://localhost",
  secret,
  database,
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
  plugins: [jwt()],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const person = { name: "Ann Archer", email: "ann@example.com", password: "ann-password-1" };
const signUp = await auth.api.signUpEmail({ body: person, returnHeaders: true });
const cookie = signUp.headers
  .getSetCookie()
  .map((line) => line.split(";")[0])
  .join("; ");
const { token } = await auth.api.getToken({ headers: new Headers({ cookie }) });
const jwks = await auth.api.getJwks();

database.close();
process.stdout.write(
  JSON.stringify({ user: { ...person, id: signUp.response.user.id }, token, jwks }) + "\n",
);

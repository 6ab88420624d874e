// What every make_*_db.mjs script shares: reading its command line, opening the SQLite
// database with the real Better Auth (and the plugins the script names), letting Better
// Auth migrate its own tables, and printing the script's result as one line of JSON.
import { basename } from "node:path";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";

/**
 * Opens `<database path>` from the command line with Better Auth and migrates its tables.
 *
 * `script` is the caller's `import.meta.url`, named in the usage message; `plugins` are
 * the Better Auth plugins to turn on. Returns `{ auth, database }`.
 */
export async function openBetterAuth(script, plugins = []) {
  const [path, secret] = process.argv.slice(2);
  if (!path || !secret) {
    console.error(`usage: node ${basename(new URL(script).pathname)} <database path> <secret>`);
    process.exit(2);
  }
  const database = new Database(path);
  const auth = betterAuth({
    baseURL: "http://localhost",
    secret,
    database,
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    plugins,
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  return { auth, database };
}

/** Closes the database and prints `result` as one line of JSON on stdout. */
export function finish(database, result) {
  database.close();
  process.stdout.write(JSON.stringify(result) + "\n");
}

/** The Cookie header a browser would send back after `headers`' Set-Cookie lines
 * (expired, empty cookies left out). */
export function cookieHeader(headers) {
  return headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** Signs `name` up through Better Auth (password `<name>-password-1`); returns the
 * sign-up body with the new user's `id` and the `cookie` header of its session. */
export async function signUpPerson(auth, name, email) {
  const body = { name, email, password: `${name.toLowerCase()}-password-1` };
  const made = await auth.api.signUpEmail({ body, returnHeaders: true });
  return { ...body, id: made.response.user.id, cookie: cookieHeader(made.headers) };
}

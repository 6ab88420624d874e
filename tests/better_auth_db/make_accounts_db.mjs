// Builds a SQLite database with the real Better Auth and its anonymous and multi-session
// plugins.
//
//     node make_accounts_db.mjs <database path> <secret>
//
// Better Auth migrates its tables (with the plugin's isAnonymous column), signs a guest
// in anonymously, and signs two people up in one "browser" (each call sends the cookies
// the previous ones set), so that browser holds Better Auth's own _multi- cookies. It
// prints, as JSON on stdout, the guest, the two people and that browser's cookies.
import { anonymous, multiSession } from "better-auth/plugins";
import { finish, openBetterAuth } from "./lib.mjs";

const { auth, database } = await openBetterAuth(import.meta.url, [anonymous(), multiSession()]);

/** Apply a response's Set-Cookie lines to `jar` (name -> value), as a browser does. */
function absorb(jar, headers) {
  for (const line of headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index);
    const value = pair.slice(index + 1);
    const expired = attributes.some((a) => a.trim().toLowerCase() === "max-age=0");
    if (expired || value === "") delete jar[name];
    else jar[name] = value;
  }
}

const cookieHeader = (jar) =>
  Object.entries(jar)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");

const guestJar = {};
const guest = await auth.api.signInAnonymous({ returnHeaders: true });
absorb(guestJar, guest.headers);

const browser = {};
const people = [];
for (const [name, email] of [
  ["Dee Diaz", "dee@example.com"],
  ["Eve Evans", "eve@example.com"],
]) {
  const made = await auth.api.signUpEmail({
    body: { name, email, password: `${name.split(" ")[0].toLowerCase()}-password-4` },
    headers: new Headers({ cookie: cookieHeader(browser) }),
    returnHeaders: true,
  });
  absorb(browser, made.headers);
  people.push({ id: made.response.user.id, email, token: made.response.token });
}

finish(database, {
  guest: { id: guest.response.user.id, email: guest.response.user.email, cookies: guestJar },
  people,
  browser,
});

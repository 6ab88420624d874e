// Better Auth 1.7.24's own Node server, for bench/run.py.
//
//     node server.mjs setup    # migrate, sign the bench user up, print {"cookie": ...}
//     node server.mjs serve    # serve on BENCH_PORT with BENCH_PROCESSES processes
//
// Settings come from the environment: BENCH_DATABASE (a SQLite file path, or a
// postgresql:// URL), BENCH_COOKIE_CACHE ("1" turns the cookie cache on, an hour long),
// BENCH_SECRET, BENCH_PORT, BENCH_PROCESSES (node:cluster workers: the primary forks
// them and they share one listening socket; Node's cluster hands connections out round
// robin). BENCH_ADMIN ("1" turns the admin plugin on, for bench/admin_lists.py; setup then
// also makes the bench user an admin). Routes: Better Auth's handler at /api/auth/*, GET /protected (getSession, then
// {"email": ...} or 401, the same tiny body as the Flask apps) and GET /hello (bare).
import cluster from "node:cluster";
import http from "node:http";
import { betterAuth } from "better-auth";
import { admin } from "better-auth/plugins";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler, fromNodeHeaders } from "better-auth/node";

const env = process.env;
const EMAIL = "bench@example.com";
const PASSWORD = "correct horse battery staple";
const USER_AGENT = "flask-betterauth-bench";
const NO_LIMIT = { window: 10, max: 1_000_000_000 };

async function openDatabase(target) {
  if (target.startsWith("postgres")) {
    const { Pool } = await import("pg");
    return new Pool({ connectionString: target, max: 10 });
  }
  const { default: Database } = await import("better-sqlite3");
  const database = new Database(target);
  database.pragma("journal_mode = WAL");
  return database;
}

async function makeAuth() {
  const cache = env.BENCH_COOKIE_CACHE === "1";
  return betterAuth({
    baseURL: "http://127.0.0.1:5000",
    secret: env.BENCH_SECRET,
    database: await openDatabase(env.BENCH_DATABASE),
    emailAndPassword: { enabled: true },
    session: { cookieCache: { enabled: cache, maxAge: 3600 } },
    // On, as ours is, but never reached (the sign-in rule included).
    rateLimit: { enabled: true, ...NO_LIMIT, customRules: { "/sign-in/*": NO_LIMIT, "/sign-up/*": NO_LIMIT } },
    advanced: { disableCSRFCheck: false },
    telemetry: { enabled: false },
    plugins: env.BENCH_ADMIN === "1" ? [admin()] : [],
  });
}

async function setup() {
  const auth = await makeAuth();
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const signUp = await auth.api.signUpEmail({
    body: { name: "Bench User", email: EMAIL, password: PASSWORD },
    headers: new Headers({ "user-agent": USER_AGENT }),
    returnHeaders: true,
  });
  if (env.BENCH_ADMIN === "1") {
    await (await auth.$context).internalAdapter.updateUser(signUp.response.user.id, { role: "admin" });
  }
  const jar = new Map();
  for (const line of signUp.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair.indexOf("=");
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  process.stdout.write(JSON.stringify({ cookie }) + "\n");
  process.exit(0);
}

async function serve() {
  const auth = await makeAuth();
  const handler = toNodeHandler(auth);
  const json = (res, status, body) => {
    const data = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
    res.end(data);
  };
  const server = http.createServer(async (req, res) => {
    if (req.url.startsWith("/api/auth/")) return handler(req, res);
    if (req.url === "/hello") return json(res, 200, { email: EMAIL });
    if (req.url === "/protected") {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
      if (!session) return json(res, 401, { message: "Unauthorized" });
      return json(res, 200, { email: session.user.email });
    }
    return json(res, 404, { message: "Not found" });
  });
  server.keepAliveTimeout = 5000;
  server.listen(Number(env.BENCH_PORT), "127.0.0.1");
}

const command = process.argv[2];
if (command === "setup") {
  await setup();
} else if (command === "serve") {
  if (cluster.isPrimary) {
    cluster.schedulingPolicy = cluster.SCHED_RR;
    const count = Number(env.BENCH_PROCESSES || "1");
    for (let i = 0; i < count; i++) cluster.fork();
    cluster.on("exit", (_worker, code) => {
      console.error(`worker exited (${code})`);
      process.exit(1);
    });
    const stop = () => {
      for (const worker of Object.values(cluster.workers)) worker.kill();
      process.exit(0);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  } else {
    await serve();
  }
} else {
  console.error("usage: node server.mjs setup|serve");
  process.exit(2);
}

#!/usr/bin/env node
/**
 * Drive the admin plugin with the official client and `adminClient`.
 *
 * Usage: node tests/compat/admin.mjs <baseURL> <scenario> [<scenario> ...]
 *
 * The server must already have an admin, BOSS_EMAIL with the shared PASSWORD (the Python
 * test makes it). Prints one JSON line per scenario, as scenarios.mjs does.
 */
import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";

import { Agent, PASSWORD, freshEmail, runScenarios } from "./scenarios.mjs";

const BOSS_EMAIL = "boss@compat.example";

/** A simulated browser whose client has `adminClient`. */
class AdminAgent extends Agent {
  constructor(baseURL, jar) {
    super(baseURL, jar);
    const origin = new URL(baseURL).origin;
    this.client = createAuthClient({
      baseURL,
      plugins: [adminClient()],
      fetchOptions: {
        headers: { origin },
        customFetchImpl: (input, init) => this.fetch(input, init),
      },
    });
  }
}

const signIn = (email, password = PASSWORD) => (c) => c.signIn.email({ email, password });

const SCENARIOS = {
  /** Every admin action an admin page makes, and the refusals a plain user meets. */
  async admin(baseURL, r) {
    r.email = freshEmail();
    const boss = new AdminAgent(baseURL);
    r.steps.bossSignIn = await boss.step("signIn.email(boss)", signIn(BOSS_EMAIL));
    r.steps.create = await boss.step("admin.createUser", (c) =>
      c.admin.createUser({ email: r.email, name: "Ann Example", password: PASSWORD, role: "user" }),
    );
    const userId = r.steps.create.data?.user?.id;
    r.steps.list = await boss.step("admin.listUsers", (c) =>
      c.admin.listUsers({ query: { searchValue: r.email.toLowerCase(), limit: 10 } }),
    );
    r.steps.setRole = await boss.step("admin.setRole", (c) =>
      c.admin.setRole({ userId, role: ["user", "editor"] }),
    );
    r.steps.getUser = await boss.step("admin.getUser", (c) => c.admin.getUser({ query: { id: userId } }));
    r.steps.update = await boss.step("admin.updateUser", (c) =>
      c.admin.updateUser({ userId, data: { name: "Ann Two" } }),
    );
    const ann = new AdminAgent(baseURL);
    r.steps.annSignIn = await ann.step("signIn.email(ann)", signIn(r.email));
    r.steps.sessions = await boss.step("admin.listUserSessions", (c) =>
      c.admin.listUserSessions({ userId }),
    );
    r.steps.annRefused = await ann.step("admin.listUsers(as user)", (c) =>
      c.admin.listUsers({ query: {} }),
    );
    r.steps.anonymous = await new AdminAgent(baseURL).step("admin.listUsers(anonymous)", (c) =>
      c.admin.listUsers({ query: {} }),
    );
    r.steps.hasPermission = await boss.step("admin.hasPermission", (c) =>
      c.admin.hasPermission({ permissions: { user: ["ban"] } }),
    );
    r.steps.checkRole = {
      data: boss.client.admin.checkRolePermission({ role: "admin", permissions: { user: ["ban"] } }),
    };
    r.steps.ban = await boss.step("admin.banUser", (c) =>
      c.admin.banUser({ userId, banReason: "spam", banExpiresIn: 3600 }),
    );
    r.steps.annAfterBan = await ann.step("getSession(after ban)", (c) =>
      c.getSession({ query: { disableCookieCache: true } }),
    );
    r.steps.bannedSignIn = await new AdminAgent(baseURL).step("signIn.email(banned)", signIn(r.email));
    r.steps.unban = await boss.step("admin.unbanUser", (c) => c.admin.unbanUser({ userId }));
    r.steps.impersonate = await boss.step("admin.impersonateUser", (c) =>
      c.admin.impersonateUser({ userId }),
    );
    r.steps.asAnn = await boss.step("getSession(impersonating)", (c) => c.getSession());
    r.steps.stop = await boss.step("admin.stopImpersonating", (c) => c.admin.stopImpersonating());
    r.steps.asBoss = await boss.step("getSession(back)", (c) => c.getSession());
    r.steps.setPassword = await boss.step("admin.setUserPassword", (c) =>
      c.admin.setUserPassword({ userId, newPassword: "another secret 123" }),
    );
    r.steps.newPassword = await new AdminAgent(baseURL).step(
      "signIn.email(new password)",
      signIn(r.email, "another secret 123"),
    );
    r.steps.revokeAll = await boss.step("admin.revokeUserSessions", (c) =>
      c.admin.revokeUserSessions({ userId }),
    );
    r.steps.remove = await boss.step("admin.removeUser", (c) => c.admin.removeUser({ userId }));
    r.steps.removed = await boss.step("admin.getUser(removed)", (c) =>
      c.admin.getUser({ query: { id: userId } }),
    );
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

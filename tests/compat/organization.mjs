#!/usr/bin/env node
/**
 * Drive the organization plugin with the official `organizationClient`.
 *
 * Usage: node tests/compat/organization.mjs <baseURL> owner|invitee|teams
 *
 * "owner": Ann signs up, creates an organization, checks slugs, sets it active, invites
 * INVITEE_EMAIL as admin (the server mails the invitation), lists invitations.
 * "invitee": the invitee (INVITEE_EMAIL) signs up, reads the invitation INVITATION_ID (taken
 * by the test from the mailed link), accepts it, then the owner (OWNER_EMAIL) signs in
 * again, lists members, changes the invitee's role, checks permissions, removes them.
 * "teams": Tess signs up, creates an organization (its default team becomes active),
 * creates, lists, renames and removes teams, lists her teams and the team's members.
 * "roles" (dynamic access control): Rita creates an organization and a stored role,
 * invites Rob with it; Rob accepts, holds its permission, may not make a stronger role;
 * Rita lists, reads, renames and deletes roles (not one a member holds).
 * Prints one JSON line per scenario, as scenarios.mjs does ({scenario, steps}).
 */
import { organizationClient } from "better-auth/client/plugins";

import { Agent, PASSWORD, freshEmail, runScenarios, signUp } from "./scenarios.mjs";

/** An agent whose client has `organizationClient()`. */
class OrgAgent extends Agent {
  constructor(baseURL) {
    super(baseURL, undefined, { plugins: [organizationClient({ teams: { enabled: true } })] });
  }
}

const SCENARIOS = {
  async roles(baseURL, r) {
    const rita = new OrgAgent(baseURL);
    const rob = new OrgAgent(baseURL);
    const s = r.steps;
    s.signUp = await rita.step("signUp.email", signUp(freshEmail()));
    s.create = await rita.step("organization.create", (c) =>
      c.organization.create({ name: "Roled", slug: "roled" }),
    );
    s.createRole = await rita.step("organization.createRole", (c) =>
      c.organization.createRole({
        role: "Inviter",
        permission: { invitation: ["create"], ac: ["create"] },
      }),
    );
    s.createSpare = await rita.step("organization.createRole", (c) =>
      c.organization.createRole({ role: "spare", permission: { ac: ["read"] } }),
    );
    const robEmail = freshEmail();
    s.invite = await rita.step("organization.inviteMember", (c) =>
      c.organization.inviteMember({ email: robEmail, role: "inviter" }),
    );
    s.robSignUp = await rob.step("signUp.email", signUp(robEmail));
    s.accept = await rob.step("organization.acceptInvitation", (c) =>
      c.organization.acceptInvitation({ invitationId: s.invite.data?.id }),
    );
    s.robMayInvite = await rob.step("organization.hasPermission", (c) =>
      c.organization.hasPermission({ permissions: { invitation: ["create"] } }),
    );
    s.robStronger = await rob.step("organization.createRole", (c) =>
      c.organization.createRole({
        role: "boss",
        permission: { organization: ["delete"] },
        organizationId: s.create.data?.id,
      }),
    );
    s.listRoles = await rita.step("organization.listRoles", (c) => c.organization.listRoles());
    s.getRole = await rita.step("organization.getRole", (c) =>
      c.organization.getRole({ query: { roleName: "inviter" } }),
    );
    s.updateRole = await rita.step("organization.updateRole", (c) =>
      c.organization.updateRole({ roleName: "spare", data: { roleName: "reader" } }),
    );
    s.deleteHeld = await rita.step("organization.deleteRole", (c) =>
      c.organization.deleteRole({ roleName: "inviter" }),
    );
    s.deleteRole = await rita.step("organization.deleteRole", (c) =>
      c.organization.deleteRole({ roleId: s.createSpare.data?.roleData.id }),
    );
    s.listAfter = await rita.step("organization.listRoles", (c) => c.organization.listRoles());
  },

  async teams(baseURL, r) {
    const tess = new OrgAgent(baseURL);
    const s = r.steps;
    s.signUp = await tess.step("signUp.email", signUp(freshEmail()));
    s.create = await tess.step("organization.create", (c) =>
      c.organization.create({ name: "Teamed", slug: "teamed" }),
    );
    // create writes the session row, not the cookie cache (as Better Auth): read the store
    s.session = await tess.step("getSession", (c) =>
      c.getSession({ query: { disableCookieCache: true } }),
    );
    s.createTeam = await tess.step("organization.createTeam", (c) =>
      c.organization.createTeam({ name: "Design" }),
    );
    s.listTeams = await tess.step("organization.listTeams", (c) => c.organization.listTeams());
    s.updateTeam = await tess.step("organization.updateTeam", (c) =>
      c.organization.updateTeam({ teamId: s.createTeam.data?.id, data: { name: "UX" } }),
    );
    s.addToTeam = await tess.step("organization.addTeamMember", (c) =>
      c.organization.addTeamMember({ teamId: s.createTeam.data?.id, userId: s.signUp.data?.user.id }),
    );
    s.setActiveTeam = await tess.step("organization.setActiveTeam", (c) =>
      c.organization.setActiveTeam({ teamId: s.createTeam.data?.id }),
    );
    s.sessionAfter = await tess.step("getSession", (c) => c.getSession());
    s.userTeams = await tess.step("organization.listUserTeams", (c) => c.organization.listUserTeams());
    s.teamMembers = await tess.step("organization.listTeamMembers", (c) =>
      c.organization.listTeamMembers(),
    );
    s.removeTeam = await tess.step("organization.removeTeam", (c) =>
      c.organization.removeTeam({ teamId: s.createTeam.data?.id }),
    );
    s.removeLast = await tess.step("organization.removeTeam (last)", (c) =>
      c.organization.removeTeam({ teamId: s.session.data?.session.activeTeamId }),
    );
  },

  async owner(baseURL, r) {
    const ann = new OrgAgent(baseURL);
    const email = freshEmail();
    r.email = email;
    const s = r.steps;
    s.signUp = await ann.step("signUp.email", signUp(email));
    s.create = await ann.step("organization.create", (c) =>
      c.organization.create({ name: "Acme", slug: "acme", metadata: { plan: "pro" } }),
    );
    s.createAgain = await ann.step("organization.create (same slug)", (c) =>
      c.organization.create({ name: "Acme 2", slug: "acme" }),
    );
    s.checkTaken = await ann.step("organization.checkSlug", (c) =>
      c.organization.checkSlug({ slug: "acme" }),
    );
    s.checkFree = await ann.step("organization.checkSlug", (c) =>
      c.organization.checkSlug({ slug: "free-one" }),
    );
    s.setActive = await ann.step("organization.setActive", (c) =>
      c.organization.setActive({ organizationId: s.create.data.id }),
    );
    s.session = await ann.step("getSession", (c) => c.getSession());
    s.list = await ann.step("organization.list", (c) => c.organization.list());
    s.full = await ann.step("organization.getFullOrganization", (c) =>
      c.organization.getFullOrganization(),
    );
    s.update = await ann.step("organization.update", (c) =>
      c.organization.update({ data: { name: "Acme Inc" } }),
    );
    s.invite = await ann.step("organization.inviteMember", (c) =>
      c.organization.inviteMember({ email: process.env.INVITEE_EMAIL, role: "admin" }),
    );
    s.inviteAgain = await ann.step("organization.inviteMember (again)", (c) =>
      c.organization.inviteMember({ email: process.env.INVITEE_EMAIL, role: "member" }),
    );
    s.listInvitations = await ann.step("organization.listInvitations", (c) =>
      c.organization.listInvitations(),
    );
  },

  async invitee(baseURL, r) {
    const s = r.steps;
    const bob = new OrgAgent(baseURL);
    s.signUp = await bob.step("signUp.email", (c) =>
      c.signUp.email({ name: "Bob", email: process.env.INVITEE_EMAIL, password: PASSWORD }),
    );
    const id = process.env.INVITATION_ID;
    s.getInvitation = await bob.step("organization.getInvitation", (c) =>
      c.organization.getInvitation({ query: { id } }),
    );
    s.accept = await bob.step("organization.acceptInvitation", (c) =>
      c.organization.acceptInvitation({ invitationId: id }),
    );
    s.acceptAgain = await bob.step("organization.acceptInvitation (again)", (c) =>
      c.organization.acceptInvitation({ invitationId: id }),
    );
    s.session = await bob.step("getSession", (c) => c.getSession());
    s.activeMember = await bob.step("organization.getActiveMember", (c) =>
      c.organization.getActiveMember(),
    );
    s.bobMayDelete = await bob.step("organization.hasPermission", (c) =>
      c.organization.hasPermission({ permissions: { organization: ["delete"] } }),
    );
    const ann = new OrgAgent(baseURL);
    s.ownerSignIn = await ann.step("signIn.email", (c) =>
      c.signIn.email({ email: process.env.OWNER_EMAIL, password: PASSWORD }),
    );
    s.ownerSetActive = await ann.step("organization.setActive", (c) =>
      c.organization.setActive({ organizationSlug: "acme" }),
    );
    s.listMembers = await ann.step("organization.listMembers", (c) =>
      c.organization.listMembers(),
    );
    const bobMember = (s.listMembers.data?.members ?? []).find((m) => m.user.email === process.env.INVITEE_EMAIL);
    s.updateRole = await ann.step("organization.updateMemberRole", (c) =>
      c.organization.updateMemberRole({ memberId: bobMember?.id, role: "member" }),
    );
    s.bobRemoveOwner = await bob.step("organization.removeMember", (c) =>
      c.organization.removeMember({ memberIdOrEmail: process.env.OWNER_EMAIL }),
    );
    s.remove = await ann.step("organization.removeMember", (c) =>
      c.organization.removeMember({ memberIdOrEmail: bobMember?.id }),
    );
    s.bobList = await bob.step("organization.list", (c) => c.organization.list());
    s.clear = await ann.step("organization.setActive", (c) =>
      c.organization.setActive({ organizationId: null }),
    );
  },
};

process.exitCode = await runScenarios(SCENARIOS, process.argv.slice(2));

// Builds a SQLite database with the real Better Auth and its organization plugin with
// teams and dynamic access control: Tom creates "Teamed Org" (its default team, "Teamed
// Org", becomes his active team), makes a team "Backend" and a stored role "reviewer"
// (invitation:create and ac:read), invites Una with that role to the team "Backend"; Una
// accepts, so she is in "Backend", which becomes her active team.
//
//     node make_organization_teams_db.mjs <database path> <secret>
//
// Prints, as JSON on stdout, the people (email, password, id), the organization, the
// teams, the stored role and Una's member row as Better Auth answered them.
import { organization } from "better-auth/plugins";
import { defaultAc } from "better-auth/plugins/organization/access";

import { finish, openBetterAuth, signUpPerson } from "./lib.mjs";

const { auth, database } = await openBetterAuth(import.meta.url, [
  organization({
    async sendInvitationEmail() {},
    teams: { enabled: true },
    ac: defaultAc,
    dynamicAccessControl: { enabled: true },
  }),
]);

const tom = await signUpPerson(auth, "Tom", "tom@example.com");
const una = await signUpPerson(auth, "Una", "una@example.com");
const asTom = { headers: new Headers({ cookie: tom.cookie }) };
const asUna = { headers: new Headers({ cookie: una.cookie }) };
const org = await auth.api.createOrganization({
  body: { name: "Teamed Org", slug: "teamed-org" },
  ...asTom,
});
const backend = await auth.api.createTeam({
  body: { name: "Backend", organizationId: org.id },
  ...asTom,
});
const role = await auth.api.createOrgRole({
  body: {
    role: "reviewer",
    permission: { invitation: ["create"], ac: ["read"] },
    organizationId: org.id,
  },
  ...asTom,
});
const invited = await auth.api.createInvitation({
  body: { email: una.email, role: "reviewer", organizationId: org.id, teamId: backend.id },
  ...asTom,
});
const accepted = await auth.api.acceptInvitation({
  body: { invitationId: invited.id },
  ...asUna,
});
const teams = await auth.api.listOrganizationTeams({
  query: { organizationId: org.id },
  ...asTom,
});
const unaSession = await auth.api.getSession({ ...asUna });

const strip = ({ cookie, ...rest }) => rest;
finish(database, {
  tom: strip(tom),
  una: strip(una),
  organization: org,
  teams,
  backend,
  role: role.roleData,
  unaMember: accepted.member,
  unaActiveTeamId: unaSession?.session.activeTeamId ?? null,
});

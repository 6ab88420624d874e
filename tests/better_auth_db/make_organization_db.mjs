// Builds a SQLite database with the real Better Auth and its organization plugin: Olive
// creates an organization (with metadata), invites Mia, who accepts as admin, and
// invites pia@example.com, who has no account yet (the invitation stays pending).
//
//     node make_organization_db.mjs <database path> <secret>
//
// Prints, as JSON on stdout, the people (email, password, id), the organization and
// the pending invitation as Better Auth answered them.
import { organization } from "better-auth/plugins";

import { finish, openBetterAuth, signUpPerson } from "./lib.mjs";

const { auth, database } = await openBetterAuth(import.meta.url, [
  organization({ async sendInvitationEmail() {} }),
]);

const olive = await signUpPerson(auth, "Olive", "olive@example.com");
const mia = await signUpPerson(auth, "Mia", "mia@example.com");
const asOlive = { headers: new Headers({ cookie: olive.cookie }) };
const org = await auth.api.createOrganization({
  body: { name: "Made Org", slug: "made-org", metadata: { plan: "team" } },
  ...asOlive,
});
const invited = await auth.api.createInvitation({
  body: { email: mia.email, role: "admin", organizationId: org.id },
  ...asOlive,
});
await auth.api.acceptInvitation({
  body: { invitationId: invited.id },
  headers: new Headers({ cookie: mia.cookie }),
});
const pending = await auth.api.createInvitation({
  body: { email: "pia@example.com", role: "member", organizationId: org.id },
  ...asOlive,
});

const strip = ({ cookie, ...rest }) => rest;
finish(database, { olive: strip(olive), mia: strip(mia), organization: org, pending });

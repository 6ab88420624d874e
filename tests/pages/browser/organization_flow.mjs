// The organization pages in Debian's Chromium, as two people in separate browser contexts:
// Ann creates an organization on the switcher page and invites Bob on the members page;
// Bob opens the mailed link (read through /test/last-link), is sent to sign in, signs up
// instead, opens the link again and accepts; on the teams page Ann creates a team and adds
// Bob, Bob makes it his active team, Ann takes him out; on the roles page Ann makes a
// role with two actions ticked, renames it, takes one action away and deletes it; Ann
// changes Bob's role, then removes him. Every page is audited with axe.
//
// usage: node organization_flow.mjs BASE_URL
// Prints one JSON line: {"ok": true, ...facts}, or {"ok": false, "error": ...} (exit 1).

import { BLOCKING, axeViolations, check, click, path, runFlow } from './lib.mjs';

const PASSWORD = 'correct horse battery';
const ANN = { name: 'Ann Owner', email: 'ann.org@example.com' };
const BOB = { name: 'Bob Invitee', email: 'bob.org@example.com' };

async function serious(page) {
  return (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact)).map((v) => v.id);
}

async function signUp(page, person) {
  await page.getByLabel('Name', { exact: true }).fill(person.name);
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
}

const notice = async (page) => (await page.getByTestId('notice').textContent()).trim();

/** Click the button `name` and wait for the page the form redirects to, `?notice=key`
 * (the form posts to the page it is on, so the path alone would match at once). */
async function post(page, name, key) {
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get('notice') === key),
    page.getByRole('main').getByRole('button', { name, exact: true }).click(),
  ]);
}

const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();

await runFlow(
  async (browser) => {
    const [baseURL] = process.argv.slice(2);
    if (!baseURL) throw new Error('usage: node organization_flow.mjs BASE_URL');
    const facts = { audits: {} };
    const ann = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    ann.setDefaultTimeout(20_000);
    bob.setDefaultTimeout(20_000);

    await ann.goto(`${baseURL}/auth/sign-up`);
    await signUp(ann, ANN);
    await click(ann, 'Sign up', '/auth/account');
    await ann.goto(`${baseURL}/auth/organizations`);
    facts.audits.switcherEmpty = await serious(ann);
    await ann.getByLabel('Organization name', { exact: true }).fill('Acme Pages');
    await ann.getByLabel('Slug', { exact: true }).fill('acme-pages');
    await click(ann, 'Create organization', '/auth/organizations');
    facts.created = await notice(ann);
    facts.active = (await ann.getByTestId('active-organization').count()) === 1;
    facts.audits.switcher = await serious(ann);

    await ann.goto(`${baseURL}/auth/organization/members`);
    await ann.getByLabel('E-mail address to invite', { exact: true }).fill(BOB.email);
    await ann.getByLabel('Role', { exact: true }).selectOption('admin');
    await click(ann, 'Send invitation', '/auth/organization/members');
    facts.invited = await notice(ann);
    facts.pending = (await ann.getByTestId(`invitation-${BOB.email}`).count()) === 1;
    facts.audits.members = await serious(ann);

    const response = await bob.request.get(`${baseURL}/test/last-link?to=${encodeURIComponent(BOB.email)}`);
    check(response.ok(), `no invitation mail to ${BOB.email}`);
    const link = (await response.text()).trim();
    facts.linkPath = new URL(link).pathname;
    await bob.goto(link);
    facts.bobSentTo = path(bob);
    await bob.getByRole('link', { name: 'Sign up' }).first().click();
    await bob.waitForURL((url) => url.pathname === '/auth/sign-up');
    await signUp(bob, BOB);
    await click(bob, 'Sign up', '/auth/account');
    await bob.goto(link);
    facts.invitationText = (await bob.getByTestId('invitation-text').textContent()).replace(/\s+/g, ' ').trim();
    facts.audits.invitation = await serious(bob);
    await click(bob, 'Accept invitation', '/auth/organization/members');
    facts.accepted = await notice(bob);
    facts.bobSeesOrganization = (await bob.getByTestId('organization-name').textContent()).trim();

    await ann.goto(`${baseURL}/auth/organization/teams`);
    await ann.getByLabel('Team name', { exact: true }).fill('Design');
    await click(ann, 'Create team', '/auth/organization/teams');
    facts.teamCreated = await notice(ann);
    await ann.getByLabel('Person to add to Design', { exact: true }).selectOption({ label: BOB.email });
    await click(ann, 'Add to Design', '/auth/organization/teams');
    facts.teamMemberAdded = await notice(ann);
    const design = ann.getByTestId('team-Design');
    facts.bobInDesign = await design.getByTestId(`team-member-${BOB.email}`).count();
    facts.audits.teams = await serious(ann);
    await bob.goto(`${baseURL}/auth/organization/teams`);
    await click(bob, 'Make Design active', '/auth/organization/teams');
    facts.teamActive = await notice(bob);
    facts.bobActiveTeam = await bob.getByTestId('team-Design').getByTestId('active-team').count();
    await click(ann, `Remove ${BOB.email} from Design`, '/auth/organization/teams');
    facts.teamMemberRemoved = await notice(ann);
    facts.bobStillInDesign = await design.getByTestId(`team-member-${BOB.email}`).count();

    await ann.goto(`${baseURL}/auth/organization/roles`);
    facts.noRoles = await ann.getByTestId('no-roles').count();
    const newRole = ann.locator('#new-role');
    await newRole.getByLabel('Role name', { exact: true }).fill('Reviewer');
    for (const resource of ['invitation', 'member']) {
      await newRole.getByRole('group', { name: resource }).getByLabel('create', { exact: true }).check();
    }
    await post(ann, 'Create role', 'role-created');
    facts.roleCreated = await notice(ann);
    facts.reviewerMay = await text(ann.getByTestId('role-reviewer').getByTestId('permissions'));
    facts.audits.roles = await serious(ann);
    await ann.getByLabel('New name for reviewer', { exact: true }).fill('Auditor');
    await post(ann, 'Rename reviewer', 'role-renamed');
    facts.roleRenamed = await notice(ann);
    const auditor = ann.getByTestId('role-auditor');
    await auditor.getByRole('group', { name: 'member' }).getByLabel('create', { exact: true }).uncheck();
    await post(ann, 'Save what auditor may do', 'role-updated');
    facts.roleUpdated = await notice(ann);
    facts.auditorMay = await text(auditor.getByTestId('permissions'));
    await ann.goto(`${baseURL}/auth/organization/members`);
    facts.auditorOffered = await ann.getByLabel('Role', { exact: true }).locator('option[value="auditor"]').count();
    await ann.goto(`${baseURL}/auth/organization/roles`);
    await post(ann, 'Delete the role auditor', 'role-deleted');
    facts.roleDeleted = await notice(ann);
    facts.rolesLeft = await ann.locator('[data-testid^="role-"]').count();

    await ann.goto(`${baseURL}/auth/organization/members`);
    const row = ann.getByTestId(`member-${BOB.email}`);
    facts.bobRole = (await row.getByTestId('role').textContent()).trim();
    await ann.getByLabel(`Role of ${BOB.email}`, { exact: true }).selectOption('member');
    await click(ann, `Change the role of ${BOB.email}`, '/auth/organization/members');
    facts.roleNotice = await notice(ann);
    facts.bobRoleAfter = (await ann.getByTestId(`member-${BOB.email}`).getByTestId('role').textContent()).trim();
    await click(ann, `Remove ${BOB.email}`, '/auth/organization/members');
    facts.removed = await notice(ann);
    facts.bobStillListed = await ann.getByTestId(`member-${BOB.email}`).count();

    await bob.goto(`${baseURL}/auth/organizations`);
    facts.bobOrganizations = await bob.locator('#organizations li').count();
    return facts;
  },
  { timeout: 60_000 },
);

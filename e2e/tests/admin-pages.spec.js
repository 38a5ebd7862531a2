// An administrator walks every page of the foundation and of the SOP handbook: each page is
// checked by axe-core (WCAG 2.1 AA), bad input gets errors next to the fields, and it all
// works with JavaScript off (this file runs in the no-JS project too).
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, clickAndWaitForPage } from '../lib/passerelle.js';

const PAGES = [
  ['/admin/users', 'Users'],
  ['/admin/users/new', 'New user'],
  ['/admin/agencies', 'Agencies'],
  ['/admin/areas', 'Areas'],
  ['/admin/audit', 'Audit log'],
  ['/admin/security', 'Security policy'],
  ['/account', 'My account'],
  ['/account/password', 'Change my password'],
  ['/account/tokens', 'API tokens'],
  ['/sops', 'Procedures (SOPs)'],
  ['/sops/child_protection', null],
  ['/sops/trafficking', null],
  ['/admin/sops/publish', 'Publish a new version'],
  ['/forms', 'Forms'],
  ['/forms/registration', null],
  ['/forms/case_plan', null],
  ['/admin/forms/publish', 'Publish a form version'],
  ['/api/docs', 'Passerelle API'],
  ['/directory/manage', 'Directory entries'],
  ['/directory/manage/new', 'New service'],
  ['/directory/import', 'Import into the directory'],
  ['/communities', 'Communities'],
  ['/communities/new', 'New community'],
  ['/coverage', 'Coverage and gaps'],
  ['/coverage/report', 'Mapping assessment report'],
  ['/training', 'Training'],
  ['/training/sops', 'Who is trained on which procedure'],
  ['/training/figures', 'Training figures'],
  ['/certificates/verify', 'Check a training certificate'],
];

test('every administration page passes axe and has its heading', async ({ page, audit }) => {
  test.setTimeout(240_000);
  await signIn(page, audit, demoEmail('admin'));
  for (const [path, heading] of PAGES) {
    await page.goto(path);
    if (heading) await expect(page.locator('main h1'), path).toHaveText(heading);
    else await expect(page.locator('main h1'), path).toHaveText(/\S/);
    await audit();
  }
  // One agency's page and one user's page, reached by their links.
  await page.goto('/admin/agencies');
  await audit();
  await clickAndWaitForPage(page, page.locator('main table a').first());
  await expect(page.locator('main h2').first()).toBeVisible();
  await audit();
  await page.goto('/admin/users');
  await audit();
  await clickAndWaitForPage(page, page.locator('main table a').first());
  await expect(page.locator('input[name="email"]')).toBeVisible();
  await audit();
});

test('creating a user with bad input shows every error next to its field', async ({ page, audit }) => {
  await signIn(page, audit, demoEmail('admin'));
  await page.goto('/admin/users/new');
  await audit();
  const form = page.locator('main form[action="/admin/users"]');
  await form.locator('input[name="email"]').fill('not-an-email@x');
  await form.locator('input[name="display_name"]').fill('<script>alert(1)</script>');
  await form.locator('input[name="password"]').fill('longenough-but-no-role');
  // Without a role, and with an email the browser accepts but the server does not.
  await clickAndWaitForPage(page, form.getByRole('button'));
  const alert = page.locator('.error-summary[role="alert"]');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('Email');
  await expect(alert).toContainText('Roles');
  await expect(page.locator('input[name="display_name"]')).toHaveValue('<script>alert(1)</script>');
  await audit();

  // Now right: the account is created and the person must change the password at first sign-in.
  const email = `e2e.${Date.now()}@demo.passerelle.test`;
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill('a temporary password');
  await page.locator('input[name="roles"][value="caseworker"]').check();
  await clickAndWaitForPage(page, page.locator('main form[action="/admin/users"]').getByRole('button'));
  await expect(page.locator('main h1')).toHaveText('<script>alert(1)</script>');
  await audit();
});

test('a bad SOP file is refused with its problems, in an accessible page', async ({ page, audit }) => {
  await signIn(page, audit, demoEmail('admin'));
  await page.goto('/admin/sops/publish');
  await audit();
  await page.locator('textarea[name="source"]').fill('id = "x"\nversion = -1\n');
  await clickAndWaitForPage(page, page.locator('form[action="/admin/sops/preview"]').getByRole('button'));
  await expect(page.locator('.error-summary[role="alert"]')).toContainText('The version must be a whole number');
  await audit();
});

// The data protection officer's pages: the retention plan and the search for a person whose data
// is asked for or to be erased (with and without JavaScript, axe on each).
test('the retention plan and the personal data search pass axe', async ({ page, audit }) => {
  await signIn(page, audit, demoEmail('admin'));
  await page.goto('/admin/retention');
  await expect(page.locator('main h1')).toHaveText('Retention of closed cases');
  await audit();
  await page.goto('/admin/people');
  await expect(page.locator('main h1')).toHaveText("A person's rights");
  await audit();
  await page.locator('#q').fill('Nobody-Called-This');
  await clickAndWaitForPage(page, page.locator('main form button[type="submit"]').first());
  await expect(page).toHaveURL(/\/admin\/people\?q=Nobody-Called-This/);
  await audit();
});

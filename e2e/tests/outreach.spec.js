// A community agent records an activity in the field. With JavaScript: the network is cut, the
// form is sent anyway (kept on the device, encrypted), the network comes back and the activity
// is synced exactly once. Without JavaScript (this file also runs in the no-JS project): the
// same form is a plain form; a breakdown that does not add up is refused with a message naming
// it, and the corrected activity is saved. Every page passes axe-core.
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, clickAndWaitForPage } from '../lib/passerelle.js';

async function activityCount(page) {
  return page.locator('#activities tr.activity').count();
}

async function fillActivity(page, language, reached, women) {
  await page.locator('#kind').selectOption('information_session');
  await page.locator('#language').fill(language);
  await page.locator('#people_reached').fill(String(reached));
  await page.locator('[id="n.sex_age.female.25_59"]').fill(String(women));
}

test('an activity filled offline is synced once when the network is back', async ({ page, context, audit }, info) => {
  test.skip(info.project.use.javaScriptEnabled === false, 'the offline drafts need JavaScript');
  await signIn(page, audit, demoEmail('agent'));
  await page.goto('/outreach');
  await expect(page.locator('main h1')).toHaveText('Community outreach');
  await audit();
  const before = await activityCount(page);

  await page.goto('/outreach/activities/new');
  await expect(page.locator('main h1')).toHaveText('Record an activity');
  await audit();

  await context.setOffline(true);
  await fillActivity(page, 'Kreyòl (offline)', 4, 4);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#drafts-status')).toContainText('kept on this device');
  // The form is ready for the next activity.
  await expect(page.locator('#people_reached')).toHaveValue('');
  await audit();

  await context.setOffline(false);
  await expect(page.locator('#drafts-status')).toContainText('Activities sent from this device: 1');

  await page.goto('/outreach');
  await audit();
  expect(await activityCount(page)).toBe(before + 1);
  // Coming back again sends nothing more.
  await page.reload();
  await page.waitForLoadState('load');
  expect(await activityCount(page)).toBe(before + 1);
  await audit();
});

test('the activity form works as a plain form, and sums are checked', async ({ page, audit }) => {
  await signIn(page, audit, demoEmail('agent'));
  await page.goto('/outreach/activities/new');
  await audit();

  // 6 reached, but only 4 counted by sex and age.
  await fillActivity(page, 'Français', 6, 4);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.error-summary')).toContainText('Sex and age: 2 people are missing to reach the total of 6.');
  await expect(page.locator('#people_reached')).toHaveValue('6');
  await audit();

  await page.locator('[id="n.sex_age.male.25_59"]').fill('2');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save' }));
  await expect(page).toHaveURL(/\/outreach\/activities\/[0-9a-f-]+$/);
  await expect(page.locator('#people-reached')).toHaveText('6');
  await audit();

  await page.goto('/outreach/figures');
  await expect(page.locator('main h1')).toHaveText('Outreach figures');
  await audit();
});

// Two agents edit the same activity: the second edit, made from the version before the first,
// is kept as a conflict rather than written over it; the conflict pages compare both versions and
// the agent applies the submitted one. The second agent's tab is a second page of the same
// session (its pages are the same templates, audited on the first page).
test('a late edit is kept as a conflict, compared field by field and resolved', async ({ page, context, audit }) => {
  await signIn(page, audit, demoEmail('agent'));
  await page.goto('/outreach/activities/new');
  await audit();
  await fillActivity(page, 'Wolof', 3, 3);
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save' }));
  await expect(page).toHaveURL(/\/outreach\/activities\/[0-9a-f-]+$/);
  await audit();
  const activity = new URL(page.url()).pathname;

  await page.goto(`${activity}/edit`);
  await expect(page.locator('#language')).toHaveValue('Wolof');
  await audit();

  const other = await context.newPage();
  await other.goto(`${activity}/edit`);
  await other.locator('#language').fill('Français');
  await clickAndWaitForPage(other, other.getByRole('button', { name: 'Save' }));
  await expect(other).toHaveURL(new RegExp(`${activity}$`));
  await other.close();

  await page.locator('#language').fill('Español');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save' }));
  await expect(page.locator('#conflict')).toContainText('Someone changed this activity since you opened it.');
  await audit();

  await clickAndWaitForPage(page, page.locator('#conflict-link'));
  await expect(page.locator('main h1')).toHaveText('Resolve a conflict');
  await expect(page.locator('#status')).toContainText('to resolve');
  // The language differs (said in words, not only by colour); the count of people is the same.
  await expect(page.locator('#row-language')).toContainText('Français');
  await expect(page.locator('#row-language')).toContainText('Español');
  await expect(page.locator('#row-language')).toContainText('Differs');
  await expect(page.locator('#row-people_reached')).toContainText('Same');
  await audit();
  const conflict = new URL(page.url()).pathname;

  await page.goto('/outreach/conflicts');
  await expect(page.locator('main h1')).toHaveText('Conflicts to resolve');
  await expect(page.locator(`main a[href="${conflict}"]`)).toHaveCount(1);
  await audit();

  await page.goto(conflict);
  await audit();
  await clickAndWaitForPage(page, page.locator('#apply-submitted'));
  await expect(page.locator('#status')).toContainText('submitted version applied');
  await expect(page.locator('#apply-submitted')).toHaveCount(0);
  await audit();

  await page.goto(activity);
  await expect(page.locator('main')).toContainText('Español');
  await audit();
});

// A caseworker asks the Washington Group questions of a person, and sets a goal and an action in
// a case's plan; the person's family links page is opened too. Every page passes axe-core.
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, clickAndWaitForPage } from '../lib/passerelle.js';

test('a caseworker records functioning and builds a case plan', async ({ page, audit }) => {
  test.setTimeout(120_000);
  await signIn(page, audit, demoEmail('caseworker'));

  // The first case of the caseload, its person, and their functioning page.
  await page.goto('/cases');
  await audit();
  await clickAndWaitForPage(page, page.locator('main table tbody a').first());
  await audit();
  await clickAndWaitForPage(page, page.locator('main a[href$="/plan"]').first());
  await expect(page.locator('main h1')).toHaveText('Case plan');
  await audit();
  await page.locator('#goal_title').fill('Safe housing');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Add a goal' }));
  await expect(page.locator('main h2').filter({ hasText: 'Safe housing' }).first()).toBeVisible();
  await audit();
  const add = page.locator('details', { hasText: 'Add an action to' }).last();
  await add.locator('summary').click();
  await add.locator('input[name="description"]').fill('Visit the shelter');
  await add.locator('input[name="action_due_on"]').fill('2020-01-10');
  await clickAndWaitForPage(page, add.getByRole('button', { name: 'Add the action' }));
  await expect(page.locator('main')).toContainText('Visit the shelter');
  await expect(page.locator('main .overdue').first()).toBeVisible();
  await audit();

  // Back to the case, then the person.
  await clickAndWaitForPage(page, page.locator('main > p a').first());
  await audit();
  await clickAndWaitForPage(page, page.locator('main > p a').nth(1));
  await audit();
  await clickAndWaitForPage(page, page.getByRole('link', { name: 'Washington Group answers and asking again' }));
  await expect(page.locator('main h1')).toHaveText('Functioning (Washington Group questions)');
  await audit();
  for (const field of ['seeing', 'hearing', 'walking', 'cognition', 'self_care', 'communication']) {
    await page.locator(`#wg_${field}-no_difficulty`).check();
  }
  await page.locator('#wg_walking-a_lot_of_difficulty').check();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Record the answers' }));
  await expect(page.locator('main table')).toContainText('With a disability');
  await audit();

  // The family links page, with a search.
  await clickAndWaitForPage(page, page.locator('main > p a').first());
  await audit();
  const manage = page.getByRole('link', { name: 'Link to a family or household member' });
  await clickAndWaitForPage(page, manage);
  await expect(page.locator('main h1')).toHaveText('Family and household');
  await audit();
  await page.locator('#q').fill('a');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Search' }));
  await audit();
});

// A caseworker fills in the registration form: questions that depend on consent appear and
// disappear as the answers change (live with JavaScript; with a button press without it, this
// file also runs in the no-JS project), a missing answer is shown next to its question, and the
// answers are saved and shown back. Every page passes axe-core.
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, clickAndWaitForPage } from '../lib/passerelle.js';

test('filling a form with skip logic, errors and saving', async ({ page, audit }, info) => {
  const js = info.project.use.javaScriptEnabled !== false;
  await signIn(page, audit, demoEmail('caseworker'));
  await page.goto('/forms/registration/fill');
  await expect(page.locator('main h1')).toHaveText('Registration form');
  await audit();

  const form = page.locator('form.xlsform');
  const identity = form.locator('fieldset[data-path="identity"]');
  const refusalNote = form.locator('[data-path="no_consent_note"]');
  const update = form.getByRole('button', { name: 'Show the questions that apply' });
  const save = form.locator('.actions').getByRole('button', { name: 'Save the answers' });
  await expect(identity).toBeHidden();

  // Saving with nothing answered: the error is next to the question and in the summary.
  await clickAndWaitForPage(page, save);
  await expect(page.locator('.error-summary[role="alert"]')).toBeVisible();
  await expect(page.locator('#q-registration_date-error')).toBeVisible();
  await expect(page.locator('#q-registration_date')).toHaveAttribute('aria-invalid', 'true');
  await audit();

  // Consent given: the identity questions apply.
  await form.locator('#q-registration_date').fill('2026-01-10');
  await form.locator('input[name="consent_given_by"][value="person"]').check();
  await form.locator('input[name="consent_registration"][value="yes"]').check();
  if (!js) await clickAndWaitForPage(page, update);
  await expect(identity).toBeVisible();
  await expect(form.locator('input[name="given_name"]')).toBeVisible();
  await expect(refusalNote).toBeHidden();
  await audit();

  // Consent refused: they go away and the note on what to do instead appears.
  await form.locator('input[name="consent_registration"][value="no"]').check();
  if (!js) await clickAndWaitForPage(page, update);
  await expect(identity).toBeHidden();
  await expect(refusalNote).toBeVisible();
  await expect(form.locator('#q-registration_date')).toHaveValue('2026-01-10');
  await audit();

  await clickAndWaitForPage(page, save);
  await expect(page.locator('.notice[role="status"]')).toContainText('The answers are saved.');
  await expect(page.locator('table.answers')).toContainText('Date of registration');
  await expect(page.locator('table.answers')).toContainText('The person themself');
  await audit();
});

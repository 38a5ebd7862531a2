// Counter-trafficking in the browser: a caseworker screens an adult on the Delphi indicators,
// the result says "presumed victim" and offers the referral; the caseworker opens a
// confidential case under the trafficking SOP for the person and records the HTCDS case
// details. An M&E officer then reads the task force's figures (small cells hidden). Every page
// passes axe-core.
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, signOut, clickAndWaitForPage } from '../lib/passerelle.js';

const choose = (page, name, value) => page.locator(`input[name="${name}"][value="${value}"]`).check();

test('a screening leads to a presumed-victim result and a confidential case', async ({ page, audit }) => {
  test.setTimeout(120_000);
  await signIn(page, audit, demoEmail('caseworker'));
  await page.goto('/trafficking/screenings');
  await expect(page.locator('main h1')).toHaveText('Trafficking screenings');
  await audit();
  await clickAndWaitForPage(page, page.getByRole('link', { name: 'New screening' }));
  await audit();

  await page.locator('input[name="screening_date"]').fill('2026-01-10');
  await choose(page, 'channel', 'in_person');
  await choose(page, 'screening_place', 'office');
  await choose(page, 'interpreter', 'not_needed');
  await choose(page, 'consent', 'yes');
  // The script shows the questions the answers bring up; check() waits for them.
  await choose(page, 'age_group', 'adult');
  await choose(page, 'exploitation', 'labour');
  await choose(page, 'stage', 'exited');
  for (const i of ['deceived_nature_of_job', 'deceived_wages_earnings']) await choose(page, 'adult_labour_recruitment', i);
  for (const i of ['excessive_working_days_hours', 'low_or_no_salary', 'confiscation_of_documents', 'isolation_confinement_surveillance']) {
    await choose(page, 'adult_labour_destination', i);
  }
  await choose(page, 'immediate_danger', 'no');
  await choose(page, 'rights_explained', 'yes');
  await choose(page, 'consent_nrm', 'yes');
  await page.waitForTimeout(700);
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save the answers' }));

  await expect(page).toHaveURL(/\/trafficking\/screenings\/[0-9a-f-]+/);
  await expect(page.locator('#outcome')).toHaveAttribute('data-outcome', 'presumed_victim');
  await expect(page.locator('#recommendation')).toContainText('national referral mechanism');
  await audit();

  // The referral: a confidential case under the trafficking SOP for a person already registered.
  await page.locator('#person').selectOption({ index: 1 });
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Open a confidential trafficking case' }));
  await expect(page).toHaveURL(/\/cases\/[0-9a-f-]+$/);
  await expect(page.locator('main h1 .tag')).toBeVisible();
  await audit();

  // The HTCDS case details: a wrong country code is named, then the record is saved.
  await clickAndWaitForPage(page, page.getByRole('link', { name: 'Trafficking case details (HTCDS)' }));
  await audit();
  await page.locator('#status').selectOption('actual_victim');
  await page.locator('#decided_by').selectOption('national_referral_mechanism');
  await page.locator('#citizenship').fill('Haiti');
  await page.locator('input[name="exploitation_types"][value="forced_labour"]').check();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save the case details' }));
  await expect(page.locator('#citizenship-error')).toContainText('three-letter ISO code');
  await audit();
  await page.locator('#citizenship').fill('HTI');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save the case details' }));
  await expect(page.locator('.notice')).toContainText('The case details were saved.');
  await audit();

  // The task force's figures, for the M&E officer.
  await signOut(page, audit);
  await signIn(page, audit, demoEmail('mne'));
  await page.goto('/trafficking/taskforce');
  await expect(page.locator('main h1')).toHaveText('Counter-trafficking figures');
  await expect(page.locator('#table-victims_by_year')).toBeVisible();
  await expect(page.locator('#ctdc-facts')).toBeVisible();
  await audit();
});

// A quality assessment from start to validation: a service focal point self-assesses their
// own organisation for a year (a missing piece of evidence is caught and named), submits it;
// the quality officer, who did not submit it, validates it and sees it in the history; then
// reads an indicator dashboard with its chart and the donor report. Every page passes axe-core;
// the file also runs with JavaScript off (plain forms only).
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, signOut, clickAndWaitForPage } from '../lib/passerelle.js';

test('a self-assessment goes from draft to validation', async ({ page, audit }) => {
  test.setTimeout(180_000);
  await signIn(page, audit, demoEmail('focalpoint'));
  await page.goto('/quality/assessments');
  await expect(page.locator('main h1')).toHaveText('Quality assessments');
  await audit();

  // Their own organisation is the only one offered.
  await page.locator('#agency').selectOption({ index: 1 });
  await page.locator('#period').fill('2024');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Start the assessment' }));
  await expect(page.locator('#status')).toHaveText('draft');
  await audit();

  // A level without evidence: refused, the problem named next to the field.
  const first = page.locator('section.rating').filter({ has: page.locator('fieldset') }).first();
  await first.locator('input[type="radio"]').nth(2).check();
  await first.locator('textarea[name="comment"]').fill('Council meets monthly');
  await clickAndWaitForPage(page, first.getByRole('button', { name: 'Save this answer' }));
  await expect(page.locator('.error-summary')).toContainText('Evidence is required');
  await audit();

  // Rate every qualitative indicator, with evidence and a comment.
  const count = await page.locator('section.rating fieldset').count();
  expect(count).toBeGreaterThan(2);
  for (let i = 0; i < count; i++) {
    const section = page.locator('section.rating').filter({ has: page.locator('fieldset') }).nth(i);
    await section.locator('input[type="radio"]').nth(2).check();
    await section.locator('textarea[name="evidence"]').fill('Internal rules 2024');
    await section.locator('textarea[name="comment"]').fill('In place');
    await clickAndWaitForPage(page, section.getByRole('button', { name: 'Save this answer' }));
    await expect(page.locator('.error-summary')).toHaveCount(0);
    await audit();
  }
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Submit for validation' }));
  await expect(page.locator('#status')).toHaveText('submitted, waiting for validation');
  const url = page.url();
  await audit();
  await signOut(page, audit);

  // The quality officer validates it.
  await signIn(page, audit, demoEmail('quality'));
  await page.goto(url);
  await expect(page.locator('main h1')).toContainText('Quality assessment');
  await audit();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Validate' }));
  await expect(page.locator('#status')).toHaveText('validated');
  await audit();
  await page.goto('/quality/assessments');
  await expect(page.locator('#assessments')).toContainText('2024');
  await audit();

  // The referential, a dashboard with its chart, and the donor report.
  await page.goto('/quality');
  await expect(page.locator('#referential-version')).toContainText('Version 1');
  await audit();
  await page.goto('/indicators/case_closure_rate?by=sex');
  await expect(page.locator('figure.chart svg')).toHaveCount(1);
  await expect(page.locator('#figures caption')).toContainText('Case closure rate');
  await audit();
  await page.goto('/indicators/report');
  await expect(page.locator('#report tbody tr').first()).toBeVisible();
  await audit();
});

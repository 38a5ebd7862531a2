// A trainer opens a held session, records attendance and issues a certificate; then, signed
// out, anyone checks the certificate's code on the public verification page (a mistyped code
// is caught, the valid one shows only that certificate). Every page passes axe-core; the file also
// runs with JavaScript off (plain forms: nothing here needs the script).
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, signOut, clickAndWaitForPage } from '../lib/passerelle.js';

test('a trainer records attendance and issues a certificate anyone can check', async ({ page, audit }) => {
  test.setTimeout(120_000);
  await signIn(page, audit, demoEmail('trainer'));
  await page.goto('/training');
  await expect(page.locator('main h1')).toHaveText('Training');
  await audit();

  // The first session listed is the demo's earliest, held two months ago.
  await clickAndWaitForPage(page, page.locator('main table a').first());
  await expect(page.locator('main h1')).toContainText('Working under SOPs');
  await audit();

  // Attendance: untick the first participant's first day, save, and it stays unticked.
  const grid = page.locator('table.attendance');
  const first = grid.locator('input[type="checkbox"]').first();
  await expect(first).toBeChecked();
  await first.uncheck();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save the attendance' }));
  await expect(page.locator('table.attendance input[type="checkbox"]').first()).not.toBeChecked();
  await audit();
  // Tick it again: present every day.
  await page.locator('table.attendance input[type="checkbox"]').first().check();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Save the attendance' }));
  await expect(page.locator('table.attendance input[type="checkbox"]').first()).toBeChecked();
  await audit();

  // The curriculum: costs side by side, and the certificate of someone who completed it.
  await clickAndWaitForPage(page, page.locator('main > p a').nth(1));
  await expect(page.locator('main h1')).toHaveText('Continuing education for social support professionals');
  await expect(page.locator('#costs + form + table caption')).toContainText('Costs side by side');
  await audit();
  const issue = page.getByRole('button', { name: /^Issue the certificate of / }).first();
  const label = await issue.textContent();
  const holder = label.replace('Issue the certificate of ', '').trim();
  await clickAndWaitForPage(page, issue);
  await expect(page.locator('.certificate .holder')).toHaveText(holder);
  const code = (await page.locator('.certificate code.code').textContent()).trim();
  expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await audit();

  // Anyone, signed out, checks the code.
  await signOut(page, audit);
  await page.goto('/certificates/verify');
  await expect(page.locator('main h1')).toHaveText('Check a training certificate');
  await audit();
  const wrong = (code[0] === '7' ? '8' : '7') + code.slice(1);
  await page.locator('#code').fill(wrong);
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Check' }));
  await expect(page.locator('.verdict')).toContainText('typing mistake');
  await expect(page.locator('#code')).toHaveAttribute('aria-invalid', 'true');
  await audit();
  await page.locator('#code').fill(code.toLowerCase().replace('-', ' '));
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Check' }));
  await expect(page.locator('.verdict')).toContainText('This certificate is valid.');
  await expect(page.locator('.verdict dl')).toContainText(holder);
  await audit();
});

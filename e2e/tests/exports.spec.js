// Exports of personal data, in the browser: a supervisor exports their caseload from the case
// list (a plain form, POST then redirect; the list itself in pages), sees the passphrase once and the download link, finds
// the export under "My exports", and gets an encrypted ZIP. Every page passes axe-core; the file
// also runs with JavaScript off.
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, clickAndWaitForPage } from '../lib/passerelle.js';

test('a supervisor exports the caseload as an encrypted archive', async ({ page, audit }) => {
  await signIn(page, audit, demoEmail('supervisor'));
  await page.goto('/cases?status=all');
  await expect(page.locator('main h1')).toHaveText('Cases');
  await audit();

  // The list comes in pages of 50: the next one, then back to the first. The export below holds
  // every page.
  await clickAndWaitForPage(page, page.locator('main a[rel="next"]'));
  await expect(page).toHaveURL(/[?&]after=[0-9a-f-]{36}/);
  await expect(page.locator('main table caption', { hasText: 'on this page' })).toBeVisible();
  await audit();
  await clickAndWaitForPage(page, page.getByRole('link', { name: 'First page' }));
  await expect(page).toHaveURL(/\/cases\?status=all$/);
  await audit();

  await page.locator('#export-format').selectOption('csv');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Export this list (encrypted)' }));
  await expect(page).toHaveURL(/\/exports\/[0-9a-f-]{36}$/);
  await expect(page.locator('main h1')).toHaveText('Encrypted export');
  const passphrase = await page.locator('#passphrase').inputValue();
  expect(passphrase).toMatch(/^[2-9A-Z]{5}(-[2-9A-Z]{5}){4}$/);
  await expect(page.getByText('it is shown only once')).toBeVisible();
  const link = page.locator('#export-download');
  await expect(link).toBeVisible();
  await audit();

  // The archive is a ZIP, not the list in the clear.
  const response = await page.request.get(await link.getAttribute('href'));
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/zip');
  const body = await response.body();
  expect(body.subarray(0, 2).toString()).toBe('PK');

  // Shown once: coming back to the page, the passphrase is no longer there.
  await page.reload();
  await expect(page.locator('#passphrase')).toHaveCount(0);
  await expect(page.getByText('Passerelle does not keep it')).toBeVisible();
  await audit();

  await page.goto('/exports');
  await expect(page.locator('main h1')).toHaveText('My exports');
  await expect(page.locator('main table')).toContainText('Caseload (CSV)');
  await audit();
});

// The public service finder as a person finds it on a cheap phone: a 360x640 screen, no
// account, JavaScript off (this file runs in the no-JS project too). Every page is checked by
// axe-core; a search with a typo and without accents finds the service, and the service page
// says how to get there, the hours, how to apply and what to bring.
import { test, expect } from '../lib/fixtures.js';
import { clickAndWaitForPage } from '../lib/passerelle.js';

test.use({ viewport: { width: 360, height: 640 }, isMobile: true });

test('a typo and a missing accent still find the night shelter, whose page says what to do', async ({ page, audit }) => {
  await page.goto('/');
  await audit();
  await expect(page.locator('main h1')).toHaveText('Find a service');
  // Nothing wider than the phone: no sideways scrolling.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  // "hebergment": no accent and a letter missing from "hébergement".
  await page.getByLabel('What are you looking for?').fill('hebergment');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Search', exact: true }));
  await audit();
  const shelter = page.locator('main .service-card h3 a', { hasText: 'Abri de nuit à bas seuil — Saint-Aubin' });
  await expect(shelter).toBeVisible();
  await clickAndWaitForPage(page, shelter);
  await audit();
  await expect(page.locator('main h1')).toHaveText('Abri de nuit à bas seuil — Saint-Aubin');
  for (const heading of ['How to get there', 'Opening hours', 'How to apply', 'What to bring']) {
    await expect(page.locator('main h2', { hasText: heading })).toBeVisible();
  }
  await expect(page.locator('main')).toContainText('rue des Flamboyants');
  await expect(page.locator('main')).toContainText('19:00–08:00');
  await expect(page.locator('main')).toContainText('No document is needed.');
});

test('filters by need and area, and the printable directory', async ({ page, audit }) => {
  await page.goto('/');
  await audit();
  await page.getByLabel('Need').selectOption('health');
  await page.getByLabel('Area').selectOption({ label: 'Grand-Anse' });
  await page.getByLabel('Open to migrants whatever their status').check();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Search', exact: true }));
  await audit();
  await expect(page.locator('main .service-card h3 a', { hasText: 'Primary health care clinic — Grand-Anse' })).toBeVisible();
  await clickAndWaitForPage(page, page.getByRole('link', { name: 'Print this list' }));
  await audit();
  await expect(page.locator('main h1')).toContainText('Directory of services — Grand-Anse — Health');
});

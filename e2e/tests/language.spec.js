// The language switcher and the default language (also runs with JavaScript off).
import { test, expect } from '../lib/fixtures.js';
import { LANGUAGES, clickAndWaitForPage, demoEmail, languageButton, signIn } from '../lib/passerelle.js';

test('the footer switcher changes the language of a signed-in page', async ({ page, audit }) => {
  await signIn(page, audit, demoEmail('caseworker'));
  for (const { lang, endonym, signOut } of LANGUAGES) {
    const button = languageButton(page, lang);
    await expect(button, `switcher button for ${lang} shows its endonym`).toHaveText(endonym);
    await clickAndWaitForPage(page, button);
    await audit();
    if (!/\/dashboard$/.test(page.url())) {
      await page.goto('/dashboard');
      await audit();
    }
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.locator('header').getByRole('button', { name: signOut, exact: true }), `"${signOut}" in ${lang}`).toBeVisible();
  }
  // The choice sticks on the next page load.
  await page.goto('/dashboard');
  await audit();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the sign-in page is translated in the three languages', async ({ page, audit }) => {
  await page.goto('/login');
  await audit();
  const seen = new Map();
  for (const { lang, endonym } of LANGUAGES) {
    await expect(languageButton(page, lang)).toHaveText(endonym);
    await clickAndWaitForPage(page, languageButton(page, lang));
    await audit();
    if (!/\/login$/.test(page.url())) {
      await page.goto('/login');
      await audit();
    }
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    const heading = (await page.locator('main h1').first().innerText()).trim();
    const button = (await page.locator('form:has(input[name="password"])').locator('button[type="submit"], input[type="submit"], button:not([type])').first().innerText()).trim();
    seen.set(lang, `${heading} / ${button}`);
  }
  // Each language shows its own heading and button text.
  expect(new Set(seen.values()).size, `headings / sign-in buttons per language: ${JSON.stringify(Object.fromEntries(seen))}`).toBe(3);
});

for (const { locale, lang } of [
  { locale: 'es-ES', lang: 'es' },
  { locale: 'en-GB', lang: 'en' },
  { locale: 'fr-FR', lang: 'fr' },
  { locale: 'de-DE', lang: 'fr' },
]) {
  test.describe(`browser language ${locale}`, () => {
    test.use({ locale });
    test(`without a choice the page is in ${lang}`, async ({ page, audit }) => {
      await page.goto('/login');
      await audit();
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
    });
  });
}

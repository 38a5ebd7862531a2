// What the tests know about Passerelle's pages (docs: /work/briefs/web-contract.md, kept in
// the README): demo accounts, the sign-in form, the sign-out button, the language switcher.
import { expect } from '@playwright/test';

export const DEMO_PASSWORD = 'passerelle-demo';
export const ROLES = ['caseworker', 'supervisor', 'focalpoint', 'agent', 'trainer', 'quality', 'mne', 'admin'];
export const demoEmail = (role) => `${role}@demo.passerelle.test`;

// English last: a test that switches a demo user's language leaves it as the browser's (en-US).
export const LANGUAGES = [
  { lang: 'fr', endonym: 'Français', signOut: 'Se déconnecter' },
  { lang: 'es', endonym: 'Español', signOut: 'Cerrar sesión' },
  { lang: 'en', endonym: 'English', signOut: 'Sign out' },
];
export const SIGN_OUT = /^\s*(Sign out|Se déconnecter|Cerrar sesión)\s*$/;

const SUBMIT = 'button[type="submit"], input[type="submit"], button:not([type])';

/** The form around `input[name=field]`, and its submit button. */
export function formWith(page, field) {
  const form = page.locator(`form:has(input[name="${field}"])`).first();
  return { form, submit: form.locator(SUBMIT).first() };
}

/** Clicks `locator` and waits until the new document has loaded (works with or without JS). */
export async function clickAndWaitForPage(page, locator) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
  await locator.click();
  await navigated;
  await page.waitForLoadState('load');
}

/** Opens /login (audited) and submits the form; leaves the resulting page for the caller to audit. */
export async function submitLogin(page, audit, email, password) {
  await page.goto('/login');
  await audit();
  const { form, submit } = formWith(page, 'password');
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  await clickAndWaitForPage(page, submit);
}

/** Signs in a demo user and checks the dashboard was reached (audited). */
export async function signIn(page, audit, email, password = DEMO_PASSWORD) {
  await submitLogin(page, audit, email, password);
  await expect(page, `signing in as ${email}`).toHaveURL(/\/dashboard$/);
  await audit();
}

/** Clicks "Sign out" in the header and checks we are back on /login (audited). */
export async function signOut(page, audit) {
  const button = page.locator('header form[action$="/logout"]').getByRole('button', { name: SIGN_OUT });
  await clickAndWaitForPage(page, button);
  await expect(page).toHaveURL(/\/login$/);
  await audit();
}

/** The footer button that switches to `lang`. */
export function languageButton(page, lang) {
  return page.locator(`footer form[action$="/language"] button[name="lang"][value="${lang}"]`);
}

/** The error summary shown after a failed form submission. */
export function alert(page) {
  return page.locator('[role="alert"].error-summary');
}

// Two-step verification: enrol a TOTP authenticator, then sign in with a code.
// Runs on a server of its own: the enrolled account would otherwise need a code in other tests.
import { test, expect } from '../lib/fixtures.js';
import { clickAndWaitForPage, demoEmail, formWith, signIn, signOut, submitLogin, DEMO_PASSWORD } from '../lib/passerelle.js';
import { freshCode } from '../lib/totp.js';

test.use({ dedicatedServer: true });
test.setTimeout(180_000);

test('supervisor enrols TOTP and then signs in with a code', async ({ page, audit }) => {
  const supervisor = demoEmail('supervisor');
  await signIn(page, audit, supervisor);

  await page.goto('/account/security');
  await audit();
  const secret = ((await page.locator('#totp-secret').innerText()) || '').replace(/\s+/g, '');
  expect(secret, 'the TOTP secret in #totp-secret is base32').toMatch(/^[A-Z2-7]{16,}=*$/i);

  const enrol = formWith(page, 'code');
  const first = await freshCode(secret);
  await enrol.form.locator('input[name="code"]').fill(first.code);
  await clickAndWaitForPage(page, enrol.submit);
  await expect(page.locator('[role="alert"].error-summary'), 'enrolling with a valid code shows no error').toHaveCount(0);
  await audit();

  await signOut(page, audit);

  // The password alone now leads to the second step.
  await submitLogin(page, audit, supervisor, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/login\/totp$/);
  await audit();

  // A code from another 30 s window than the one used to enrol (a server may refuse replays).
  const second = await freshCode(secret, { notStep: first.step });
  const step2 = formWith(page, 'code');
  await step2.form.locator('input[name="code"]').fill(second.code);
  await clickAndWaitForPage(page, step2.submit);
  await expect(page).toHaveURL(/\/dashboard$/);
  await audit();
});

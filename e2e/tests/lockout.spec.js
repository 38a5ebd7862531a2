// Five failed sign-ins lock an account for 15 minutes, even against the right password.
// Runs on a server of its own so the locked account does not break other tests.
import { test, expect } from '../lib/fixtures.js';
import { DEMO_PASSWORD, alert, demoEmail, signIn, submitLogin } from '../lib/passerelle.js';

test.use({ dedicatedServer: true });
test.setTimeout(180_000);

test('five failures lock trainer@, other accounts still sign in', async ({ page, audit }) => {
  const trainer = demoEmail('trainer');
  let failureText = null;
  for (let attempt = 1; attempt <= 5; attempt++) {
    await submitLogin(page, audit, trainer, `wrong-password-${attempt}`);
    await expect(page, `attempt ${attempt}`).not.toHaveURL(/\/dashboard/);
    await expect(alert(page), `alert after failed attempt ${attempt}`).toBeVisible();
    if (attempt === 1) failureText = (await alert(page).innerText()).trim();
    await audit();
  }

  // Locked: the right password is refused, and the alert says so (not the usual failure text).
  await submitLogin(page, audit, trainer, DEMO_PASSWORD);
  await expect(page).not.toHaveURL(/\/dashboard/);
  await expect(alert(page)).toBeVisible();
  const lockedText = (await alert(page).innerText()).trim();
  expect(lockedText, 'the locked message differs from the wrong-password message').not.toBe(failureText);
  await audit();

  // The lock is per account.
  await signIn(page, audit, demoEmail('admin'));
});

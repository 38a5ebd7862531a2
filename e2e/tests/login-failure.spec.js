// A failed sign-in re-renders the form with an alert (also runs with JavaScript off).
import { test, expect } from '../lib/fixtures.js';
import { alert, demoEmail, submitLogin } from '../lib/passerelle.js';

test('a wrong password shows the error alert', async ({ page, audit }) => {
  // One failure on mne@ is far from the lockout threshold of 5.
  await submitLogin(page, audit, demoEmail('mne'), 'not-the-password');
  await expect(page).not.toHaveURL(/\/dashboard/);
  await expect(alert(page)).toBeVisible();
  await expect(alert(page)).toHaveText(/\S/);
  // The form is there again, ready for another try.
  await expect(page.locator('form input[name="password"]')).toBeVisible();
  await audit();
});

test('an unknown account shows the error alert', async ({ page, audit }) => {
  await submitLogin(page, audit, 'nobody@demo.passerelle.test', 'passerelle-demo');
  await expect(page).not.toHaveURL(/\/dashboard/);
  await expect(alert(page)).toBeVisible();
  await audit();
});

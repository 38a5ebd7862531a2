// Every demo role signs in, reaches its dashboard, and signs out (also runs with JavaScript off).
import { test, expect } from '../lib/fixtures.js';
import { ROLES, demoEmail, signIn, signOut } from '../lib/passerelle.js';

const ADMIN_LINKS = ['Users', 'Agencies', 'Audit log'];

for (const role of ROLES) {
  test(`${role} signs in, reaches the dashboard and signs out`, async ({ page, audit }) => {
    await signIn(page, audit, demoEmail(role));

    // The dashboard greets the user.
    await expect(page.locator('main h1')).toHaveText(/\S/);

    const nav = page.getByRole('navigation');
    if (role === 'admin') {
      for (const name of ADMIN_LINKS) {
        await expect(nav.getByRole('link', { name, exact: true }).first(), `admin nav link "${name}"`).toBeVisible();
      }
    }
    if (role === 'caseworker') {
      for (const name of ['Users', 'Audit log']) {
        await expect(nav.getByRole('link', { name, exact: true }), `caseworker must not see "${name}"`).toHaveCount(0);
      }
    }

    await signOut(page, audit);

    // Signed out: the dashboard is no longer shown.
    const response = await page.goto('/dashboard');
    const refused = /\/login(\?|$)/.test(new URL(page.url()).pathname + new URL(page.url()).search) || [401, 403].includes(response.status());
    expect(refused, `after sign-out GET /dashboard gave ${response.status()} at ${page.url()}`).toBe(true);
    await audit();
  });
}

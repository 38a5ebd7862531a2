// A referral closes its loop in the browser: the caseworker records the person's consent,
// refers from the case to the health centre with only a few fields shared; the centre's focal
// point finds it in the agency's inbox, sees none of the rest of the case, accepts it and
// records the service given; the caseworker sees each change. Every page passes axe-core, and
// the file also runs with JavaScript off (every form is a plain form).
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, signOut, clickAndWaitForPage } from '../lib/passerelle.js';

test('a referral from a case to a service, answered and completed by the receiving agency', async ({ page, audit }) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const family = `Vaillancourt${stamp}`;
  await signIn(page, audit, demoEmail('caseworker'));
  await page.goto('/people/new');
  await audit();
  await page.locator('#given_names').fill('Rosemène');
  await page.locator('#family_names').fill(family);
  await page.locator('#sex-female').check();
  await page.locator('#birth_date').fill('1991-03-09');
  await clickAndWaitForPage(page, page.locator('main form[action="/people"]').getByRole('button'));
  await audit();
  await page.locator('#sop').selectOption('social_welfare');
  await page.locator('#risk-medium').check();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Open a case' }));
  await audit();
  const caseUrl = new URL(page.url()).pathname;

  // Consent to referral, recorded on the case.
  await page.locator('#giver-person').check();
  await page.locator('#scope-referral').check();
  await clickAndWaitForPage(page, page.locator(`form[action="${caseUrl}/consents"]`).getByRole('button'));
  await audit();

  await clickAndWaitForPage(page, page.getByRole('link', { name: 'Refer to a service' }));
  await audit();
  await page.locator('#need-pick').selectOption('health');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Find services' }));
  await audit();
  await page.locator('label', { hasText: 'Grand-Anse Health Centre' }).first().click();
  await page.locator('#reason').fill('Needs a prenatal check-up; speaks Kreyòl.');
  await page.locator('#consent-pick').selectOption({ index: 1 });
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Send the referral' }));
  await expect(page.locator('#referral-status')).toHaveText('Requested');
  await audit();
  const referralUrl = new URL(page.url()).pathname;
  await page.goto(`${referralUrl}/print`);
  await audit();
  await signOut(page, audit);

  // The receiving agency: its inbox, the shared copy only, then the answers.
  await signIn(page, audit, demoEmail('focalpoint'));
  await page.goto('/referrals');
  await audit();
  await clickAndWaitForPage(page, page.locator(`a[href="${referralUrl}"]`));
  await audit();
  await expect(page.locator('main')).toContainText('Needs a prenatal check-up');
  await expect(page.locator('main')).not.toContainText(family);
  for (const [to, outcome] of [['accepted', ''], ['in-progress', ''], ['completed', 'Seen at the antenatal clinic; next visit booked.']]) {
    await page.locator('#to').selectOption(to);
    if (outcome) await page.locator('#outcome').fill(outcome);
    await clickAndWaitForPage(page, page.getByRole('button', { name: 'Update the status' }));
    await audit();
  }
  await expect(page.locator('#referral-status')).toHaveText('Completed');
  await page.goto('/referrals/capacity');
  await audit();
  await signOut(page, audit);

  // The referrer sees the loop closed.
  await signIn(page, audit, demoEmail('caseworker'));
  await page.goto(referralUrl);
  await expect(page.locator('#referral-status')).toHaveText('Completed');
  await expect(page.locator('main')).toContainText('Seen at the antenatal clinic');
  await audit();
  await page.goto('/referrals/pathways');
  await audit();
});

test('the anonymous feedback page and the figures pass axe', async ({ page, audit }) => {
  await page.goto('/feedback');
  await audit();
  await signIn(page, audit, demoEmail('mne'));
  await page.goto('/referrals/figures');
  await audit();
});

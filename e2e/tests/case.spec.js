// A caseworker's whole path, in the browser: register a person (the duplicate check first),
// open a case under the social welfare SOP, fill each step's forms from the case, ask for the
// supervisor's approval of the plan and of the closure, and close the case. The supervisor
// approves from the case page. Every page passes axe-core.
import { test, expect } from '../lib/fixtures.js';
import { demoEmail, signIn, signOut, clickAndWaitForPage } from '../lib/passerelle.js';

// Fills every visible, unanswered question with a plausible answer, lets the page's script
// show the questions those answers bring up, and repeats until nothing new appears.
async function answerEverything(page) {
  const form = page.locator('form.xlsform');
  for (let round = 0; round < 8; round++) {
    let changed = 0;
    const questions = form.locator('.question:not([hidden])');
    const n = await questions.count();
    for (let i = 0; i < n; i++) {
      const q = questions.nth(i);
      if (!(await q.isVisible())) continue;
      const radios = q.locator('.choice:not([hidden]) input[type="radio"]');
      const boxes = q.locator('.choice:not([hidden]) input[type="checkbox"]');
      const input = q.locator('input[type="text"], input[type="date"], input[type="time"], input[type="datetime-local"], textarea').first();
      const select = q.locator('select').first();
      if (await radios.count()) {
        if ((await q.locator('input[type="radio"]:checked').count()) === 0) { await radios.first().check(); changed++; }
      } else if (await boxes.count()) {
        if ((await q.locator('input[type="checkbox"]:checked').count()) === 0) { await boxes.first().check(); changed++; }
      } else if (await select.count()) {
        if (!(await select.inputValue())) { await select.selectOption({ index: 1 }); changed++; }
      } else if (await input.count()) {
        if (!(await input.inputValue())) {
          const type = await input.getAttribute('type');
          const mode = await input.getAttribute('inputmode');
          const name = (await input.getAttribute('name')) || '';
          const value = type === 'date' ? '2026-01-10' : type === 'time' ? '10:00' : type === 'datetime-local' ? '2026-01-10T10:00'
            : mode === 'numeric' || mode === 'decimal' ? '1' : /phone/.test(name) ? '+509 3712 3456' : 'Noted during the visit';
          await input.fill(value);
          changed++;
        }
      }
    }
    if (changed === 0) return;
    // The script asks the server which questions apply after a short pause.
    await page.waitForTimeout(700);
  }
}

async function fillStepForms(page, audit, step) {
  for (;;) {
    const link = page.locator(`#step-${step} ul.forms a[href^="/forms/"]`).first();
    if ((await link.count()) === 0) return;
    await clickAndWaitForPage(page, link);
    await audit();
    await answerEverything(page);
    await clickAndWaitForPage(page, page.locator('form.xlsform .actions').getByRole('button', { name: 'Save the answers' }));
    // A constraint may refuse the first plausible number (e.g. fewer children than people in
    // the household): try other numbers in the questions the server marked.
    const numbers = ['0', '2', '5'];
    const dates = ['2026-06-30', '2025-06-01', '2026-11-01'];
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await page.locator('.error-summary').count()) === 0) break;
      await audit();
      const wrongNumbers = page.locator('.question.has-error input[inputmode="numeric"], .question.has-error input[inputmode="decimal"]');
      const wrongDates = page.locator('.question.has-error input[type="date"]');
      if ((await wrongNumbers.count()) + (await wrongDates.count()) === 0) break;
      for (let i = 0; i < (await wrongNumbers.count()); i++) await wrongNumbers.nth(i).fill(numbers[attempt]);
      for (let i = 0; i < (await wrongDates.count()); i++) await wrongDates.nth(i).fill(dates[attempt]);
      await answerEverything(page);
      await clickAndWaitForPage(page, page.locator('form.xlsform .actions').getByRole('button', { name: 'Save the answers' }));
    }
    if (await page.locator('.error-summary').count()) {
      // Name the problem in the failure rather than time out on it.
      throw new Error(`form not accepted: ${await page.locator('.error-summary').innerText()}`);
    }
    await expect(page.locator('.notice[role="status"]')).toContainText('The answers are saved.');
    await audit();
  }
}

async function completeStep(page, audit, step) {
  await clickAndWaitForPage(page, page.locator(`#step-${step}`).getByRole('button', { name: /Mark this step as done/ }));
  await expect(page.locator(`#step-${step} h3 .tag`)).toHaveText(/done/);
  await audit();
}

async function askApproval(page, audit, step) {
  await clickAndWaitForPage(page, page.locator(`#step-${step}`).getByRole('button', { name: 'Ask for approval' }));
  await expect(page.locator(`#step-${step} .approval`)).toContainText('waiting for the supervisor');
  await audit();
}

async function supervisorApproves(page, audit, caseUrl, step) {
  await signOut(page, audit);
  await signIn(page, audit, demoEmail('supervisor'));
  await page.goto(caseUrl);
  await audit();
  const box = page.locator(`#step-${step} .approval`);
  await box.locator('textarea[name="comment"]').fill('Agreed with the plan.');
  await clickAndWaitForPage(page, box.getByRole('button', { name: 'Approve' }));
  await expect(page.locator(`#step-${step} .approval`)).toContainText('Approved');
  await audit();
  await signOut(page, audit);
  await signIn(page, audit, demoEmail('caseworker'));
  await page.goto(caseUrl);
  await audit();
}

test('a caseworker takes a case from registration to closure, with the supervisor approving', async ({ page, audit }) => {
  test.setTimeout(300_000);
  await signIn(page, audit, demoEmail('caseworker'));
  await page.goto('/people/new');
  await audit();
  const stamp = Date.now().toString(36);
  await page.locator('#given_names').fill(`Nadège ${stamp}`);
  await page.locator('#family_names').fill('Dorvilien');
  await page.locator('#sex-female').check();
  await page.locator('#birth_date').fill('1988-07-14');
  await clickAndWaitForPage(page, page.locator('main form[action="/people"]').getByRole('button'));
  await expect(page.locator('main h1')).toContainText('Dorvilien');
  await audit();

  // Open a case under the social welfare procedure.
  await page.locator('#sop').selectOption('social_welfare');
  await page.locator('#risk-high').check();
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Open a case' }));
  await expect(page.locator('main h1')).toContainText('Case');
  await audit();
  const caseUrl = new URL(page.url()).pathname;
  const steps = await page.locator('ol.steps > li').evaluateAll((els) => els.map((e) => e.id.replace('step-', '')));
  expect(steps.length).toBeGreaterThan(3);
  const closure = steps[steps.length - 1];

  for (const step of steps.slice(0, -1)) {
    await fillStepForms(page, audit, step);
    if (await page.locator(`#step-${step}`).getByRole('button', { name: 'Ask for approval' }).count()) {
      await askApproval(page, audit, step);
      await supervisorApproves(page, audit, caseUrl, step);
    }
    await completeStep(page, audit, step);
  }

  // Closure: its forms, the supervisor's approval, then the reason.
  await fillStepForms(page, audit, closure);
  await askApproval(page, audit, closure);
  await supervisorApproves(page, audit, caseUrl, closure);
  await page.locator('#reason').fill('The support plan goals are met.');
  await clickAndWaitForPage(page, page.getByRole('button', { name: 'Close the case' }));
  await expect(page.locator('table.answers')).toContainText('Closed');
  await expect(page.getByRole('button', { name: 'Reopen the case' })).toBeVisible();
  await audit();

  // The case's notes on their own pages (the case page shows the newest).
  await page.goto(`${caseUrl}/notes`);
  await expect(page.locator('main h1')).toContainText('Notes of case');
  await audit();
});

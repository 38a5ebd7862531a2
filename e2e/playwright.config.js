// Passerelle browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), axe-core on
// every page. Each worker starts its own Passerelle from the debug binary (see lib/server.js).
//
//   npx playwright test                              # SQLite, with and without JavaScript
//   PASSERELLE_E2E_DATABASE_URL=postgres://… npx playwright test --project=postgres
//
// scripts/test runs both. Env: PASSERELLE_BIN (default $CARGO_TARGET_DIR/debug/passerelle),
// PASSERELLE_CHROMIUM (default /usr/bin/chromium), PASSERELLE_E2E_WORKERS (default 2).
import { defineConfig } from '@playwright/test';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The pages that must work without JavaScript are exercised by these files.
const NO_JS_FILES = /(signin|login-failure|language|admin-pages|form-fill|finder|training|referral|quality|outreach|exports)\.spec\.js$/;

const projects = [
  { name: 'sqlite', outputDir: 'test-results/sqlite', use: { backend: 'sqlite', measureWeight: true } },
  {
    name: 'sqlite-nojs',
    outputDir: 'test-results/sqlite-nojs',
    testMatch: NO_JS_FILES,
    use: { backend: 'sqlite', javaScriptEnabled: false },
  },
];
if (process.env.PASSERELLE_E2E_DATABASE_URL) {
  projects.push({
    name: 'postgres',
    outputDir: 'test-results/postgres',
    testIgnore: /totp-helper\.spec\.js$/,
    use: { backend: 'postgres' },
  });
}

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: Number(process.env.PASSERELLE_E2E_WORKERS || 2),
  reporter: [['list'], ['./lib/page-weight-reporter.js']],
  use: {
    headless: true,
    locale: 'en-US',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    // Traces help locally (npx playwright show-trace); CI keeps no artefacts, so save the time there.
    trace: process.env.CI ? 'off' : 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.PASSERELLE_CHROMIUM || '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  projects,
});

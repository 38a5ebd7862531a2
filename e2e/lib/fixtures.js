// Playwright fixtures for Passerelle's browser tests.
//
// - `server` (one per worker): a real Passerelle on a random port with a fresh data dir and the
//   demo data, on SQLite, or on a fresh PostgreSQL database in the `postgres` project.
// - `test.use({ dedicatedServer: true })`: the test gets a server of its own (for tests that
//   change shared state: lockout, TOTP enrolment).
// - `baseURL` points at the test's server, so `page.goto('/login')` works.
// - `audit()` must be called on every page a test visits: it checks the page skeleton the
//   contract promises (html lang, main landmark, skip link, language switcher), runs axe-core with
//   the WCAG 2.1 AA rules, and in projects with `measureWeight` records the page's transferred size.
//   A test that navigates to a page and never audits it fails.
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startServer } from './server.js';

export { expect };

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Pages already weighed by this worker process, so each is reported once per project.
const weighed = new Set();

function slug(text) {
  return text.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

function pathOf(url) {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

function formatViolations(violations) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ');
    const more = v.nodes.length > 5 ? ` (+${v.nodes.length - 5} more)` : '';
    return `${v.id} [${v.impact}] ${v.help}: ${targets}${more} (${v.helpUrl})`;
  });
}

async function runAxe(page) {
  return new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
}

// axe-core is JavaScript and cannot run in a page with JavaScript disabled. For those pages we
// replay the exact HTML the server sent (same URL, same cookies, same stylesheets) in a
// JavaScript-enabled context and run axe there.
async function runAxeOnReplay(browser, page, html, contextOptions) {
  const context = await browser.newContext({
    ...contextOptions,
    javaScriptEnabled: true,
    storageState: await page.context().storageState(),
  });
  try {
    const replay = await context.newPage();
    const url = page.url();
    await replay.route((u) => u.href === url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await replay.goto(url, { waitUntil: 'load' });
    return await runAxe(replay);
  } finally {
    await context.close();
  }
}

// Sums what went over the wire for the current page: the final HTML document and everything it
// loaded. The HTTP cache is off in measuring projects (see below), so this is a cold-cache figure.
async function weigh(page, requests) {
  let body = 0;
  let headers = 0;
  let documentBytes = 0;
  let encoding = 'identity';
  for (const request of requests) {
    const sizes = await request.sizes();
    body += Math.max(0, sizes.responseBodySize);
    headers += Math.max(0, sizes.responseHeadersSize);
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      documentBytes = Math.max(0, sizes.responseBodySize);
      const response = await request.response();
      encoding = (response && (await response.headerValue('content-encoding'))) || 'identity';
    }
  }
  return { path: pathOf(page.url()), requests: requests.length, bodyBytes: body, transferredBytes: body + headers, documentBytes, encoding };
}

export const test = base.extend({
  // ---- options, set per project in playwright.config.js or per file with test.use() ----
  backend: ['sqlite', { option: true, scope: 'worker' }],
  measureWeight: [false, { option: true }],
  dedicatedServer: [false, { option: true }],

  server: [
    async ({ backend }, use, workerInfo) => {
      const server = await startServer({
        backend,
        name: `worker${workerInfo.workerIndex}-${backend}`,
        logDir: path.join(workerInfo.project.outputDir, 'server-logs'),
      });
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],

  appServer: async ({ server, dedicatedServer, backend }, use, testInfo) => {
    if (!dedicatedServer) {
      await use(server);
      return;
    }
    const own = await startServer({
      backend,
      name: `${slug(testInfo.titlePath.slice(1).join(' '))}-${backend}`,
      logDir: path.join(testInfo.project.outputDir, 'server-logs'),
    });
    try {
      await use(own);
    } finally {
      await own.stop();
    }
  },

  baseURL: async ({ appServer }, use) => {
    await use(appServer.url);
  },

  audit: [
    async ({ page, browser, measureWeight, javaScriptEnabled, locale }, use, testInfo) => {
      const contextOptions = { locale };
      // Every main-frame navigation of `page`, and whether audit() looked at it.
      const visits = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame() && frame.url() !== 'about:blank') visits.push({ url: frame.url(), audited: false });
      });
      // The last HTML document the server sent, for the no-JavaScript replay.
      let lastDocument = null;
      page.on('response', (response) => {
        if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) lastDocument = response;
      });
      // Requests of the current page, for its weight. Routing every request turns Playwright's
      // HTTP cache off, so each page is weighed as on a first visit, without loading it twice
      // (a second load could change server state, e.g. a fresh TOTP secret).
      let pageRequests = [];
      if (measureWeight) {
        await page.route('**/*', (route) => route.continue());
        page.on('request', (request) => {
          if (request.isNavigationRequest() && request.frame() === page.mainFrame()) pageRequests = [];
        });
        page.on('requestfinished', (request) => pageRequests.push(request));
      }

      const audit = async () => {
        await page.waitForLoadState('load');
        const url = page.url();
        const where = pathOf(url);

        // The skeleton every page promises (contract: lang, <main id="main">, skip link, switcher).
        await expect.soft(page.locator('html'), `<html lang> on ${where}`).toHaveAttribute('lang', /^(fr|en|es)$/);
        await expect.soft(page.locator('main#main'), `<main id="main"> on ${where}`).toHaveCount(1);
        await expect.soft(page.locator('a[href="#main"]').first(), `skip link to #main on ${where}`).toBeAttached();
        const switcher = page.locator('footer form[action$="/language"] button[name="lang"]');
        await expect.soft(switcher, `language switcher (fr, en, es) in the footer of ${where}`).toHaveCount(3);

        // axe-core, WCAG 2.1 A and AA.
        let results;
        if (javaScriptEnabled === false) {
          const html = lastDocument ? await lastDocument.text() : await page.content();
          results = await runAxeOnReplay(browser, page, html, contextOptions);
        } else {
          results = await runAxe(page);
        }
        expect.soft(formatViolations(results.violations), `axe-core (WCAG 2.1 AA) violations on ${where}`).toEqual([]);

        const current = visits.findLast((v) => v.url === url);
        if (current) current.audited = true;

        if (measureWeight) {
          const key = `${testInfo.project.name} ${new URL(url).pathname}`;
          if (!weighed.has(key)) {
            weighed.add(key);
            const w = await weigh(page, pageRequests);
            testInfo.annotations.push({ type: 'page-weight', description: JSON.stringify({ project: testInfo.project.name, ...w }) });
            console.log(
              `page-weight ${w.path}: ${w.transferredBytes} bytes transferred (${w.bodyBytes} bytes of compressed bodies, ` +
                `${w.requests} requests; HTML ${w.documentBytes} bytes ${w.encoding})`,
            );
          }
        }
      };

      await use(audit);

      if (testInfo.status === testInfo.expectedStatus) {
        const missed = visits.filter((v) => !v.audited).map((v) => pathOf(v.url));
        expect(missed, 'pages visited without audit() (axe-core must run on every page)').toEqual([]);
      }
    },
    { auto: true },
  ],
});

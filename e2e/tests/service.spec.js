// Health checks and the API description.
import { test, expect } from '../lib/fixtures.js';

test('health and readiness answer', async ({ request }) => {
  const health = await request.get('/healthz');
  expect(health.status()).toBe(200);
  expect((await health.text()).trim()).toBe('ok');
  const ready = await request.get('/readyz');
  expect(ready.status()).toBe(200);
});

test('the OpenAPI document and the API page are served', async ({ request, page, audit }) => {
  const spec = await request.get('/api/v1/openapi.json');
  expect(spec.status()).toBe(200);
  const doc = await spec.json();
  expect(String(doc.openapi)).toMatch(/^3\.1/);
  expect(typeof doc.info?.title, 'the OpenAPI document has info.title').toBe('string');

  const response = await page.goto('/api/docs');
  expect(response.status()).toBe(200);
  await audit();
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

describe('the HTTP platform', () => {
  it('answers /health and /ready', async () => {
    const health = await ctx.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await ctx.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    // This app runs without access control (the test context's default), and says so.
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok' },
      warnings: [expect.stringMatching(/^ACCESS CONTROL IS OFF \(INNKEEPER_AUTH=off\)/)],
    });
  });

  it('serves an OpenAPI 3 document at /docs/json and the UI at /docs', async () => {
    const doc = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    const body = doc.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toContain('/health');
    const ui = await ctx.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await ctx.app.inject({ method: 'DELETE', url: '/no/such/thing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route for DELETE /no/such/thing.' } });
  });

  it('gives every request an id, and keeps the caller’s', async () => {
    const mine = await ctx.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-me-123' } });
    expect(mine.headers['x-request-id']).toBe('trace-me-123');
    const generated = await ctx.app.inject({ method: 'GET', url: '/health' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('renders validation failures and malformed JSON in the one error shape', async () => {
    const badParam = await ctx.app.inject({ method: 'GET', url: '/api/v1/holds/not-a-uuid' });
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ location: 'params', path: 'hold_id' }] } });

    const badJson = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/holds/3f0e0b9e-6a43-4a54-9d51-5d4c1c9d3e10/release',
      headers: { 'content-type': 'application/json' },
      payload: '{"reason":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('does not coerce JSON bodies of the canonical API, but does coerce query strings', async () => {
    const body = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/holds/3f0e0b9e-6a43-4a54-9d51-5d4c1c9d3e10/release',
      payload: { reason: 42 },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'body.reason must be string.' } });
    const query = await ctx.app.inject({ method: 'GET', url: '/api/v1/venues?include_inactive=true' });
    expect(query.statusCode).toBe(200);
  });

  it('refuses unknown fields where a schema forbids them instead of dropping them', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/holds/3f0e0b9e-6a43-4a54-9d51-5d4c1c9d3e10/release',
      payload: { reason: 'x', surprise: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'body.surprise is not an allowed field.' } });
  });
});

/**
 * Regressions the OpenAPI fuzzer (test/fuzz) found on its first runs, each once a 500, a silent
 * coercion, or an answer in the wrong surface's shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from '../helpers/booking-fixtures.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

let ctx: TestContext;
let headers: Record<string, string>;
beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  headers = await adminHeaders(ctx);
});
afterAll(async () => ctx.close());

describe('fuzzer findings', () => {
  it('a NUL in x-request-id no longer makes the echo throw (500): a fresh id is used', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'ok-id' } });
    expect(res.headers['x-request-id']).toBe('ok-id');
    const hostile = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { ...headers, 'x-request-id': 'a\nb' } });
    expect(hostile.statusCode).toBe(400);
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('expected_version 1e309 (Infinity, which Ajv took as an integer) is refused', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings/00000000-0000-4000-8000-000000000000/cancel',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"cancelled_by":"guest","expected_version":1e309}',
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ location: 'body', path: 'expected_version' }] } });
  });

  it.each([
    ['/api/v1/bookings/guest/g1?offset=99999999999999999999', 400],
    ['/bookings/?skip=9223372036854775808', 422],
    ['/inventory/?offset=99999999999999999999', 422],
    ['/rooms/search?min_price=-9223372036854775809&max_price=1', 422],
  ])('GET %s is a %i, not a 500 from SQL', async (url, status) => {
    const res = await ctx.app.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body).toBe(status);
  });

  it('a compatibility body refuses null for a number (Ajv turned it into 0)', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/inventory',
      headers: { ...headers, 'idempotency-key': 'null-quantity' },
      payload: { product_id: 'NULL-QTY', product_name: 'Null quantity', quantity: null },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toEqual({ detail: [{ loc: ['body', 'quantity'], msg: 'must be integer', type: 'value_error' }] });
  });

  it('a path under a compatibility prefix that no route serves answers FastAPI’s 404, also for a body over the limit', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/rooms/a/b/c', headers });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: 'Not Found' });
    const big = await ctx.app.inject({
      method: 'POST',
      url: '/inventory/adjust',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: `{"pad":"${'x'.repeat(1024 * 1024 + 1)}"}`,
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toHaveProperty('detail');
  });
});

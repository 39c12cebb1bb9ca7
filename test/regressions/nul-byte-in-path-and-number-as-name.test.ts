/**
 * Regressions (issue 13): a NUL byte in a path parameter (`%00`) reached PostgreSQL, which cannot hold
 * NUL in text, and answered 500 on six routes; and POST /api/inventory took a number as
 * `product_name` (Ajv's lax coercion turned 123 into "123", which pydantic's lax mode never does).
 * NUL is now refused at the edge for every route (src/platform/http/hostile-input.ts), in the
 * surface's own shape; compatibility bodies no longer coerce numbers into strings (validation.ts).
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

describe('a NUL byte in a path parameter', () => {
  const compat: [string, string, string][] = [
    ['GET', '/rooms/a%00b', 'room_type_id'],
    ['GET', '/api/inventory/a%00b', 'product_id'],
    ['DELETE', '/api/inventory/a%00b', 'product_id'],
  ];
  it.each(compat)('%s %s is a 422 in the detail shape', async (method, url, param) => {
    const res = await ctx.app.inject({ method: method as 'GET', url, headers: { ...headers, 'idempotency-key': 'nul-1' } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toEqual({ detail: [{ loc: ['path', param], msg: 'must not contain a NUL character', type: 'value_error' }] });
  });

  const canonical: [string, string][] = [
    ['/api/v1/stock/a%00b', 'product_id'],
    ['/api/v1/bookings/reference/a%00b', 'reference'],
    ['/api/v1/bookings/venue/a%00b', 'venue_id'],
  ];
  it.each(canonical)('GET %s is a 400 VALIDATION_FAILED', async (url, param) => {
    const res = await ctx.app.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ location: 'params', path: param, message: 'must not contain a NUL character' }] },
    });
  });
});

describe('POST /api/inventory with a number as product_name', () => {
  it('is refused with 422 and creates nothing', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/inventory',
      headers: { ...headers, 'idempotency-key': 'number-name' },
      payload: { product_id: 'NUM-NAME', product_name: 123, quantity: 1 },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toEqual({ detail: [{ loc: ['body', 'product_name'], msg: 'must be string', type: 'value_error' }] });
    expect((await ctx.app.inject({ method: 'GET', url: '/api/inventory/NUM-NAME', headers })).statusCode).toBe(404);
  });

  it('still takes text for numbers there, as pydantic does: "3" is 3', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/inventory',
      headers: { ...headers, 'idempotency-key': 'text-number' },
      payload: { product_id: 'TEXT-QTY', product_name: 'Text quantity', quantity: '3' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ product_id: 'TEXT-QTY', quantity: 3 });
  });
});

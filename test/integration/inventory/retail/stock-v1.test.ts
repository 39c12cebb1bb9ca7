/** /api/v1/stock: stock administration on the canonical surface. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { jsonCall, type Json } from '../../../helpers/http.js';
import { stockSnapshot } from '../../../helpers/retail-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const [id, type] of [
    ['shop-1', 'retail'],
    ['shop-2', 'retail'],
    ['hotel-1', 'hotel'],
    ['shop-closed', 'retail'],
  ] as const) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/venues',
      payload: { id, organization_id: 'org-1', type, name: `Venue ${id}`, location: 'London', currency: 'GBP' },
    });
    expect(res.statusCode).toBe(201);
  }
  await ctx.app.inject({ method: 'POST', url: '/api/v1/venues/shop-closed/deactivate' });
});
afterAll(async () => ctx.close());

const call = jsonCall(() => ctx);
const snapshot = () => stockSnapshot(ctx.database.db);

describe('/api/v1/stock', () => {
  it('creates an item in a shop and reads it back', async () => {
    const created = await call('POST', '/api/v1/stock', { product_id: 'mug-1', product_name: 'Mug', quantity: 12, venue_id: 'shop-1' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      product_id: 'mug-1',
      product_name: 'Mug',
      venue_id: 'shop-1',
      quantity: 12,
      reserved_qty: 0,
      available_qty: 12,
      low_stock_threshold: 5,
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:00:00.000Z',
    });
    expect(await call('GET', '/api/v1/stock/mug-1')).toEqual({ status: 200, body: created.body });
    // The same item is on the compatibility surface, without venue_id.
    const compat = await call('GET', '/api/inventory/mug-1');
    expect(compat.body).toMatchObject({ id: created.body!.id, quantity: 12 });
    expect(compat.body).not.toHaveProperty('venue_id');
  });

  it('lists items, of one shop when asked', async () => {
    await call('POST', '/api/v1/stock', { product_id: 'tea-1', product_name: 'Tea', quantity: 3, venue_id: 'shop-2' });
    await call('POST', '/api/v1/stock', { product_id: 'loose-1', product_name: 'No shop', quantity: 3 });
    const all = await call('GET', '/api/v1/stock');
    expect((all.body!.items as Json[]).map((i) => i.product_id)).toEqual(expect.arrayContaining(['mug-1', 'tea-1', 'loose-1']));
    const shop2 = await call('GET', '/api/v1/stock?venue_id=shop-2');
    expect((shop2.body!.items as Json[]).map((i) => i.product_id)).toEqual(['tea-1']);
    expect(await call('GET', '/api/v1/stock?venue_id=nowhere')).toMatchObject({
      status: 404,
      body: { error: { code: 'VENUE_NOT_FOUND' } },
    });
  });

  it('refuses a venue that is not an active shop, an existing product, and bad input, changing nothing', async () => {
    const before = await snapshot();
    const cases: [unknown, number, string][] = [
      [{ product_id: 'x-1', product_name: 'X', quantity: 1, venue_id: 'hotel-1' }, 400, 'VENUE_TYPE_MISMATCH'],
      [{ product_id: 'x-1', product_name: 'X', quantity: 1, venue_id: 'nowhere' }, 404, 'VENUE_NOT_FOUND'],
      [{ product_id: 'x-1', product_name: 'X', quantity: 1, venue_id: 'shop-closed' }, 409, 'VENUE_INACTIVE'],
      [{ product_id: 'mug-1', product_name: 'Mug again', quantity: 1 }, 409, 'STOCK_ITEM_EXISTS'],
      [{ product_id: 'x-1', product_name: 'X', quantity: -1 }, 400, 'VALIDATION_FAILED'],
      [{ product_id: 'x 1', product_name: 'X', quantity: 1 }, 400, 'VALIDATION_FAILED'],
      [{ product_id: 'x-1', product_name: 'X', quantity: 1, reserved_qty: 1 }, 400, 'VALIDATION_FAILED'],
      [{ product_id: 'x-1', quantity: 1 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await call('POST', '/api/v1/stock', payload);
      expect(res, JSON.stringify(payload)).toMatchObject({ status, body: { error: { code } } });
    }
    expect((await call('POST', '/api/v1/stock', { product_id: 'mug-1', product_name: 'Mug again', quantity: 1 })).body).toEqual({
      error: { code: 'STOCK_ITEM_EXISTS', message: 'Inventory for product mug-1 already exists', details: { product_id: 'mug-1' } },
    });
    for (const [method, url, payload] of [
      ['PATCH', '/api/v1/stock/mug-1/reduce', { quantity: 0 }],
      ['PATCH', '/api/v1/stock/mug-1/reduce', { quantity: 1, note: 'x' }],
      ['PATCH', '/api/v1/stock/mug-1/restock', { quantity: 0 }],
      ['PATCH', '/api/v1/stock/mug-1/restock', { quantity: 1_000_000_001 }],
      ['PUT', '/api/v1/stock/mug-1', {}],
      ['PUT', '/api/v1/stock/mug-1', { quantity: -1 }],
      ['PUT', '/api/v1/stock/mug-1', { product_name: null }],
    ] as const) {
      const res = await call(method, url, payload);
      expect(res, `${method} ${url} ${JSON.stringify(payload)}`).toMatchObject({
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED' } },
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('reduces, restocks, sets and refuses with stable codes', async () => {
    await call('POST', '/api/v1/stock', { product_id: 'pen-1', product_name: 'Pen', quantity: 10, venue_id: 'shop-1' });
    ctx.clock.advance(1000);
    const reduced = await call('PATCH', '/api/v1/stock/pen-1/reduce', { quantity: 4 });
    expect(reduced.body).toMatchObject({ quantity: 6, available_qty: 6, updated_at: '2026-01-15T12:00:01.000Z' });
    expect(await call('PATCH', '/api/v1/stock/pen-1/reduce', { quantity: 7 })).toEqual({
      status: 409,
      body: {
        error: {
          code: 'INSUFFICIENT_STOCK',
          message: 'Insufficient stock. Available: 6, Requested: 7',
          details: { product_id: 'pen-1', available: 6, requested: 7 },
        },
      },
    });
    expect((await call('PATCH', '/api/v1/stock/pen-1/restock', { quantity: 4 })).body).toMatchObject({ quantity: 10 });
    expect((await call('PUT', '/api/v1/stock/pen-1', { quantity: 25, product_name: 'Fountain pen' })).body).toMatchObject({
      quantity: 25,
      product_name: 'Fountain pen',
      low_stock_threshold: 5,
    });
    expect((await call('PUT', '/api/v1/stock/pen-1', { low_stock_threshold: 2 })).body).toMatchObject({
      quantity: 25,
      low_stock_threshold: 2,
    });
    expect(await call('PUT', '/api/v1/stock/pen-1', { low_stock_threshold: -1 })).toMatchObject({ status: 400 });
    expect(await call('PATCH', '/api/v1/stock/none/reduce', { quantity: 1 })).toMatchObject({
      status: 404,
      body: { error: { code: 'STOCK_ITEM_NOT_FOUND', details: { product_id: 'none' } } },
    });

    const hold = await call('POST', '/api/v1/holds/retail', { product_id: 'pen-1', quantity: 20 });
    expect(hold.status).toBe(201);
    expect(await call('PUT', '/api/v1/stock/pen-1', { quantity: 19 })).toMatchObject({
      status: 409,
      body: { error: { code: 'QUANTITY_BELOW_RESERVED', details: { product_id: 'pen-1', requested: 19, reserved_qty: 20 } } },
    });
    expect(await call('DELETE', '/api/v1/stock/pen-1')).toMatchObject({
      status: 409,
      body: { error: { code: 'STOCK_ITEM_RESERVED', details: { product_id: 'pen-1', reserved_qty: 20 } } },
    });
    await call('POST', `/api/v1/holds/${hold.body!.id as string}/release`, {});
    expect(await call('DELETE', '/api/v1/stock/pen-1')).toEqual({ status: 204, body: undefined });
    expect(await call('GET', '/api/v1/stock/pen-1')).toMatchObject({ status: 404, body: { error: { code: 'STOCK_ITEM_NOT_FOUND' } } });

    // Every change of quantity is in the movement log, and the log adds up to the quantity.
    const { rows } = await sql<{ kind: string; quantity_delta: number; quantity_after: number }>`
      select m.kind, m.quantity_delta, m.quantity_after from inventory.stock_movement m
      join inventory.stock_item i on i.id = m.item_id where i.product_id = 'pen-1' order by m.id`.execute(ctx.database.db);
    expect(rows).toEqual([
      { kind: 'create', quantity_delta: 10, quantity_after: 10 },
      { kind: 'reduce', quantity_delta: -4, quantity_after: 6 },
      { kind: 'restock', quantity_delta: 4, quantity_after: 10 },
      { kind: 'set', quantity_delta: 15, quantity_after: 25 },
    ]);
  });

  it('makes every mutation take effect once per Idempotency-Key', async () => {
    const key = (k: string) => ({ 'idempotency-key': k });
    const body = { product_id: 'cup-1', product_name: 'Cup', quantity: 5, venue_id: 'shop-1' };
    const created = await call('POST', '/api/v1/stock', body, key('c-1'));
    expect(created.status).toBe(201);
    ctx.clock.advance(1000);
    expect(await call('POST', '/api/v1/stock', body, key('c-1'))).toEqual(created);
    expect(await call('POST', '/api/v1/stock', { ...body, quantity: 6 }, key('c-1'))).toMatchObject({
      status: 422,
      body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } },
    });

    const restocked = await call('PATCH', '/api/v1/stock/cup-1/restock', { quantity: 5 }, key('r-1'));
    expect(await call('PATCH', '/api/v1/stock/cup-1/restock', { quantity: 5 }, key('r-1'))).toEqual(restocked);
    const reduced = await call('PATCH', '/api/v1/stock/cup-1/reduce', { quantity: 2 }, key('d-1'));
    expect(await call('PATCH', '/api/v1/stock/cup-1/reduce', { quantity: 2 }, key('d-1'))).toEqual(reduced);
    const set = await call('PUT', '/api/v1/stock/cup-1', { quantity: 3 }, key('s-1'));
    await call('PATCH', '/api/v1/stock/cup-1/restock', { quantity: 1 });
    expect(await call('PUT', '/api/v1/stock/cup-1', { quantity: 3 }, key('s-1'))).toEqual(set);
    expect((await call('GET', '/api/v1/stock/cup-1')).body).toMatchObject({ quantity: 4 });
    expect(await call('DELETE', '/api/v1/stock/cup-1', undefined, key('x-1'))).toEqual({ status: 204, body: undefined });
    expect(await call('DELETE', '/api/v1/stock/cup-1', undefined, key('x-1'))).toEqual({ status: 204, body: undefined });
    expect(await call('DELETE', '/api/v1/stock/cup-1', undefined, key('x-2'))).toMatchObject({ status: 404 });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await call('GET', '/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/stock']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/stock/{product_id}']!).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/v1/holds/retail']).toHaveProperty('post');
    expect(Object.keys(doc.paths['/api/inventory/{product_id}']!).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/inventory/{product_id}/check']).toHaveProperty('get');
  });
});

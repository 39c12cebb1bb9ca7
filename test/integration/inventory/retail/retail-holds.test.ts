/** Retail holds on /api/v1: reserve units for an order, confirm (commit), release, expire. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredHolds } from '../../../../src/services/inventory/holds/hold.service.js';
import type { InventoryDb } from '../../../../src/services/inventory/inventory.tables.js';
import { inventoryHoldKinds } from '../../../../src/services/inventory/inventory.service-module.js';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { jsonCall, type Json } from '../../../helpers/http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    payload: { id: 'deli', organization_id: 'org-1', type: 'retail', name: 'Deli', location: 'London' },
  });
});
afterAll(async () => ctx.close());

const call = jsonCall(() => ctx);
const item = async (productId: string) => (await call('GET', `/api/v1/stock/${productId}`)).body!;
const newItem = async (productId: string, quantity: number, venueId?: string) => {
  const res = await call('POST', '/api/v1/stock', {
    product_id: productId,
    product_name: `Product ${productId}`,
    quantity,
    venue_id: venueId,
  });
  expect(res.status).toBe(201);
};
const hold = (productId: string, quantity: number, extra: Json = {}, headers?: Record<string, string>) =>
  call('POST', '/api/v1/holds/retail', { product_id: productId, quantity, ...extra }, headers);

async function snapshot(): Promise<unknown> {
  const { rows } = await sql`
    select (select coalesce(json_agg(i order by i.id), '[]') from inventory.stock_item i) as items,
           (select coalesce(json_agg(h order by h.id), '[]') from inventory.hold h) as holds,
           (select count(*) from inventory.stock_hold) as stock_holds,
           (select count(*) from inventory.stock_movement) as movements`.execute(ctx.database.db);
  return rows[0];
}

describe('POST /api/v1/holds/retail', () => {
  it('reserves units and answers the hold with what it took', async () => {
    await newItem('cheese', 10, 'deli');
    const res = await hold('cheese', 3);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'retail',
      venue_id: 'deli',
      status: 'HELD',
      expires_at: new Date(ctx.clock.now().getTime() + 15 * 60_000).toISOString(),
      created_at: ctx.clock.now().toISOString(),
      updated_at: ctx.clock.now().toISOString(),
      confirmed_at: null,
      ended_at: null,
      end_reason: null,
      details: { product_id: 'cheese', product_name: 'Product cheese', quantity: 3 },
    });
    expect(await item('cheese')).toMatchObject({ quantity: 10, reserved_qty: 3, available_qty: 7 });
    expect((await call('GET', `/api/v1/holds/${res.body!.id as string}`)).body).toEqual(res.body);
    // The compatibility surface sees the reservation too.
    expect((await call('GET', '/api/inventory/cheese/check?quantity=8')).body).toMatchObject({ in_stock: false });
  });

  it('commits the units on confirm: quantity and reserved both fall; a confirmed hold cannot be released', async () => {
    await newItem('ham', 10, 'deli');
    const h = (await hold('ham', 4)).body!;
    ctx.clock.advance(1000);
    const confirmed = await call('POST', `/api/v1/holds/${h.id as string}/confirm`);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', details: { product_id: 'ham', quantity: 4 } });
    expect(await item('ham')).toMatchObject({ quantity: 6, reserved_qty: 0, available_qty: 6, updated_at: ctx.clock.now().toISOString() });
    expect((await call('POST', `/api/v1/holds/${h.id as string}/confirm`)).status).toBe(200);
    expect(await item('ham')).toMatchObject({ quantity: 6, reserved_qty: 0 });
    expect(await call('POST', `/api/v1/holds/${h.id as string}/release`, {})).toMatchObject({
      status: 409,
      body: { error: { code: 'HOLD_NOT_RELEASABLE' } },
    });
    expect(await item('ham')).toMatchObject({ quantity: 6, reserved_qty: 0 });
    const { rows } = await sql<{ kind: string; quantity_delta: number; hold_id: string | null }>`
      select m.kind, m.quantity_delta, m.hold_id from inventory.stock_movement m
      join inventory.stock_item i on i.id = m.item_id where i.product_id = 'ham' order by m.id`.execute(ctx.database.db);
    expect(rows).toEqual([
      { kind: 'create', quantity_delta: 10, hold_id: null },
      { kind: 'commit', quantity_delta: -4, hold_id: h.id },
    ]);
  });

  it('gives the units back on release, exactly once', async () => {
    await newItem('olives', 5);
    const h = (await hold('olives', 5)).body!;
    expect(h.venue_id).toBeNull();
    expect((await call('POST', `/api/v1/holds/${h.id as string}/release`, { reason: 'basket emptied' })).body).toMatchObject({
      status: 'RELEASED',
      end_reason: 'basket emptied',
    });
    expect(await item('olives')).toMatchObject({ quantity: 5, reserved_qty: 0 });
    await call('POST', `/api/v1/holds/${h.id as string}/release`, {});
    expect(await item('olives')).toMatchObject({ quantity: 5, reserved_qty: 0 });
    expect(await call('POST', `/api/v1/holds/${h.id as string}/confirm`)).toMatchObject({
      status: 409,
      body: { error: { code: 'HOLD_NOT_ACTIVE' } },
    });
  });

  it('refuses more than is available with INSUFFICIENT_STOCK, changing nothing', async () => {
    await newItem('bread', 4, 'deli');
    await hold('bread', 3);
    const before = await snapshot();
    expect(await hold('bread', 2)).toEqual({
      status: 409,
      body: {
        error: {
          code: 'INSUFFICIENT_STOCK',
          message: 'Insufficient stock. Available: 1, Requested: 2',
          details: { product_id: 'bread', available: 1, requested: 2 },
        },
      },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('reclaims expired holds on the item before refusing', async () => {
    await newItem('wine', 2, 'deli');
    const old = (await hold('wine', 2, { ttl_seconds: 60 })).body!;
    expect((await hold('wine', 1)).status).toBe(409);
    ctx.clock.advance(60_000);
    const fresh = await hold('wine', 2);
    expect(fresh.status).toBe(201);
    expect((await call('GET', `/api/v1/holds/${old.id as string}`)).body).toMatchObject({ status: 'EXPIRED', end_reason: 'expired' });
    expect(await item('wine')).toMatchObject({ quantity: 2, reserved_qty: 2 });
    // A reduce reclaims too, and the compatibility check does not say no while an expired hold could be reclaimed.
    ctx.clock.advance(15 * 60_000);
    expect((await call('GET', '/api/inventory/wine/check?quantity=2')).body).toMatchObject({ in_stock: true });
    expect((await call('GET', `/api/v1/holds/${fresh.body!.id as string}`)).body).toMatchObject({ status: 'EXPIRED' });
  });

  it('expires with the sweep and refuses to confirm an expired hold', async () => {
    await newItem('jam', 6, 'deli');
    const a = (await hold('jam', 2, { ttl_seconds: 30 })).body!;
    const b = (await hold('jam', 3, { ttl_seconds: 30 })).body!;
    ctx.clock.advance(30_000);
    expect(await call('POST', `/api/v1/holds/${a.id as string}/confirm`)).toMatchObject({
      status: 409,
      body: { error: { code: 'HOLD_EXPIRED' } },
    });
    expect(await item('jam')).toMatchObject({ quantity: 6, reserved_qty: 3 });
    await sweepExpiredHolds(ctx.database.db as InventoryDb, inventoryHoldKinds, ctx.clock.now());
    expect(await item('jam')).toMatchObject({ quantity: 6, reserved_qty: 0 });
    expect((await call('GET', `/api/v1/holds/${b.id as string}`)).body).toMatchObject({ status: 'EXPIRED' });
  });

  it('takes effect once per idempotency key, from the header or the body (the header wins)', async () => {
    await newItem('honey', 10, 'deli');
    const first = await hold('honey', 2, {}, { 'idempotency-key': 'cart-1' });
    ctx.clock.advance(1000);
    expect(await hold('honey', 2, {}, { 'idempotency-key': 'cart-1' })).toEqual(first);
    expect(await hold('honey', 2, { idempotency_key: 'cart-1' })).toEqual(first);
    expect(await hold('honey', 2, { idempotency_key: 'other' }, { 'idempotency-key': 'cart-1' })).toEqual(first);
    expect(await hold('honey', 3, {}, { 'idempotency-key': 'cart-1' })).toMatchObject({
      status: 422,
      body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } },
    });
    expect(await item('honey')).toMatchObject({ reserved_qty: 2 });

    const refusal = await hold('honey', 50, { idempotency_key: 'cart-2' });
    expect(refusal.status).toBe(409);
    await call('PATCH', '/api/v1/stock/honey/restock', { quantity: 100 });
    expect(await hold('honey', 50, { idempotency_key: 'cart-2' })).toEqual(refusal);
    expect(await item('honey')).toMatchObject({ quantity: 110, reserved_qty: 2 });
  });

  it('refuses bad input, unknown products and closed shops, changing nothing', async () => {
    await newItem('salt', 10, 'deli');
    const before = await snapshot();
    for (const payload of [
      { product_id: 'salt', quantity: 0 },
      { product_id: 'salt', quantity: 1.5 },
      { product_id: 'salt' },
      { product_id: 'salt', quantity: 1, ttl_seconds: 0 },
      { product_id: 'salt', quantity: 1, colour: 'blue' },
      { product_id: 'salt', quantity: 1, idempotency_key: '' },
    ]) {
      expect(await call('POST', '/api/v1/holds/retail', payload), JSON.stringify(payload)).toMatchObject({
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED' } },
      });
    }
    expect(await hold('pepper', 1)).toMatchObject({ status: 404, body: { error: { code: 'STOCK_ITEM_NOT_FOUND' } } });
    expect(await snapshot()).toEqual(before);

    await call('POST', '/api/v1/venues/deli/deactivate');
    expect(await hold('salt', 1)).toMatchObject({ status: 409, body: { error: { code: 'VENUE_INACTIVE' } } });
    expect(await snapshot()).toEqual(before);
  });
});

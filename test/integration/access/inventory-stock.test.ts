/**
 * Stock items and retail holds through HTTP with access control on: the owner business reads and
 * changes the stock of its shops, another organization's business (or one narrowed to another shop
 * of its own) gets 404 and the item is unchanged, lists show only one's own, stock without a shop is
 * admin/service only, guest 403, anonymous 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { call, expectStatus, venuesOf, world, type Caller, type World } from './inventory-access.fixtures.js';

let ctx: TestContext;
let w: World;
let ids: { a: string; a2: string; b: string };

const item = (productId: string, venue?: string) => ({
  product_id: productId,
  product_name: productId,
  quantity: 10,
  ...(venue !== undefined ? { venue_id: venue } : {}),
});

async function itemRow(productId: string) {
  return ctx.database.db
    .selectFrom('inventory.stock_item')
    .select(['product_name', 'quantity', 'reserved_qty', 'deleted_at'])
    .where('product_id', '=', productId)
    .executeTakeFirst();
}

async function listed(caller: Caller, query = ''): Promise<string[]> {
  const res = await call(w, caller, 'GET', `/api/v1/stock${query}`);
  expectStatus(res, 200);
  return (res.body.items as { product_id: string }[]).map((i) => i.product_id).sort();
}

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  w = await world(ctx);
  ids = await venuesOf(w, 'retail');
  expectStatus(await call(w, 'admin', 'POST', '/api/v1/stock', item('p-a', ids.a)), 201);
  expectStatus(await call(w, 'admin', 'POST', '/api/v1/stock', item('p-a2', ids.a2)), 201);
  expectStatus(await call(w, 'admin', 'POST', '/api/v1/stock', item('p-b', ids.b)), 201);
  expectStatus(await call(w, 'admin', 'POST', '/api/v1/stock', item('p-none')), 201);
});
afterAll(async () => ctx.close());

describe('creating stock', () => {
  it('the owner creates stock in its shop; another organization gets 404 and nothing is created', async () => {
    expectStatus(await call(w, 'ownerA', 'POST', '/api/v1/stock', item('p-a-new', ids.a)), 201);
    expect(await itemRow('p-a-new')).toMatchObject({ quantity: 10 });
    expectStatus(await call(w, 'ownerB', 'POST', '/api/v1/stock', item('p-b-in-a', ids.a)), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'POST', '/api/v1/stock', item('p-n-in-a', ids.a)), 404, 'VENUE_NOT_FOUND');
    expect(await itemRow('p-b-in-a')).toBeUndefined();
    expect(await itemRow('p-n-in-a')).toBeUndefined();
  });

  it('stock without a shop: 403 for a business, 201 for admin; guest 403, anonymous 401', async () => {
    expectStatus(await call(w, 'ownerA', 'POST', '/api/v1/stock', item('p-a-loose')), 403, 'FORBIDDEN');
    expect(await itemRow('p-a-loose')).toBeUndefined();
    expectStatus(await call(w, 'admin', 'POST', '/api/v1/stock', item('p-admin-loose')), 201);
    expectStatus(await call(w, 'guest', 'POST', '/api/v1/stock', item('p-g', ids.a)), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'POST', '/api/v1/stock', item('p-x', ids.a)), 401, 'UNAUTHENTICATED');
    expect(await itemRow('p-g')).toBeUndefined();
    expect(await itemRow('p-x')).toBeUndefined();
  });
});

describe('reading stock', () => {
  it('lists show only one’s own; admin and service see everything, shop-less items included', async () => {
    const ownerA = await listed('ownerA');
    expect(ownerA).toEqual(expect.arrayContaining(['p-a', 'p-a2']));
    expect(ownerA).not.toContain('p-b');
    expect(ownerA).not.toContain('p-none');
    const ownerB = await listed('ownerB');
    expect(ownerB).toContain('p-b');
    expect(ownerB).not.toContain('p-a');
    expect(ownerB).not.toContain('p-none');
    const narrowed = await listed('narrowedA2');
    expect(narrowed).toContain('p-a2');
    expect(narrowed).not.toContain('p-a');
    expect(await listed('admin')).toEqual(expect.arrayContaining(['p-a', 'p-a2', 'p-b', 'p-none']));
    expect(await listed('service')).toEqual(expect.arrayContaining(['p-a', 'p-b', 'p-none']));
    expectStatus(await call(w, 'ownerB', 'GET', `/api/v1/stock?venue_id=${ids.a}`), 404, 'VENUE_NOT_FOUND');
    expect(await listed('ownerA', `?venue_id=${ids.a}`)).not.toContain('p-a2');
  });

  it('an item by id: the owner 200, another organization / narrowed / shop-less 404; guest 403; anonymous 401', async () => {
    expectStatus(await call(w, 'ownerA', 'GET', '/api/v1/stock/p-a'), 200);
    expectStatus(await call(w, 'ownerB', 'GET', '/api/v1/stock/p-a'), 404, 'STOCK_ITEM_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'GET', '/api/v1/stock/p-a'), 404, 'STOCK_ITEM_NOT_FOUND');
    expectStatus(await call(w, 'ownerA', 'GET', '/api/v1/stock/p-none'), 404, 'STOCK_ITEM_NOT_FOUND');
    expectStatus(await call(w, 'admin', 'GET', '/api/v1/stock/p-none'), 200);
    expectStatus(await call(w, 'guest', 'GET', '/api/v1/stock/p-a'), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'GET', '/api/v1/stock/p-a'), 401, 'UNAUTHENTICATED');
  });
});

describe('changing stock', () => {
  it("another organization's business, or one narrowed to A2, gets 404 on every change and the item is unchanged", async () => {
    const before = await itemRow('p-a');
    for (const caller of ['ownerB', 'narrowedA2'] as const) {
      expectStatus(await call(w, caller, 'PATCH', '/api/v1/stock/p-a/reduce', { quantity: 1 }), 404, 'STOCK_ITEM_NOT_FOUND');
      expectStatus(await call(w, caller, 'PATCH', '/api/v1/stock/p-a/restock', { quantity: 1 }), 404, 'STOCK_ITEM_NOT_FOUND');
      expectStatus(await call(w, caller, 'PUT', '/api/v1/stock/p-a', { product_name: 'Hijacked' }), 404, 'STOCK_ITEM_NOT_FOUND');
      expectStatus(await call(w, caller, 'DELETE', '/api/v1/stock/p-a'), 404, 'STOCK_ITEM_NOT_FOUND');
      expectStatus(await call(w, caller, 'POST', '/api/v1/holds/retail', { product_id: 'p-a', quantity: 1 }), 404, 'STOCK_ITEM_NOT_FOUND');
    }
    expect(await itemRow('p-a')).toEqual(before);
    expect(before).toMatchObject({ quantity: 10, reserved_qty: 0, deleted_at: null });
  });

  it('shop-less stock cannot be changed by a business', async () => {
    expectStatus(await call(w, 'ownerA', 'PATCH', '/api/v1/stock/p-none/restock', { quantity: 1 }), 404, 'STOCK_ITEM_NOT_FOUND');
    expect(await itemRow('p-none')).toMatchObject({ quantity: 10 });
  });

  it('the owner reduces, restocks, renames, holds and deletes its own', async () => {
    expectStatus(await call(w, 'ownerA', 'PATCH', '/api/v1/stock/p-a/reduce', { quantity: 2 }), 200);
    expectStatus(await call(w, 'ownerA', 'PATCH', '/api/v1/stock/p-a/restock', { quantity: 5 }), 200);
    expectStatus(await call(w, 'ownerA', 'PUT', '/api/v1/stock/p-a', { product_name: 'Renamed' }), 200);
    expect(await itemRow('p-a')).toMatchObject({ quantity: 13, product_name: 'Renamed' });
    const hold = await call(w, 'ownerA', 'POST', '/api/v1/holds/retail', { product_id: 'p-a', quantity: 3 });
    expectStatus(hold, 201);
    expect(await itemRow('p-a')).toMatchObject({ reserved_qty: 3 });
    expectStatus(await call(w, 'ownerB', 'POST', `/api/v1/holds/${hold.body.id as string}/release`, {}), 404, 'HOLD_NOT_FOUND');
    expect(await itemRow('p-a')).toMatchObject({ reserved_qty: 3 });
    expectStatus(await call(w, 'ownerA', 'POST', `/api/v1/holds/${hold.body.id as string}/confirm`), 200);
    expect(await itemRow('p-a')).toMatchObject({ quantity: 10, reserved_qty: 0 });
    expectStatus(await call(w, 'ownerA', 'DELETE', '/api/v1/stock/p-a'), 204);
    expect((await itemRow('p-a'))?.deleted_at).not.toBeNull();
  });

  it('admin changes anything; guest 403; anonymous 401', async () => {
    expectStatus(await call(w, 'admin', 'PATCH', '/api/v1/stock/p-b/restock', { quantity: 1 }), 200);
    expect(await itemRow('p-b')).toMatchObject({ quantity: 11 });
    expectStatus(await call(w, 'guest', 'PATCH', '/api/v1/stock/p-b/restock', { quantity: 1 }), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'DELETE', '/api/v1/stock/p-b'), 401, 'UNAUTHENTICATED');
    expect(await itemRow('p-b')).toMatchObject({ quantity: 11, deleted_at: null });
  });
});

/** /api/inventory (seed 003) over HTTP, exactly as CONTRACTS.md "Retail stock" says. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { jsonCall, type Json } from '../../../helpers/http.js';
import { stockSnapshot } from '../../../helpers/retail-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const call = jsonCall<unknown>(() => ctx);
const snapshot = () => stockSnapshot(ctx.database.db);

const ITEM_KEYS = ['available_qty', 'created_at', 'id', 'product_id', 'product_name', 'quantity', 'reserved_qty', 'updated_at'];

describe('the seed-003 sequence', () => {
  it('runs from create to delete exactly as the contract says', async () => {
    const created = await call('POST', '/api/inventory', { product_id: 'prod-001', product_name: 'Wireless Mouse', quantity: 100 });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body as Json).sort()).toEqual(ITEM_KEYS);
    expect(created.body).toMatchObject({
      product_id: 'prod-001',
      product_name: 'Wireless Mouse',
      quantity: 100,
      reserved_qty: 0,
      available_qty: 100,
    });
    expect((created.body as Json).id).toMatch(/^[0-9a-f-]{36}$/);

    const second = await call('POST', '/api/inventory', { product_id: 'prod-002', product_name: 'Mechanical Keyboard', quantity: 50 });
    expect(second.status).toBe(201);

    const duplicate = await call('POST', '/api/inventory', { product_id: 'prod-001', product_name: 'Another Mouse', quantity: 5 });
    expect(duplicate).toEqual({ status: 409, body: { detail: 'Inventory for product prod-001 already exists' } });

    const list = await call('GET', '/api/inventory');
    expect(list.status).toBe(200);
    expect((list.body as Json[]).map((i) => i.product_id)).toEqual(['prod-001', 'prod-002']);
    expect(await call('GET', '/api/inventory/')).toEqual(list);

    const one = await call('GET', '/api/inventory/prod-001');
    expect(one).toEqual({ status: 200, body: created.body });

    expect(await call('GET', '/api/inventory/prod-999')).toEqual({
      status: 404,
      body: { detail: 'Inventory for product prod-999 not found' },
    });

    expect(await call('GET', '/api/inventory/prod-001/check?quantity=10')).toEqual({
      status: 200,
      body: { product_id: 'prod-001', requested: 10, in_stock: true },
    });
    expect(await call('GET', '/api/inventory/prod-001/check?quantity=99999')).toEqual({
      status: 200,
      body: { product_id: 'prod-001', requested: 99999, in_stock: false },
    });

    const reduced = await call('PATCH', '/api/inventory/prod-001/reduce', { quantity: 5 });
    expect(reduced.status).toBe(200);
    expect(reduced.body).toMatchObject({ product_id: 'prod-001', quantity: 95, reserved_qty: 0, available_qty: 95 });

    expect(await call('PATCH', '/api/inventory/prod-001/reduce', { quantity: 99999 })).toEqual({
      status: 400,
      body: { detail: 'Insufficient stock. Available: 95, Requested: 99999' },
    });

    const restocked = await call('PATCH', '/api/inventory/prod-001/restock', { quantity: 20 });
    expect(restocked.status).toBe(200);
    expect(restocked.body).toMatchObject({ quantity: 115, available_qty: 115 });

    const renamed = await call('PUT', '/api/inventory/prod-001', { product_name: 'Wireless Mouse Pro' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ product_id: 'prod-001', product_name: 'Wireless Mouse Pro', quantity: 115 });

    expect(await call('DELETE', '/api/inventory/prod-001')).toEqual({
      status: 200,
      body: { message: 'Inventory for product prod-001 deleted successfully' },
    });
    expect(await call('GET', '/api/inventory/prod-001')).toEqual({
      status: 404,
      body: { detail: 'Inventory for product prod-001 not found' },
    });
    expect((await call('GET', '/api/inventory')).body).toHaveLength(1);
  });

  it('answers 422 in FastAPI style for check?quantity=0, a negative quantity on create and a reduce of 0, and changes nothing', async () => {
    await call('POST', '/api/inventory', { product_id: 'v-1', product_name: 'Valid', quantity: 3 });
    const before = await snapshot();

    const check0 = await call('GET', '/api/inventory/v-1/check?quantity=0');
    expect(check0.status).toBe(422);
    expect(check0.body).toEqual({ detail: [{ loc: ['query', 'quantity'], msg: expect.any(String), type: 'value_error' }] });

    const negative = await call('POST', '/api/inventory', { product_id: 'v-2', product_name: 'Negative', quantity: -1 });
    expect(negative.status).toBe(422);
    expect(negative.body).toEqual({ detail: [{ loc: ['body', 'quantity'], msg: expect.any(String), type: 'value_error' }] });

    const reduce0 = await call('PATCH', '/api/inventory/v-1/reduce', { quantity: 0 });
    expect(reduce0.status).toBe(422);
    expect(reduce0.body).toEqual({ detail: [{ loc: ['body', 'quantity'], msg: expect.any(String), type: 'value_error' }] });

    for (const [method, url, payload] of [
      ['GET', '/api/inventory/v-1/check', undefined],
      ['GET', '/api/inventory/v-1/check?quantity=abc', undefined],
      ['POST', '/api/inventory', { product_id: 'v-3', product_name: 'No quantity' }],
      ['POST', '/api/inventory', { product_id: 'v-3', product_name: 'Fraction', quantity: 1.5 }],
      ['POST', '/api/inventory', { product_id: '', product_name: 'Empty id', quantity: 1 }],
      ['PATCH', '/api/inventory/v-1/reduce', { quantity: -3 }],
      ['PATCH', '/api/inventory/v-1/reduce', {}],
      ['PATCH', '/api/inventory/v-1/restock', { quantity: 0 }],
      ['PUT', '/api/inventory/v-1', { quantity: -1 }],
      ['PUT', '/api/inventory/v-1', { product_name: '' }],
    ] as const) {
      const res = await call(method, url, payload);
      expect(res.status, `${method} ${url} ${JSON.stringify(payload)}`).toBe(422);
      expect(Array.isArray((res.body as Json).detail)).toBe(true);
    }
    const badJson = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/inventory/v-1/reduce',
      headers: { 'content-type': 'application/json' },
      payload: '{"quantity":',
    });
    expect(badJson.statusCode).toBe(422);

    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 on every call about an unknown product', async () => {
    const detail = { detail: 'Inventory for product nope not found' };
    expect(await call('GET', '/api/inventory/nope/check?quantity=1')).toEqual({ status: 404, body: detail });
    expect(await call('PATCH', '/api/inventory/nope/reduce', { quantity: 1 })).toEqual({ status: 404, body: detail });
    expect(await call('PATCH', '/api/inventory/nope/restock', { quantity: 1 })).toEqual({ status: 404, body: detail });
    expect(await call('PUT', '/api/inventory/nope', { quantity: 1 })).toEqual({ status: 404, body: detail });
    expect(await call('DELETE', '/api/inventory/nope')).toEqual({ status: 404, body: detail });
  });
});

describe('the rest of the contract', () => {
  it('reduces to exactly zero, and then refuses one more', async () => {
    await call('POST', '/api/inventory', { product_id: 'last-units', product_name: 'Last units', quantity: 2 });
    expect((await call('PATCH', '/api/inventory/last-units/reduce', { quantity: 2 })).body).toMatchObject({
      quantity: 0,
      available_qty: 0,
    });
    expect(await call('PATCH', '/api/inventory/last-units/reduce', { quantity: 1 })).toEqual({
      status: 400,
      body: { detail: 'Insufficient stock. Available: 0, Requested: 1' },
    });
    expect(await call('GET', '/api/inventory/last-units/check?quantity=1')).toMatchObject({ body: { in_stock: false } });
  });

  it('PUT changes only the fields given, takes a quantity, and treats null as absent', async () => {
    await call('POST', '/api/inventory', { product_id: 'put-1', product_name: 'Lamp', quantity: 7 });
    expect((await call('PUT', '/api/inventory/put-1', { quantity: 30 })).body).toMatchObject({
      product_name: 'Lamp',
      quantity: 30,
      available_qty: 30,
    });
    expect((await call('PUT', '/api/inventory/put-1', { product_name: 'Desk lamp', quantity: null })).body).toMatchObject({
      product_name: 'Desk lamp',
      quantity: 30,
    });
    expect((await call('PUT', '/api/inventory/put-1', {})).body).toMatchObject({ product_name: 'Desk lamp', quantity: 30 });
    expect((await call('PUT', '/api/inventory/put-1', { quantity: 0 })).body).toMatchObject({ quantity: 0 });
  });

  it('refuses a PUT below the reserved units with 400, and changes nothing', async () => {
    await call('POST', '/api/inventory', { product_id: 'reserved-1', product_name: 'Teapot', quantity: 10 });
    const hold = await call('POST', '/api/v1/holds/retail', { product_id: 'reserved-1', quantity: 6 });
    expect(hold.status).toBe(201);
    const before = await snapshot();
    expect(await call('PUT', '/api/inventory/reserved-1', { quantity: 5, product_name: 'Renamed' })).toEqual({
      status: 400,
      body: { detail: 'Quantity cannot be below reserved quantity. Reserved: 6, Requested: 5' },
    });
    expect(await snapshot()).toEqual(before);
    expect((await call('PUT', '/api/inventory/reserved-1', { quantity: 6 })).body).toMatchObject({
      quantity: 6,
      reserved_qty: 6,
      available_qty: 0,
    });
    // A reduce cannot take reserved units either.
    expect(await call('PATCH', '/api/inventory/reserved-1/reduce', { quantity: 1 })).toEqual({
      status: 400,
      body: { detail: 'Insufficient stock. Available: 0, Requested: 1' },
    });
    // Nor can the item be deleted while a hold reserves units of it.
    expect(await call('DELETE', '/api/inventory/reserved-1')).toEqual({
      status: 409,
      body: { detail: 'Inventory for product reserved-1 has 6 reserved units and cannot be deleted' },
    });
  });

  it('lets a deleted product id be created again, as a new item', async () => {
    const first = await call('POST', '/api/inventory', { product_id: 'again', product_name: 'First', quantity: 1 });
    await call('DELETE', '/api/inventory/again');
    expect(await call('DELETE', '/api/inventory/again')).toEqual({
      status: 404,
      body: { detail: 'Inventory for product again not found' },
    });
    const second = await call('POST', '/api/inventory', { product_id: 'again', product_name: 'Second', quantity: 2 });
    expect(second.status).toBe(201);
    expect((second.body as Json).id).not.toBe((first.body as Json).id);
    expect((await call('GET', '/api/inventory/again')).body).toMatchObject({ product_name: 'Second', quantity: 2 });
  });

  it('ignores unknown body fields, as the original did', async () => {
    const res = await call('POST', '/api/inventory', {
      product_id: 'extra',
      product_name: 'Extra',
      quantity: 4,
      reserved_qty: 3,
      colour: 'red',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ quantity: 4, reserved_qty: 0 });
    expect((await call('PATCH', '/api/inventory/extra/reduce', { quantity: 1, order_id: 'o-1' })).body).toMatchObject({ quantity: 3 });
  });

  it('refuses a restock above the item limit with 400', async () => {
    await call('POST', '/api/inventory', { product_id: 'huge', product_name: 'Huge', quantity: 1_000_000_000 });
    expect(await call('PATCH', '/api/inventory/huge/restock', { quantity: 1 })).toEqual({
      status: 400,
      body: { detail: 'Quantity cannot exceed 1000000000. Current: 1000000000, Requested: 1' },
    });
    expect((await call('POST', '/api/inventory', { product_id: 'huger', product_name: 'Huger', quantity: 1_000_000_001 })).status).toBe(
      422,
    );
  });

  it('answers a reduce or check of more units than an int holds as insufficient, not as an error', async () => {
    await call('POST', '/api/inventory', { product_id: 'big-ask', product_name: 'Big ask', quantity: 3 });
    expect(await call('PATCH', '/api/inventory/big-ask/reduce', { quantity: 5_000_000_000 })).toEqual({
      status: 400,
      body: { detail: 'Insufficient stock. Available: 3, Requested: 5000000000' },
    });
    expect((await call('GET', '/api/inventory/big-ask/check?quantity=5000000000')).body).toMatchObject({ in_stock: false });
  });
});

describe('Idempotency-Key on reduce', () => {
  it('replays the stored answer and takes no more stock', async () => {
    await call('POST', '/api/inventory', { product_id: 'idem-1', product_name: 'Idem', quantity: 10 });
    const headers = { 'idempotency-key': 'order-42' };
    const first = await call('PATCH', '/api/inventory/idem-1/reduce', { quantity: 3 }, headers);
    expect(first.status).toBe(200);
    ctx.clock.advance(60_000);
    const retry = await call('PATCH', '/api/inventory/idem-1/reduce', { quantity: 3 }, headers);
    expect(retry).toEqual(first);
    expect((await call('GET', '/api/inventory/idem-1')).body).toMatchObject({ quantity: 7 });

    const other = await call('PATCH', '/api/inventory/idem-1/reduce', { quantity: 4 }, headers);
    expect(other.status).toBe(422);
    expect((await call('GET', '/api/inventory/idem-1')).body).toMatchObject({ quantity: 7 });
  });

  it('replays a refusal exactly like the first, even after stock arrived', async () => {
    await call('POST', '/api/inventory', { product_id: 'idem-2', product_name: 'Idem', quantity: 1 });
    const headers = { 'idempotency-key': 'order-43' };
    const first = await call('PATCH', '/api/inventory/idem-2/reduce', { quantity: 2 }, headers);
    expect(first).toEqual({ status: 400, body: { detail: 'Insufficient stock. Available: 1, Requested: 2' } });
    await call('PATCH', '/api/inventory/idem-2/restock', { quantity: 10 });
    expect(await call('PATCH', '/api/inventory/idem-2/reduce', { quantity: 2 }, headers)).toEqual(first);
    expect((await call('GET', '/api/inventory/idem-2')).body).toMatchObject({ quantity: 11 });
  });

  it('records which key took the stock', async () => {
    await call('POST', '/api/inventory', { product_id: 'idem-3', product_name: 'Idem', quantity: 5 });
    await call('PATCH', '/api/inventory/idem-3/reduce', { quantity: 2 }, { 'idempotency-key': 'order-44' });
    const { rows } = await sql<{ kind: string; quantity_delta: number; idempotency_key: string | null }>`
      select m.kind, m.quantity_delta, m.idempotency_key from inventory.stock_movement m
      join inventory.stock_item i on i.id = m.item_id where i.product_id = 'idem-3' order by m.id`.execute(ctx.database.db);
    expect(rows).toEqual([
      { kind: 'create', quantity_delta: 5, idempotency_key: null },
      { kind: 'reduce', quantity_delta: -2, idempotency_key: 'order-44' },
    ]);
  });
});

/**
 * Many requests at once for the last units: exactly as many succeed as there are units, and the
 * database agrees. On PostgreSQL these really run in parallel (pool of 10); on PGlite they queue.
 * Beyond the constraints (quantity >= 0, reserved <= quantity), each race checks that the refusals
 * were justified (refused = requested − available, and each names what was really left) and that each
 * success is stored as it answered.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { jsonCall, type Json } from '../../helpers/http.js';
import { atOnce, countStatus } from '../../helpers/race.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const call = jsonCall(() => ctx);

async function row(productId: string) {
  const { rows } = await sql<{ quantity: number; reserved_qty: number; movements: number; held: number }>`
    select i.quantity, i.reserved_qty,
      (select coalesce(sum(m.quantity_delta), 0)::int from inventory.stock_movement m where m.item_id = i.id) as movements,
      (select coalesce(sum(sh.quantity), 0)::int from inventory.stock_hold sh join inventory.hold h on h.id = sh.hold_id
        where sh.item_id = i.id and h.status = 'HELD') as held
    from inventory.stock_item i where i.product_id = ${productId} and i.deleted_at is null`.execute(ctx.database.db);
  return rows[0]!;
}

describe('racing for the last units', () => {
  it('100 simultaneous reduces of 1 on 10 units: exactly 10 succeed, 90 get 400, quantity ends at 0', async () => {
    expect((await call('POST', '/api/inventory', { product_id: 'race-reduce', product_name: 'Race', quantity: 10 })).status).toBe(201);
    const results = await atOnce(100, () => call('PATCH', '/api/inventory/race-reduce/reduce', { quantity: 1 }));
    // 100 units asked, 10 available: exactly 10 served and 100 − 10 refused.
    expect(countStatus(results, 200)).toBe(10);
    expect(countStatus(results, 400)).toBe(100 - 10);
    for (const r of results.filter((x) => x.status === 400)) expect(r.body!.detail).toBe('Insufficient stock. Available: 0, Requested: 1');
    // Each success saw a different remaining quantity: 9, 8, …, 0.
    expect(
      results
        .filter((r) => r.status === 200)
        .map((r) => r.body!.quantity as number)
        .sort((a, b) => a - b),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await row('race-reduce')).toEqual({ quantity: 0, reserved_qty: 0, movements: 0, held: 0 });
  });

  it('100 simultaneous retail holds of 1 on 10 units: exactly 10 holds (201), 90 × 409, reserved_qty 10', async () => {
    await call('POST', '/api/v1/stock', { product_id: 'race-hold', product_name: 'Race', quantity: 10 });
    const results = await atOnce(100, () => call('POST', '/api/v1/holds/retail', { product_id: 'race-hold', quantity: 1 }));
    // 100 units asked, 10 available: exactly 10 held and 100 − 10 refused, each naming nothing left.
    expect(countStatus(results, 201)).toBe(10);
    expect(countStatus(results, 409)).toBe(100 - 10);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body!.error).toMatchObject({ code: 'INSUFFICIENT_STOCK', details: { available: 0, requested: 1 } });
    // Each success is stored as answered: a HELD hold of one unit of this item.
    const answered = results
      .filter((r) => r.status === 201)
      .map((r) => r.body!.id as string)
      .sort();
    const stored = await sql<{ id: string; status: string; quantity: number }>`
      select h.id, h.status, sh.quantity from inventory.hold h join inventory.stock_hold sh on sh.hold_id = h.id
      join inventory.stock_item i on i.id = sh.item_id where i.product_id = 'race-hold' order by h.id`.execute(ctx.database.db);
    expect(stored.rows).toEqual(answered.map((id) => ({ id, status: 'HELD', quantity: 1 })));
    expect(await row('race-hold')).toEqual({ quantity: 10, reserved_qty: 10, movements: 10, held: 10 });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from inventory.hold h join inventory.stock_hold sh on sh.hold_id = h.id
      join inventory.stock_item i on i.id = sh.item_id where i.product_id = 'race-hold'`.execute(ctx.database.db);
    expect(rows[0]!.n).toBe(10);
  });

  it('holds, reduces, confirms and releases racing together never oversell', async () => {
    await call('POST', '/api/v1/stock', { product_id: 'race-mixed', product_name: 'Race', quantity: 30 });
    const first = await atOnce(10, () => call('POST', '/api/v1/holds/retail', { product_id: 'race-mixed', quantity: 1 }));
    const ids = first.map((r) => r.body!.id as string);
    const results = await Promise.all([
      ...Array.from({ length: 40 }, () => call('PATCH', '/api/v1/stock/race-mixed/reduce', { quantity: 1 })),
      ...Array.from({ length: 40 }, () => call('POST', '/api/v1/holds/retail', { product_id: 'race-mixed', quantity: 1 })),
      ...ids.slice(0, 5).map((id) => call('POST', `/api/v1/holds/${id}/confirm`)),
      ...ids.slice(5).map((id) => call('POST', `/api/v1/holds/${id}/release`, {})),
    ]);
    const reduces = results.slice(0, 40).filter((r) => r.status === 200).length;
    const holds = results.slice(40, 80).filter((r) => r.status === 201).length;
    expect(results.slice(80).every((r) => r.status === 200)).toBe(true);
    // Every refusal is a clean "not enough", naming at most what a late release could have brought back.
    for (const r of results.slice(0, 80).filter((x) => x.status !== 200 && x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body!.error).toMatchObject({ code: 'INSUFFICIENT_STOCK', details: { requested: 1 } });
      expect(((r.body!.error as Json).details as { available: number }).available).toBe(0);
    }
    // 30 units: 5 left with confirmed holds; reduces and new holds took at most the other 25 (the five
    // released units may come back after the last taker asked), and the row agrees with every answer.
    expect(reduces + holds).toBeGreaterThanOrEqual(20);
    expect(reduces + holds).toBeLessThanOrEqual(25);
    expect(await row('race-mixed')).toEqual({ quantity: 30 - 5 - reduces, reserved_qty: holds, movements: 30 - 5 - reduces, held: holds });
    const left = 25 - reduces - holds;
    expect((await call('PATCH', '/api/v1/stock/race-mixed/reduce', { quantity: left + 1 })).body).toMatchObject({
      error: { details: { available: left, requested: left + 1 } },
    });
  });

  it('30 simultaneous reduces with one Idempotency-Key: one effect, identical answers', async () => {
    await call('POST', '/api/inventory', { product_id: 'race-key', product_name: 'Race', quantity: 50 });
    const headers = { 'idempotency-key': 'order-7' };
    const results = await atOnce(30, () => call('PATCH', '/api/inventory/race-key/reduce', { quantity: 3 }, headers));
    expect(results[0]!.status).toBe(200);
    for (const r of results) expect(r).toEqual(results[0]);
    expect(await row('race-key')).toMatchObject({ quantity: 47, movements: 47 });
  });

  it('a racing duplicate create: exactly one 201, the rest 409, never 500', async () => {
    const results = await atOnce(20, (i) =>
      call('POST', '/api/inventory', { product_id: 'race-create', product_name: `Racer ${i}`, quantity: i }),
    );
    expect(countStatus(results, 201)).toBe(1);
    expect(countStatus(results, 409)).toBe(19);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body).toEqual({ detail: 'Inventory for product race-create already exists' });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from inventory.stock_item where product_id = 'race-create'`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.n).toBe(1);
    const winner = results.find((r) => r.status === 201)!.body!;
    expect(await row('race-create')).toMatchObject({ quantity: winner.quantity, movements: winner.quantity });
  });
});

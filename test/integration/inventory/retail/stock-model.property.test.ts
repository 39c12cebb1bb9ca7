/**
 * Property: any sequence of reduce / restock / set / hold / confirm / release / check / clock moves /
 * sweeps leaves the database equal to a simple in-memory model of one item, with
 * 0 <= reserved_qty <= quantity and a movement log that adds up to the quantity, after every step.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredHolds } from '../../../../src/services/inventory/holds/hold.service.js';
import { inventoryHoldKinds } from '../../../../src/services/inventory/inventory.service-module.js';
import type { InventoryDb } from '../../../../src/services/inventory/inventory.tables.js';
import { createTestContext, type TestContext } from '../../../helpers/context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

type Status = 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
interface ModelHold {
  id: string;
  n: number;
  status: Status;
  expiresAt: number;
}

/** The reference: one item's quantity and the holds on it. Expired holds are reclaimed when a take would fail. */
class Model {
  holds: ModelHold[] = [];
  constructor(public quantity: number) {}
  get reserved(): number {
    return this.holds.filter((h) => h.status === 'HELD').reduce((s, h) => s + h.n, 0);
  }
  get available(): number {
    return this.quantity - this.reserved;
  }
  expireDue(now: number): void {
    for (const h of this.holds) if (h.status === 'HELD' && h.expiresAt <= now) h.status = 'EXPIRED';
  }
  /** Whether `ok()` holds, reclaiming expired holds once if it does not at first. */
  withReclaim(now: number, ok: () => boolean): boolean {
    if (ok()) return true;
    this.expireDue(now);
    return ok();
  }
}

type Op =
  | { op: 'reduce'; n: number }
  | { op: 'restock'; n: number }
  | { op: 'set'; q: number }
  | { op: 'hold'; n: number; ttl: number }
  | { op: 'confirm'; i: number }
  | { op: 'release'; i: number }
  | { op: 'check'; n: number }
  | { op: 'advance'; seconds: number }
  | { op: 'sweep' };

// Weighted so that takes often meet expired holds that no sweep has reclaimed yet.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reduce' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restock' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), q: fc.integer({ min: 0, max: 12 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('hold' as const), n: fc.integer({ min: 1, max: 4 }), ttl: fc.integer({ min: 10, max: 120 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('confirm' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('check' as const), n: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'sweep' as const }) },
);

let run = 0;

async function dbState(productId: string) {
  const { rows } = await sql<{ quantity: number; reserved_qty: number; logged: number }>`
    select i.quantity, i.reserved_qty,
      (select coalesce(sum(m.quantity_delta), 0)::int from inventory.stock_movement m where m.item_id = i.id) as logged
    from inventory.stock_item i where i.product_id = ${productId} and i.deleted_at is null`.execute(ctx.database.db);
  const holds = await sql<{ id: string; status: Status }>`
    select h.id, h.status from inventory.hold h join inventory.stock_hold sh on sh.hold_id = h.id
    join inventory.stock_item i on i.id = sh.item_id where i.product_id = ${productId}`.execute(ctx.database.db);
  return { ...rows[0]!, holds: new Map(holds.rows.map((h) => [h.id, h.status])) };
}

async function step(productId: string, model: Model, op: Op): Promise<void> {
  const now = () => ctx.clock.now().getTime();
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    ctx.app.inject({ method, url, ...(payload ? { payload } : {}) });
  switch (op.op) {
    case 'reduce': {
      const res = await inject('PATCH', `/api/v1/stock/${productId}/reduce`, { quantity: op.n });
      const ok = model.withReclaim(now(), () => model.available >= op.n);
      if (ok) model.quantity -= op.n;
      expect(res.statusCode).toBe(ok ? 200 : 409);
      if (!ok) expect(res.json()).toMatchObject({ error: { details: { available: model.available, requested: op.n } } });
      return;
    }
    case 'restock': {
      const res = await inject('PATCH', `/api/v1/stock/${productId}/restock`, { quantity: op.n });
      model.quantity += op.n;
      expect(res.statusCode).toBe(200);
      return;
    }
    case 'set': {
      const res = await inject('PUT', `/api/v1/stock/${productId}`, { quantity: op.q });
      const ok = model.withReclaim(now(), () => model.reserved <= op.q);
      if (ok) model.quantity = op.q;
      expect(res.statusCode).toBe(ok ? 200 : 409);
      return;
    }
    case 'hold': {
      const res = await inject('POST', '/api/v1/holds/retail', { product_id: productId, quantity: op.n, ttl_seconds: op.ttl });
      const ok = model.withReclaim(now(), () => model.available >= op.n);
      expect(res.statusCode).toBe(ok ? 201 : 409);
      if (ok) model.holds.push({ id: res.json<{ id: string }>().id, n: op.n, status: 'HELD', expiresAt: now() + op.ttl * 1000 });
      return;
    }
    case 'confirm': {
      const h = model.holds[op.i % Math.max(1, model.holds.length)];
      if (h === undefined) return;
      const res = await inject('POST', `/api/v1/holds/${h.id}/confirm`);
      if (h.status === 'HELD' && h.expiresAt <= now()) {
        h.status = 'EXPIRED';
        expect(res.json()).toMatchObject({ error: { code: 'HOLD_EXPIRED' } });
      } else if (h.status === 'HELD') {
        h.status = 'CONFIRMED';
        model.quantity -= h.n;
        expect(res.statusCode).toBe(200);
      } else if (h.status === 'CONFIRMED') {
        expect(res.statusCode).toBe(200);
      } else {
        expect(res.json()).toMatchObject({ error: { code: 'HOLD_NOT_ACTIVE' } });
      }
      return;
    }
    case 'release': {
      const h = model.holds[op.i % Math.max(1, model.holds.length)];
      if (h === undefined) return;
      const res = await inject('POST', `/api/v1/holds/${h.id}/release`, {});
      if (h.status === 'CONFIRMED') {
        expect(res.json()).toMatchObject({ error: { code: 'HOLD_NOT_RELEASABLE' } });
      } else {
        if (h.status === 'HELD') h.status = 'RELEASED';
        expect(res.statusCode).toBe(200);
      }
      return;
    }
    case 'check': {
      const res = await inject('GET', `/api/inventory/${productId}/check?quantity=${op.n}`);
      const inStock = model.withReclaim(now(), () => model.available >= op.n);
      expect(res.json()).toEqual({ product_id: productId, requested: op.n, in_stock: inStock });
      return;
    }
    case 'advance':
      ctx.clock.advance(op.seconds * 1000);
      return;
    case 'sweep':
      await sweepExpiredHolds(ctx.database.db as InventoryDb, inventoryHoldKinds, ctx.clock.now());
      model.expireDue(now());
      return;
  }
}

describe('retail stock against a reference model', () => {
  it('agrees with the model after every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10 }),
        fc.array(opArb, { minLength: 5, maxLength: 40, size: 'max' }),
        async (initial, ops) => {
          const productId = `model-${++run}`;
          const created = await ctx.app.inject({
            method: 'POST',
            url: '/api/v1/stock',
            payload: { product_id: productId, product_name: 'Model', quantity: initial },
          });
          expect(created.statusCode).toBe(201);
          const model = new Model(initial);
          for (const op of ops) {
            await step(productId, model, op);
            const db = await dbState(productId);
            expect({ quantity: db.quantity, reserved: db.reserved_qty }, JSON.stringify(op)).toEqual({
              quantity: model.quantity,
              reserved: model.reserved,
            });
            expect(db.reserved_qty).toBeGreaterThanOrEqual(0);
            expect(db.reserved_qty).toBeLessThanOrEqual(db.quantity);
            expect(db.logged).toBe(db.quantity);
            expect(db.holds).toEqual(new Map(model.holds.map((h) => [h.id, h.status])));
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

/**
 * Model-based: random sequences of hold / confirm / release / shorten / clock moves / expiry sweep /
 * capacity changes / total changes / /rooms reserve and release run against the real service and a
 * small in-memory reference model. After every step the database must equal the model, night by night
 * and hold by hold, and every invariant must hold.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, nightsOf } from '../../../../src/platform/dates.js';
import { sweepExpiredHolds } from '../../../../src/services/inventory/holds/hold.service.js';
import { inventoryHoldKinds } from '../../../../src/services/inventory/inventory.service-module.js';
import type { InventoryDb } from '../../../../src/services/inventory/inventory.tables.js';
import type { TestContext } from '../../../helpers/context.js';
import { expectInvariants, holdLodging, hotelContext, newRoomType, nights, roomsOp } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext())); // today is 2026-01-15; the window lies ahead of it
afterAll(async () => ctx.close());

const START = '2026-02-01';
const WINDOW = 6;
const DATES = nightsOf(START, addDays(START, WINDOW));

type Status = 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
interface MNight {
  outOfOrder: number;
  closed: boolean;
  reserved: number;
  direct: number;
}
interface MHold {
  id: string;
  status: Status;
  expiresAt: number;
  checkIn: string;
  checkOut: string;
  quantity: number;
}
interface MOp {
  operation: 'RESERVE' | 'RELEASE';
  checkIn: string;
  checkOut: string;
  status: 'SUCCESS' | 'FAILED';
}

class Model {
  readonly nights = new Map<string, MNight>(DATES.map((d) => [d, { outOfOrder: 0, closed: false, reserved: 0, direct: 0 }]));
  readonly holds: MHold[] = [];
  readonly ops = new Map<string, MOp>();
  constructor(public total: number) {}

  capacity(d: string): number {
    const n = this.nights.get(d)!;
    return n.closed ? 0 : Math.max(this.total - n.outOfOrder, 0);
  }
  free(d: string): number {
    return this.capacity(d) - this.nights.get(d)!.reserved;
  }
  /** The first night of the stay without `q` free rooms. */
  firstFull(checkIn: string, checkOut: string, q: number): string | undefined {
    return nightsOf(checkIn, checkOut).find((d) => this.free(d) < q);
  }
  giveBack(h: MHold): void {
    for (const d of nightsOf(h.checkIn, h.checkOut)) this.nights.get(d)!.reserved -= h.quantity;
  }
  end(h: MHold, status: 'RELEASED' | 'EXPIRED'): void {
    this.giveBack(h);
    h.status = status;
  }
  dueOn(checkIn: string, checkOut: string, now: number): MHold[] {
    return this.holds.filter((h) => h.status === 'HELD' && h.expiresAt <= now && h.checkIn < checkOut && checkIn < h.checkOut);
  }
}

type Command =
  | { kind: 'hold'; at: number; len: number; quantity: number; ttl: number }
  | { kind: 'confirm' | 'release'; pick: number }
  | { kind: 'shorten'; pick: number; len: number }
  | { kind: 'tick'; seconds: number }
  | { kind: 'sweep' }
  | { kind: 'capacity'; at: number; len: number; outOfOrder: number; closed: boolean }
  | { kind: 'total'; total: number }
  | { kind: 'reserve' | 'unreserve'; slot: number; at: number; len: number };

const at = fc.integer({ min: 0, max: WINDOW - 1 });
const len = fc.integer({ min: 1, max: WINDOW });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      at,
      len,
      quantity: fc.integer({ min: 1, max: 2 }),
      ttl: fc.constantFrom(30, 60, 120),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constantFrom('confirm' as const, 'release' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('shorten' as const), pick: fc.nat(), len: fc.integer({ min: 0, max: WINDOW }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 10, max: 90 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('sweep' as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('capacity' as const),
      at,
      len: fc.integer({ min: 1, max: 3 }),
      outOfOrder: fc.integer({ min: 0, max: 3 }),
      closed: fc.boolean(),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('total' as const), total: fc.integer({ min: 0, max: 4 }) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('reserve' as const, 'unreserve' as const),
      slot: fc.integer({ min: 0, max: 4 }),
      at,
      len,
    }),
    weight: 4,
  },
);

function stay(a: number, l: number): { checkIn: string; checkOut: string } {
  const checkIn = DATES[a]!;
  return { checkIn, checkOut: addDays(checkIn, Math.min(l, WINDOW - a)) };
}

let run = 0;

async function step(m: Model, rt: string, c: Command, uuids: string[]): Promise<void> {
  const now = () => ctx.clock.now().getTime();
  const post = (url: string, payload: unknown = {}) => ctx.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  switch (c.kind) {
    case 'hold': {
      const { checkIn, checkOut } = stay(c.at, c.len);
      const res = await holdLodging(ctx, {
        room_type_id: rt,
        check_in: checkIn,
        check_out: checkOut,
        quantity: c.quantity,
        ttl_seconds: c.ttl,
      });
      let full = m.firstFull(checkIn, checkOut, c.quantity);
      if (full !== undefined) {
        const due = m.dueOn(checkIn, checkOut, now());
        // Reclaiming only sticks when the hold then succeeds: a refusal rolls the whole transaction back.
        const saved = due.map((h) => ({ ...h }));
        due.forEach((h) => m.end(h, 'EXPIRED'));
        full = m.firstFull(checkIn, checkOut, c.quantity);
        if (full !== undefined) {
          due.forEach((h, i) => {
            for (const d of nightsOf(h.checkIn, h.checkOut)) m.nights.get(d)!.reserved += h.quantity;
            h.status = saved[i]!.status;
          });
        }
      }
      if (full !== undefined) {
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json()).toMatchObject({ error: { code: 'NO_AVAILABILITY', details: { night: full } } });
        return;
      }
      expect(res.statusCode, res.body).toBe(201);
      for (const d of nightsOf(checkIn, checkOut)) m.nights.get(d)!.reserved += c.quantity;
      m.holds.push({
        id: res.json<{ id: string }>().id,
        status: 'HELD',
        expiresAt: now() + c.ttl * 1000,
        checkIn,
        checkOut,
        quantity: c.quantity,
      });
      return;
    }
    case 'confirm': {
      const h = m.holds[c.pick % Math.max(m.holds.length, 1)];
      if (h === undefined) return;
      const res = await post(`/api/v1/holds/${h.id}/confirm`);
      if (h.status === 'RELEASED' || h.status === 'EXPIRED') {
        expect(res.json()).toMatchObject({ error: { code: 'HOLD_NOT_ACTIVE' } });
      } else if (h.status === 'HELD' && h.expiresAt <= now()) {
        m.end(h, 'EXPIRED');
        expect(res.json()).toMatchObject({ error: { code: 'HOLD_EXPIRED' } });
      } else {
        h.status = 'CONFIRMED';
        expect(res.statusCode, res.body).toBe(200);
      }
      return;
    }
    case 'release': {
      const h = m.holds[c.pick % Math.max(m.holds.length, 1)];
      if (h === undefined) return;
      const res = await post(`/api/v1/holds/${h.id}/release`);
      expect(res.statusCode, res.body).toBe(200);
      if (h.status === 'HELD' || h.status === 'CONFIRMED') m.end(h, 'RELEASED');
      expect(res.json()).toMatchObject({ status: h.status });
      return;
    }
    case 'shorten': {
      const h = m.holds[c.pick % Math.max(m.holds.length, 1)];
      if (h === undefined) return;
      const checkOut = addDays(h.checkIn, c.len);
      const res = await post(`/api/v1/holds/${h.id}/shorten`, { check_out: checkOut });
      if (h.status === 'RELEASED' || h.status === 'EXPIRED') {
        expect(res.json()).toMatchObject({ error: { code: 'HOLD_NOT_ACTIVE' } });
      } else if (h.status === 'HELD' && h.expiresAt <= now()) {
        m.end(h, 'EXPIRED');
        expect(res.json()).toMatchObject({ error: { code: 'HOLD_EXPIRED' } });
      } else if (checkOut <= h.checkIn) {
        expect(res.statusCode).toBe(400);
      } else {
        expect(res.statusCode, res.body).toBe(200);
        if (checkOut < h.checkOut) {
          for (const d of nightsOf(checkOut, h.checkOut)) m.nights.get(d)!.reserved -= h.quantity;
          h.checkOut = checkOut;
        }
        expect(res.json()).toMatchObject({ details: { check_out: h.checkOut } });
      }
      return;
    }
    case 'tick':
      ctx.clock.advance(c.seconds * 1000);
      return;
    case 'sweep':
      await sweepExpiredHolds(ctx.database.db as InventoryDb, inventoryHoldKinds, ctx.clock.now());
      m.holds.filter((h) => h.status === 'HELD' && h.expiresAt <= now()).forEach((h) => m.end(h, 'EXPIRED'));
      return;
    case 'capacity': {
      const { checkIn, checkOut } = stay(c.at, c.len);
      const res = await post(`/api/v1/room-types/${rt}/capacity`, {
        from: checkIn,
        to: checkOut,
        out_of_order: c.outOfOrder,
        closed: c.closed,
      });
      if (c.outOfOrder > m.total) {
        expect(res.statusCode).toBe(400);
        return;
      }
      const newCap = c.closed ? 0 : Math.max(m.total - c.outOfOrder, 0);
      const below = nightsOf(checkIn, checkOut).find((d) => newCap < m.nights.get(d)!.reserved);
      if (below !== undefined) {
        expect(res.json()).toMatchObject({ error: { code: 'CAPACITY_BELOW_RESERVED', details: { night: below } } });
        return;
      }
      expect(res.statusCode, res.body).toBe(200);
      for (const d of nightsOf(checkIn, checkOut)) Object.assign(m.nights.get(d)!, { outOfOrder: c.outOfOrder, closed: c.closed });
      return;
    }
    case 'total': {
      const res = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/room-types/${rt}`, payload: { total_quantity: c.total } });
      const before = m.total;
      m.total = c.total;
      const below = DATES.find((d) => m.free(d) < 0);
      if (below !== undefined) {
        m.total = before;
        expect(res.json()).toMatchObject({ error: { code: 'CAPACITY_BELOW_RESERVED', details: { night: below } } });
        return;
      }
      expect(res.statusCode, res.body).toBe(200);
      return;
    }
    case 'reserve':
    case 'unreserve': {
      const operation = c.kind === 'reserve' ? 'RESERVE' : 'RELEASE';
      const { checkIn, checkOut } = stay(c.at, c.len);
      const uuid = uuids[c.slot]!;
      const res = await roomsOp(ctx, c.kind === 'reserve' ? 'reserve' : 'release', {
        uuid,
        room_type_id: rt,
        check_in: checkIn,
        check_out: checkOut,
      });
      const prior = m.ops.get(uuid);
      if (prior !== undefined) {
        const same = prior.operation === operation && prior.checkIn === checkIn && prior.checkOut === checkOut;
        expect(res.statusCode, res.body).toBe(same && prior.status === 'SUCCESS' ? 200 : 409);
        if (same && prior.status === 'SUCCESS') expect(res.json()).toMatchObject({ message: 'operation was already completed' });
        return;
      }
      const days = nightsOf(checkIn, checkOut);
      let ok: boolean;
      if (operation === 'RESERVE') {
        if (m.firstFull(checkIn, checkOut, 1) !== undefined) m.dueOn(checkIn, checkOut, now()).forEach((h) => m.end(h, 'EXPIRED'));
        ok = m.firstFull(checkIn, checkOut, 1) === undefined;
      } else {
        ok = days.every((d) => m.nights.get(d)!.direct >= 1);
      }
      m.ops.set(uuid, { operation, checkIn, checkOut, status: ok ? 'SUCCESS' : 'FAILED' });
      expect(res.statusCode, res.body).toBe(ok ? 200 : 409);
      if (ok) {
        const delta = operation === 'RESERVE' ? 1 : -1;
        for (const d of days) {
          m.nights.get(d)!.reserved += delta;
          m.nights.get(d)!.direct += delta;
        }
      }
      return;
    }
  }
}

async function expectDbEqualsModel(m: Model, rt: string): Promise<void> {
  const rows = await nights(ctx.database.db, rt, DATES[0], addDays(DATES.at(-1)!, 1));
  expect(rows.map((r) => [r.night, r.capacity, r.reserved, r.reserved_direct])).toEqual(
    DATES.map((d) => [d, m.capacity(d), m.nights.get(d)!.reserved, m.nights.get(d)!.direct]),
  );
  if (m.holds.length > 0) {
    const { rows: holds } = await sql<{ id: string; status: Status; check_out: string }>`
      select h.id, h.status, lh.check_out from inventory.hold h join inventory.lodging_hold lh on lh.hold_id = h.id
      where h.id in (${sql.join(m.holds.map((h) => h.id))})`.execute(ctx.database.db);
    const byId = new Map(holds.map((h) => [h.id, h]));
    for (const h of m.holds) expect([h.id, byId.get(h.id)?.status, byId.get(h.id)?.check_out]).toEqual([h.id, h.status, h.checkOut]);
  }
  await expectInvariants(ctx.database.db, rt);
}

describe('lodging inventory against a reference model', () => {
  it('stays equal to the model and keeps every invariant after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(command, { minLength: 5, maxLength: 25 }), async (total, commands) => {
        run += 1;
        const rt = await newRoomType(ctx, hotel, { id: `model-${run}`, total_quantity: total });
        const uuids = Array.from(
          { length: 5 },
          (_, i) => `00000000-${String(run).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`,
        );
        const m = new Model(total);
        for (const c of commands) {
          await step(m, rt, c, uuids);
          await expectDbEqualsModel(m, rt);
        }
      }),
      { numRuns: 25 },
    );
  });
});

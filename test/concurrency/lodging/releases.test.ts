/**
 * Simultaneous releases never drive a night below zero and give back what was taken exactly once.
 * Every racing call's answer is checked (status and body), and afterwards the stored state must
 * account for each answer: what answered success is stored, what was refused changed nothing, and
 * each night's `reserved` is what the still-active holds and direct rooms took.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredHolds } from '../../../src/services/inventory/holds/hold.service.js';
import { inventoryHoldKinds } from '../../../src/services/inventory/inventory.service-module.js';
import type { InventoryDb } from '../../../src/services/inventory/inventory.tables.js';
import type { TestContext } from '../../helpers/context.js';
import { expectInvariants, holdLodging, hotelContext, newRoomType, nights, roomsOp } from '../../helpers/lodging-fixtures.js';
import { atOnce, countStatus } from '../../helpers/race.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext()));
afterAll(async () => ctx.close());

const db = () => ctx.database.db;
const uuid = (prefix: number, i: number) => `${String(prefix).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;

type Json = Record<string, unknown>;
interface Reply {
  readonly status: number;
  readonly body: Json;
}
const reply = (res: { statusCode: number; json: () => unknown }): Reply => ({ status: res.statusCode, body: res.json() as Json });

async function holdRow(id: string) {
  const { rows } = await sql<{ status: string; end_reason: string | null }>`
    select status, end_reason from inventory.hold where id = ${id}`.execute(db());
  return rows[0];
}

describe('simultaneous releases', () => {
  it('30 /rooms releases (distinct uuids) of 5 reserved rooms: 5 succeed, 25 get 409, never below zero', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 8 });
    const stay = { room_type_id: rt, check_in: '2026-07-01', check_out: '2026-07-03' };
    for (let i = 0; i < 5; i++) expect((await roomsOp(ctx, 'reserve', { ...stay, uuid: uuid(1, i) })).statusCode).toBe(200);
    // A hold's rooms on the same nights are not the /rooms surface's to release.
    expect((await holdLodging(ctx, { ...stay, quantity: 2 })).statusCode).toBe(201);

    const answers = (await atOnce(30, (i) => roomsOp(ctx, 'release', { ...stay, uuid: uuid(2, i) }))).map(reply);
    expect(countStatus(answers, 200)).toBe(5);
    expect(countStatus(answers, 409)).toBe(25);
    const released: string[] = [];
    answers.forEach((a, i) => {
      if (a.status === 200) {
        released.push(uuid(2, i));
        expect(a.body).toEqual({
          status: 'success',
          uuid: uuid(2, i),
          operation: 'RELEASE',
          ...stay,
          message: 'one room released on every night of the stay',
        });
      } else {
        expect(a.body).toEqual({ detail: { status: 'fail', msg: 'Operation failed, no rooms to release.' } });
      }
    });
    // Every answer is what was stored: the five successes are the SUCCESS rows, the refusals FAILED.
    const ops = await sql<{ uuid: string; status: string }>`
      select uuid::text, status from inventory.room_operation where room_type_id = ${rt} and operation = 'RELEASE' order by uuid`.execute(
      db(),
    );
    expect(ops.rows).toEqual(answers.map((a, i) => ({ uuid: uuid(2, i), status: a.status === 200 ? 'SUCCESS' : 'FAILED' })));
    expect(ops.rows.filter((o) => o.status === 'SUCCESS').map((o) => o.uuid)).toEqual(released);
    // Only the hold's two rooms are left, and none of them was taken by a /rooms release.
    expect((await nights(db(), rt, '2026-07-01', '2026-07-03')).map((n) => [n.reserved, n.reserved_direct])).toEqual([
      [2, 0],
      [2, 0],
    ]);
    await expectInvariants(db());
  });

  it('20 /inventory adjusts of −1 against 4 directly taken rooms: 4 succeed, 16 are refused', async () => {
    const rt = await newRoomType(ctx, hotel, { name: 'Twin', total_quantity: 6 });
    const adjust = (num_rooms: number) =>
      ctx.app.inject({ method: 'POST', url: `/inventory/${hotel}/adjust`, payload: { room_type: rt, date: '2026-07-10', num_rooms } });
    expect((await adjust(4)).statusCode).toBe(200);
    const answers = (await atOnce(20, () => adjust(-1))).map(reply);
    expect(countStatus(answers, 200)).toBe(4);
    expect(countStatus(answers, 400)).toBe(16);
    for (const a of answers) {
      expect(a.body).toEqual(
        a.status === 200 ? { success: true, message: 'Inventory adjusted.' } : { detail: 'Not enough available rooms or invalid request.' },
      );
    }
    // The four successes are the four −1 adjustments stored; the refusals left no trace.
    const adjustments = await sql<{ delta: number }>`
      select delta from inventory.room_night_adjustment where room_type_id = ${rt} order by delta`.execute(db());
    expect(adjustments.rows.map((r) => r.delta)).toEqual([-1, -1, -1, -1, 4]);
    expect((await nights(db(), rt, '2026-07-10', '2026-07-11')).map((n) => [n.reserved, n.reserved_direct])).toEqual([[0, 0]]);
    await expectInvariants(db());
  });

  it('the same hold released 20 times at once, racing its expiry sweep and a shorten, gives back once', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 5 });
    const stay = { room_type_id: rt, check_in: '2026-08-01', check_out: '2026-08-04' };
    const hold = async (ttl_seconds: number) => {
      const res = await holdLodging(ctx, { ...stay, quantity: 1, ttl_seconds });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    // a, b, c will be past their expiry; e is live, so only its releases can end it; d stays active
    // throughout: a night given back twice would take d's room too, which the CHECK (reserved >= 0)
    // alone would not notice.
    const [a, b, c] = [await hold(60), await hold(60), await hold(60)];
    const [d, e] = [await hold(3600), await hold(3600)];
    ctx.clock.advance(60_000);
    const post = (url: string, payload?: Json) => ctx.app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
    const times = <T>(n: number, f: () => Promise<T>) => Promise.all(Array.from({ length: n }, f));
    const [aReleases, eReleases, shortens, confirms, sweeps] = await Promise.all([
      times(20, () => post(`/api/v1/holds/${a}/release`, {})),
      times(20, () => post(`/api/v1/holds/${e}/release`, {})),
      times(5, () => post(`/api/v1/holds/${b}/shorten`, { check_out: '2026-08-02' })),
      times(5, () => post(`/api/v1/holds/${c}/confirm`)),
      times(2, () => sweepExpiredHolds(db() as InventoryDb, inventoryHoldKinds, ctx.clock.now())),
    ]);

    // Hold a ended once, by a release (RELEASED) or by the sweep (EXPIRED); every release answers 200
    // with that one final state, never an error. Hold e could only be ended by a release.
    const aFinal = await holdRow(a);
    expect(aFinal).toEqual(
      aFinal?.status === 'RELEASED' ? { status: 'RELEASED', end_reason: 'released' } : { status: 'EXPIRED', end_reason: 'expired' },
    );
    expect(await holdRow(e)).toEqual({ status: 'RELEASED', end_reason: 'released' });
    for (const [id, answers, final] of [
      [a, aReleases, aFinal!],
      [e, eReleases, { status: 'RELEASED', end_reason: 'released' }],
    ] as const) {
      for (const r of answers.map(reply)) {
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body).toMatchObject({ id, kind: 'lodging', status: final.status, end_reason: final.end_reason });
      }
    }

    // Holds b and c were past their expiry: no shorten or confirm may succeed. The first to reach the
    // hold expires it (HOLD_EXPIRED) unless the sweep did; every later one finds it EXPIRED.
    const refusals = (answers: Reply[], id: string) => {
      for (const r of answers) {
        expect(r.status, JSON.stringify(r.body)).toBe(409);
        const code = (r.body.error as Json).code;
        // The confirm and shorten routes render an error without details differently (null or absent):
        // which of them reaches the hold first is a race, so either rendering is accepted here.
        if (code === 'HOLD_EXPIRED') expect([null, undefined]).toContain((r.body.error as Json).details);
        else expect(r.body, id).toMatchObject({ error: { code: 'HOLD_NOT_ACTIVE', details: { status: 'EXPIRED' } } });
      }
      const expiredByCall = answers.filter((r) => (r.body.error as Json).code === 'HOLD_EXPIRED').length;
      expect(expiredByCall, `${id} expired by at most one call`).toBeLessThanOrEqual(1);
      return expiredByCall;
    };
    const bByCall = refusals(shortens.map(reply), b);
    const cByCall = refusals(confirms.map(reply), c);
    expect(await holdRow(b)).toEqual({ status: 'EXPIRED', end_reason: 'expired' });
    expect(await holdRow(c)).toEqual({ status: 'EXPIRED', end_reason: 'expired' });

    // Each of a, b, c ended exactly once: what the calls did not end, the sweeps did, and nothing else.
    const bySweep = (aFinal!.status === 'EXPIRED' ? 1 : 0) + (1 - bByCall) + (1 - cByCall);
    expect(sweeps[0]! + sweeps[1]!).toBe(bySweep);
    expect(await holdRow(d)).toEqual({ status: 'HELD', end_reason: null });

    // What is left reserved is exactly the one active hold's room on each night: a, b, c and e each
    // gave back once, and b's shorten gave nothing back.
    expect((await nights(db(), rt, '2026-08-01', '2026-08-04')).map((n) => [n.reserved, n.reserved_direct])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    const bNights = await sql<{ night: string }>`select night from inventory.hold_night where hold_id = ${b} order by night`.execute(db());
    expect(bNights.rows.map((r) => r.night)).toEqual(['2026-08-01', '2026-08-02', '2026-08-03']);
    await expectInvariants(db());
  });
});

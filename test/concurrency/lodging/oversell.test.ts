/**
 * Many requests at once for the last rooms: exactly as many succeed as there are rooms, the rest get
 * 409, and no night's reserved count ever exceeds its capacity (on PostgreSQL these really run in
 * parallel over a pool of 10 connections; on PGlite they queue on its one connection).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../../helpers/context.js';
import { expectInvariants, holdLodging, hotelContext, newRoomType, nights, roomsOp } from '../../helpers/lodging-fixtures.js';
import { atOnce } from '../../helpers/race.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext()));
afterAll(async () => ctx.close());

const db = () => ctx.database.db;

describe('the last rooms under contention', () => {
  it('200 simultaneous holds (distinct keys) for 5 rooms left: exactly 5 succeed, 195 get 409', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 8 });
    // 3 of 8 already taken on the middle night only: 5 left for the whole stay.
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-03-02', check_out: '2026-03-03', quantity: 3 })).statusCode).toBe(
      201,
    );

    const answers = await atOnce(200, (i) =>
      holdLodging(ctx, { room_type_id: rt, check_in: '2026-03-01', check_out: '2026-03-04' }, { 'idempotency-key': `race-${i}` }),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(195);
    for (const a of answers.filter((x) => x.statusCode === 409)) {
      expect(a.json()).toMatchObject({ error: { code: 'NO_AVAILABILITY', details: { night: '2026-03-02' } } });
    }
    expect((await nights(db(), rt, '2026-03-01', '2026-03-04')).map((n) => [n.reserved, n.capacity])).toEqual([
      [5, 8],
      [8, 8],
      [5, 8],
    ]);
    const held = await sql<{ n: number }>`
      select count(*)::int as n from inventory.lodging_hold where room_type_id = ${rt} and check_in = '2026-03-01'`.execute(db());
    expect(held.rows[0]!.n).toBe(5);
    await expectInvariants(db());
  });

  it('holds, /rooms reserves and /inventory adjusts racing over overlapping stays never oversell', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 4 });
    const stays = [
      ['2026-04-01', '2026-04-03'],
      ['2026-04-02', '2026-04-05'],
      ['2026-04-04', '2026-04-06'],
      ['2026-04-01', '2026-04-06'],
    ] as const;
    const answers = await atOnce(90, (i) => {
      const [check_in, check_out] = stays[i % stays.length]!;
      if (i % 3 === 0) return holdLodging(ctx, { room_type_id: rt, check_in, check_out, quantity: 1 + (i % 2) });
      if (i % 3 === 1) {
        const uuid = `0b1c2d3e-0000-4000-8000-${String(i).padStart(12, '0')}`;
        return roomsOp(ctx, 'reserve', { uuid, room_type_id: rt, check_in, check_out });
      }
      return ctx.app.inject({ method: 'POST', url: `/inventory/${hotel}/adjust`, payload: { room_type: rt, date: check_in } });
    });
    expect(answers.every((a) => [200, 201, 400, 409].includes(a.statusCode))).toBe(true);
    const rows = await nights(db(), rt, '2026-04-01', '2026-04-06');
    expect(rows.every((n) => n.reserved <= n.capacity)).toBe(true);
    expect(rows.some((n) => n.reserved === n.capacity)).toBe(true);
    await expectInvariants(db());
  });
});

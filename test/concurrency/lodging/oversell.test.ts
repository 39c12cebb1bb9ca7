/**
 * Many requests at once for the last rooms: exactly as many succeed as there are rooms, the rest get
 * 409, and no night's reserved count ever exceeds its capacity (on PostgreSQL these really run in
 * parallel over a pool of 10 connections; on PGlite they queue on its one connection).
 *
 * `reserved <= capacity` is a CHECK, so asserting it proves little: these tests also prove every
 * refusal was justified (nothing is given back during a race, so a night full at the end was full
 * when the refusal was decided, and a night with room at the end had room then: its refusal was wrong)
 * and every success is really stored (the nights' counts are exactly what the successes took).
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
    // Winners = what was left, exactly: the night every refusal names is full, so each was justified.
    expect((await nights(db(), rt, '2026-03-01', '2026-03-04')).map((n) => [n.reserved, n.capacity])).toEqual([
      [5, 8],
      [8, 8],
      [5, 8],
    ]);
    // Each success is stored as it answered: its hold HELD, one room on each of the three nights.
    const won = answers.filter((a) => a.statusCode === 201).map((a) => a.json<{ id: string; status: string }>());
    expect(won.every((h) => h.status === 'HELD')).toBe(true);
    const stored = await sql<{ id: string; status: string; nights: string[]; quantity: number }>`
      select h.id, h.status, array_agg(hn.night::text order by hn.night) as nights, max(hn.quantity)::int as quantity
      from inventory.lodging_hold l join inventory.hold h on h.id = l.hold_id join inventory.hold_night hn on hn.hold_id = h.id
      where l.room_type_id = ${rt} and l.check_in = '2026-03-01' group by h.id, h.status order by h.id`.execute(db());
    expect(stored.rows).toEqual(
      won
        .map((h) => ({ id: h.id, status: 'HELD', nights: ['2026-03-01', '2026-03-02', '2026-03-03'], quantity: 1 }))
        .sort((x, y) => x.id.localeCompare(y.id)),
    );
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
    const free = new Map(rows.map((n) => [n.night, n.capacity - n.reserved]));
    const nightsOf = (checkIn: string, checkOut: string) => rows.map((n) => n.night).filter((n) => n >= checkIn && n < checkOut);
    // What the successes took, night by night, and what each request asked for.
    const taken = new Map<string, number>();
    answers.forEach((a, i) => {
      const [check_in, check_out] = stays[i % stays.length]!;
      const [asked, quantity] = i % 3 === 2 ? [[check_in], 1] : [nightsOf(check_in, check_out), i % 3 === 0 ? 1 + (i % 2) : 1];
      const ok = a.statusCode === 200 || a.statusCode === 201;
      expect(a.statusCode, `request ${i}: ${a.body}`).toBe(ok ? (i % 3 === 0 ? 201 : 200) : i % 3 === 2 ? 400 : 409);
      if (ok) {
        for (const n of asked) taken.set(n, (taken.get(n) ?? 0) + quantity);
      } else {
        // Refused: some night it asked for cannot hold it even now (and nothing was given back since).
        expect(
          asked.some((n) => free.get(n)! < quantity),
          `request ${i} (${asked.join(',')} × ${quantity}) was refused with room left: ${a.body}`,
        ).toBe(true);
      }
    });
    // Every success is stored, and nothing else: each night's count is exactly what the successes took.
    expect(Object.fromEntries(rows.map((n) => [n.night, n.reserved]))).toEqual(
      Object.fromEntries(rows.map((n) => [n.night, taken.get(n.night) ?? 0])),
    );
    expect(rows.every((n) => n.reserved <= n.capacity)).toBe(true);
    expect(rows.some((n) => n.reserved === n.capacity)).toBe(true);
    await expectInvariants(db());
  });
});

/**
 * Many parties at once for the same tables: the database decides. On PostgreSQL these requests run
 * in parallel (pool of 10); on PGlite they are serialised, so the outcome must be the same.
 *
 * "No table is double-seated" is an EXCLUDE constraint, so these tests also prove each refusal was
 * justified: where nothing is released during the race, a refused party must find no table of its
 * size free over its interval even in the final state (a free one means the refusal was wrong), and
 * each success must be stored as the allocation it answered.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import {
  doubleBookings,
  everyDay,
  newDiningVenue,
  postHold,
  release,
  tablesOf,
} from '../../integration/inventory/dining/dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const DATE = '2026-01-20';

/** What a hold answered: its id, its table, and the interval its allocation covers. */
interface Held {
  id: string;
  details: { table_id: string; start: string; end: string };
}

/**
 * The tables of `venueId` that could seat `party` over [start, end) in the stored state: right size,
 * active, and no active allocation overlapping. Read with SQL, not through the allocator under test.
 */
async function freeTables(venueId: string, party: number, start: string, end: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select t.id from inventory.dining_table t
    where t.venue_id = ${venueId} and t.active and t.min_seats <= ${party} and t.max_seats >= ${party}
      and not exists (
        select 1 from inventory.table_allocation a
        where a.table_id = t.id and a.active and a.during && tstzrange(${start}::timestamptz, ${end}::timestamptz)
      )`.execute(ctx.database.db);
  return rows.map((r) => r.id);
}

/** Each success is stored as answered: its hold HELD, and its one active allocation on its table over its interval. */
async function expectStored(held: readonly Held[]): Promise<void> {
  for (const h of held) {
    const { rows } = await sql<{ status: string; table_id: string; starts: boolean }>`
      select h.status, a.table_id, (a.during = tstzrange(${h.details.start}::timestamptz, ${h.details.end}::timestamptz)) as starts
      from inventory.hold h join inventory.table_allocation a on a.hold_id = h.id where h.id = ${h.id} and a.active`.execute(
      ctx.database.db,
    );
    expect(rows, `hold ${h.id}`).toEqual([{ status: 'HELD', table_id: h.details.table_id, starts: true }]);
  }
}

async function activeAllocations(venueId: string): Promise<{ table_id: string; n: number }[]> {
  const { rows } = await sql<{ table_id: string; n: number }>`
    select table_id, count(*)::int as n from inventory.table_allocation
    where venue_id = ${venueId} and active group by table_id`.execute(ctx.database.db);
  return rows;
}

describe('concurrent table allocation', () => {
  it('ten tables of four, twelve parties of four at 19:00: exactly ten holds and two clean 409s', async () => {
    const { venueId } = await newDiningVenue(ctx, { tables: tablesOf(10, 4) });
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 4 })),
    );
    const statuses = replies.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([...Array(10).fill(201), 409, 409]);
    for (const r of replies.filter((x) => x.statusCode === 409)) {
      expect(r.json()).toMatchObject({ error: { code: 'NO_TABLE_AVAILABLE' } });
    }
    const tablesTaken = new Set(
      replies.filter((r) => r.statusCode === 201).map((r) => r.json<{ details: { table_id: string } }>().details.table_id),
    );
    expect(tablesTaken.size).toBe(10);
    const allocations = await activeAllocations(venueId);
    expect(allocations).toHaveLength(10);
    expect(allocations.every((a) => a.n === 1)).toBe(true);
    expect(await doubleBookings(ctx)).toEqual([]);
    const held = replies.filter((r) => r.statusCode === 201).map((r) => r.json<Held>());
    await expectStored(held);
    // The two refused parties asked for 19:00 for four, as the winners did: no table is free for it.
    const { start, end } = held[0]!.details;
    expect(held.every((h) => h.details.start === start && h.details.end === end)).toBe(true);
    expect(await freeTables(venueId, 4, start, end)).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from inventory.hold where venue_id = ${venueId}`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.n).toBe(10); // a refused request leaves no hold behind
  });

  it('overlapping windows at different times race for one table: exactly one wins', async () => {
    const { venueId } = await newDiningVenue(ctx, { tables: tablesOf(1, 4) });
    const times = ['18:30', '18:45', '19:00', '19:15', '19:30', '19:45', '20:00', '20:15'];
    const replies = await Promise.all(times.map((time) => postHold(ctx, { venue_id: venueId, date: DATE, time, party_size: 2 })));
    expect(replies.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.statusCode === 409)).toHaveLength(times.length - 1);
    expect(await doubleBookings(ctx)).toEqual([]);
    const winner = replies.find((r) => r.statusCode === 201)!.json<Held>();
    await expectStored([winner]);
    // Every refused time, over the same length of sitting as the winner's, finds the one table taken.
    const minutes = (Date.parse(winner.details.end) - Date.parse(winner.details.start)) / 60_000;
    for (const [i, r] of replies.entries()) {
      if (r.statusCode === 201) continue;
      expect(r.json(), times[i]).toMatchObject({ error: { code: 'NO_TABLE_AVAILABLE' } });
      // January: London is on UTC.
      const start = new Date(`${DATE}T${times[i]!}:00Z`);
      const end = new Date(start.getTime() + minutes * 60_000);
      expect(await freeTables(venueId, 2, start.toISOString(), end.toISOString()), `refused at ${times[i]!}`).toEqual([]);
    }
  });

  it('pacing holds under concurrency: never more covers than allowed start in a slot', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      settings: { hours: everyDay('12:00', '23:00'), pacing_covers: 10 },
      tables: tablesOf(10, 4),
    });
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 3 })),
    );
    const ok = replies.filter((r) => r.statusCode === 201);
    expect(ok).toHaveLength(3); // 3 × 3 = 9 covers; a fourth party would make 12
    expect(replies.filter((r) => r.statusCode === 409)).toHaveLength(7);
    expect(replies.filter((r) => r.statusCode === 409).every((r) => r.json().error.code === 'PACING_LIMIT')).toBe(true);
    await expectStored(ok.map((r) => r.json<Held>()));
    const { rows } = await sql<{ covers: number }>`
      select coalesce(sum(party_size), 0)::int as covers from inventory.table_allocation where venue_id = ${venueId} and active`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.covers).toBe(9);
    // Each refusal was the pacing's to make: one more party of three would pass the 10 covers.
    expect(rows[0]!.covers + 3).toBeGreaterThan(10);
  });

  it('holds and releases interleaved at random keep every table single-booked', async () => {
    const { venueId } = await newDiningVenue(ctx, { tables: [...tablesOf(3, 2, 'S'), ...tablesOf(3, 4, 'M'), ...tablesOf(2, 8, 'L')] });
    const times = ['18:00', '18:30', '19:00', '19:30', '20:00'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const held: string[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = Array.from({ length: 16 }, () =>
        postHold(ctx, { venue_id: venueId, date: DATE, time: times[rand(times.length)]!, party_size: 1 + rand(8) }),
      );
      const releases = held.splice(0, 4).map((id) => release(ctx, id));
      const replies = await Promise.all([...batch, ...releases]);
      for (const r of replies.slice(0, batch.length)) {
        expect([201, 409]).toContain(r.statusCode);
        if (r.statusCode === 201) held.push(r.json().id);
      }
      expect(await doubleBookings(ctx)).toEqual([]);
    }
  });
});

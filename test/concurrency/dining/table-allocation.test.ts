/**
 * Many parties at once for the same tables: the database decides. On PostgreSQL these requests run
 * in parallel (pool of 10); on PGlite they are serialised, so the outcome must be the same.
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
    expect(replies.filter((r) => r.statusCode === 409).every((r) => r.json().error.code === 'PACING_LIMIT')).toBe(true);
    const { rows } = await sql<{ covers: number }>`
      select coalesce(sum(party_size), 0)::int as covers from inventory.table_allocation where venue_id = ${venueId} and active`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.covers).toBe(9);
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

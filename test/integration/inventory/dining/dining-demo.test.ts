import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDiningDemo } from '../../../../src/services/inventory/dining/dining.demo.js';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { availability, doubleBookings, type AvailabilityReply } from './dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

describe('the dining demo data', () => {
  it('creates two restaurants and a cafe with tables and confirmed seatings tonight, once', async () => {
    await loadDiningDemo(ctx.deps);
    await loadDiningDemo(ctx.deps); // a second load changes nothing
    const db = ctx.database.db;
    const venues = await sql<{ id: string; type: string; n: number }>`
      select v.id, v.type, count(t.id)::int as n from inventory.venue v join inventory.dining_table t on t.venue_id = v.id
      group by v.id, v.type order by v.id`.execute(db);
    expect(venues.rows).toEqual([
      { id: 'bluebell-cafe', type: 'cafe', n: 11 },
      { id: 'copper-pot', type: 'restaurant', n: 13 },
      { id: 'ember-and-oak', type: 'restaurant', n: 9 },
    ]);
    // The clock says Thursday 2026-01-15 12:00 in London: tonight is today; the cafe's are tomorrow morning.
    const holds = await sql<{ venue_id: string; local_date: string; n: number }>`
      select h.venue_id, a.local_date, count(*)::int as n from inventory.hold h join inventory.table_allocation a on a.hold_id = h.id
      where h.status = 'CONFIRMED' and a.active group by h.venue_id, a.local_date order by h.venue_id`.execute(db);
    expect(holds.rows).toEqual([
      { venue_id: 'bluebell-cafe', local_date: '2026-01-16', n: 2 },
      { venue_id: 'copper-pot', local_date: '2026-01-15', n: 5 },
      { venue_id: 'ember-and-oak', local_date: '2026-01-15', n: 3 },
    ]);
    expect(await doubleBookings(ctx)).toEqual([]);
    const tonight = await availability(ctx, { venue_id: 'copper-pot', date: '2026-01-15', party_size: 2 });
    const slot = tonight.json<AvailabilityReply>().slots.find((s) => s.time === '19:00')!;
    expect(slot).toMatchObject({ available: true, covers_left: 18 });
  });
});

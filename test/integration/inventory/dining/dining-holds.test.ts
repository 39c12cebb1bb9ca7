import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { confirm, doubleBookings, everyDay, newDiningVenue, postHold, release, tablesOf } from './dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const DATE = '2026-01-20'; // a Tuesday; the clock starts 2026-01-15T12:00Z, London is on GMT

describe('dining holds', () => {
  it('holds one table for a party and describes it', async () => {
    const { venueId, tables } = await newDiningVenue(ctx, { tables: [{ name: 'A1', min_seats: 2, max_seats: 4, area: 'terrace' }] });
    const res = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 3 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      kind: 'dining',
      venue_id: venueId,
      status: 'HELD',
      expires_at: '2026-01-15T12:15:00.000Z',
      details: {
        table_id: tables[0]!.id,
        table_name: 'A1',
        area: 'terrace',
        min_seats: 2,
        max_seats: 4,
        party_size: 3,
        date: DATE,
        time: '19:00',
        start: '2026-01-20T19:00:00.000Z',
        end: '2026-01-20T21:00:00.000Z',
        duration_minutes: 120,
        buffer_minutes: 0,
      },
    });
    const read = await ctx.app.inject({ method: 'GET', url: `/api/v1/holds/${res.json().id}` });
    expect(read.json()).toEqual(res.json());
  });

  it('refuses 20:00 on the only table held 19:00–21:00, and accepts 21:00 back-to-back', async () => {
    const { venueId } = await newDiningVenue(ctx, { tables: tablesOf(1, 4) });
    const first = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 4 });
    expect(first.statusCode).toBe(201);
    const overlapping = await postHold(ctx, { venue_id: venueId, date: DATE, time: '20:00', party_size: 2 });
    expect(overlapping.statusCode).toBe(409);
    expect(overlapping.json().error.code).toBe('NO_TABLE_AVAILABLE');
    const before = await postHold(ctx, { venue_id: venueId, date: DATE, time: '17:15', party_size: 2 });
    expect(before.statusCode).toBe(409); // 17:15–19:15 overlaps too
    const backToBack = await postHold(ctx, { venue_id: venueId, date: DATE, time: '21:00', party_size: 2 });
    expect(backToBack.statusCode, backToBack.body).toBe(201);
    const earlier = await postHold(ctx, { venue_id: venueId, date: DATE, time: '17:00', party_size: 2 });
    expect(earlier.statusCode, earlier.body).toBe(201); // 17:00–19:00 ends as the 19:00 party sits down
    expect(await doubleBookings(ctx)).toEqual([]);
  });

  it('keeps the turn buffer: the next party may sit at end + buffer, not before', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      settings: { hours: everyDay('12:00', '23:30'), buffer_minutes: 15 },
      tables: tablesOf(1, 4),
    });
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 })).statusCode).toBe(201);
    const tooSoon = await postHold(ctx, { venue_id: venueId, date: DATE, time: '21:00', party_size: 2, duration_minutes: 90 });
    expect(tooSoon.statusCode).toBe(409);
    const afterBuffer = await postHold(ctx, { venue_id: venueId, date: DATE, time: '21:15', party_size: 2, duration_minutes: 90 });
    expect(afterBuffer.statusCode, afterBuffer.body).toBe(201);
    expect(afterBuffer.json().details).toMatchObject({
      start: '2026-01-20T21:15:00.000Z',
      end: '2026-01-20T22:45:00.000Z',
      buffer_minutes: 15,
    });
  });

  it('gives the best fit: a party of 2 gets the 2-top, not the 8-top; then the 4-top', async () => {
    const { venueId, tables } = await newDiningVenue(ctx, {
      tables: [
        { name: 'Big', min_seats: 1, max_seats: 8 },
        { name: 'Four', min_seats: 1, max_seats: 4 },
        { name: 'Two', min_seats: 1, max_seats: 2 },
      ],
    });
    const byName = new Map(tables.map((t) => [t.name, t.id]));
    const a = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 });
    expect(a.json().details.table_id).toBe(byName.get('Two'));
    const b = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 });
    expect(b.json().details.table_id).toBe(byName.get('Four'));
    const c = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 });
    expect(c.json().details.table_id).toBe(byName.get('Big'));
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 1 })).statusCode).toBe(409);
  });

  it('respects min_seats and the area asked for', async () => {
    const { venueId, tables } = await newDiningVenue(ctx, {
      tables: [
        { name: 'Six', min_seats: 4, max_seats: 6, area: 'main' },
        { name: 'Terrace4', min_seats: 2, max_seats: 4, area: 'terrace' },
        { name: 'Main4', min_seats: 2, max_seats: 4, area: 'main' },
      ],
    });
    const byName = new Map(tables.map((t) => [t.name, t.id]));
    const terrace = await postHold(ctx, { venue_id: venueId, date: DATE, time: '13:00', party_size: 2, area: 'terrace' });
    expect(terrace.json().details.table_id).toBe(byName.get('Terrace4'));
    const main = await postHold(ctx, { venue_id: venueId, date: DATE, time: '13:00', party_size: 2 });
    expect(main.json().details.table_id).toBe(byName.get('Main4'));
    // The six-top needs at least four guests.
    const two = await postHold(ctx, { venue_id: venueId, date: DATE, time: '13:00', party_size: 2 });
    expect(two.statusCode).toBe(409);
    const noArea = await postHold(ctx, { venue_id: venueId, date: DATE, time: '13:00', party_size: 2, area: 'roof' });
    expect(noArea.statusCode).toBe(422);
    expect(noArea.json().error.code).toBe('PARTY_SIZE_NOT_SEATED');
  });

  it('uses the duration rules by party size, and the duration asked for', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      settings: {
        hours: everyDay('12:00', '23:00'),
        durations: [
          { max_party: 2, minutes: 90 },
          { max_party: 6, minutes: 150 },
        ],
        default_duration_minutes: 180,
      },
      tables: tablesOf(3, 10),
    });
    const two = await postHold(ctx, { venue_id: venueId, date: DATE, time: '18:00', party_size: 2 });
    expect(two.json().details.duration_minutes).toBe(90);
    const five = await postHold(ctx, { venue_id: venueId, date: DATE, time: '18:00', party_size: 5 });
    expect(five.json().details.duration_minutes).toBe(150);
    const nine = await postHold(ctx, { venue_id: venueId, date: DATE, time: '18:00', party_size: 9 });
    expect(nine.json().details).toMatchObject({ duration_minutes: 180, end: '2026-01-20T21:00:00.000Z' });
    const asked = await postHold(ctx, { venue_id: venueId, date: DATE, time: '21:30', party_size: 2, duration_minutes: 60 });
    expect(asked.json().details).toMatchObject({ duration_minutes: 60, end: '2026-01-20T22:30:00.000Z' });
  });

  it('cafes sit an hour by default', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      type: 'cafe',
      settings: { hours: everyDay('08:00', '18:00') },
      tables: tablesOf(1, 2),
    });
    const res = await postHold(ctx, { venue_id: venueId, date: DATE, time: '10:00', party_size: 2 });
    expect(res.json().details).toMatchObject({ duration_minutes: 60, end: '2026-01-20T11:00:00.000Z' });
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '11:00', party_size: 2 })).statusCode).toBe(201);
  });

  it('frees the table on release and on expiry (clock moved), and keeps it when confirmed', async () => {
    const { venueId } = await newDiningVenue(ctx, { tables: tablesOf(1, 4) });
    const held = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2, ttl_seconds: 60 });
    expect(held.statusCode).toBe(201);
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 })).statusCode).toBe(409);

    ctx.clock.advance(61_000);
    // The expired hold's table is reclaimed by the next request for it, without waiting for the sweep.
    const next = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 });
    expect(next.statusCode, next.body).toBe(201);
    const expired = await ctx.app.inject({ method: 'GET', url: `/api/v1/holds/${held.json().id}` });
    expect(expired.json()).toMatchObject({ status: 'EXPIRED', end_reason: 'expired' });

    expect((await confirm(ctx, next.json().id)).json().status).toBe('CONFIRMED');
    ctx.clock.advance(3_600_000);
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 })).statusCode).toBe(409);

    // A confirmed table can be given back (a cancelled booking), exactly once.
    expect((await release(ctx, next.json().id)).json().status).toBe('RELEASED');
    expect((await release(ctx, next.json().id)).json().status).toBe('RELEASED');
    const again = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 });
    expect(again.statusCode).toBe(201);
    const { rows } = await sql<{ active: boolean; n: number }>`
      select active, count(*)::int as n from inventory.table_allocation where venue_id = ${venueId} group by active order by active`.execute(
      ctx.database.db,
    );
    expect(rows).toEqual([
      { active: false, n: 2 },
      { active: true, n: 1 },
    ]);
  });

  it('replays a hold with the same idempotency key (header wins over body) and refuses another request with it', async () => {
    const { venueId } = await newDiningVenue(ctx, { tables: tablesOf(2, 4) });
    const body = { venue_id: venueId, date: DATE, time: '19:00', party_size: 2, idempotency_key: 'body-key' };
    const first = await postHold(ctx, body, { 'idempotency-key': 'header-key-1' });
    const second = await postHold(ctx, body, { 'idempotency-key': 'header-key-1' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    const other = await postHold(ctx, { ...body, party_size: 3 }, { 'idempotency-key': 'header-key-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The body's key is used when there is no header.
    const byBody = await postHold(ctx, body);
    const byBodyAgain = await postHold(ctx, body);
    expect(byBodyAgain.json().id).toBe(byBody.json().id);
    expect(byBody.json().id).not.toBe(first.json().id);
    // Two tables, two distinct holds: the third try with a fresh key is refused, and its refusal replays.
    const refused = await postHold(ctx, body, { 'idempotency-key': 'header-key-3' });
    expect(refused.statusCode).toBe(409);
    const refusedAgain = await postHold(ctx, body, { 'idempotency-key': 'header-key-3' });
    expect(refusedAgain.statusCode).toBe(409);
    expect(refusedAgain.json()).toEqual(refused.json());
  });

  it('paces new covers per slot', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      settings: { hours: everyDay('12:00', '23:00'), pacing_covers: 6 },
      tables: tablesOf(5, 4),
    });
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 4 })).statusCode).toBe(201);
    const over = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 3 });
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({ code: 'PACING_LIMIT', details: { pacing_covers: 6, covers_booked: 4, party_size: 3 } });
    const fits = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 });
    expect(fits.statusCode).toBe(201);
    // The next slot has its own allowance.
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:15', party_size: 4 })).statusCode).toBe(201);
    // A released party gives its covers back.
    await release(ctx, fits.json().id);
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 })).statusCode).toBe(201);
  });

  it('is refused by the database when an overlapping active allocation is inserted directly', async () => {
    const { venueId, tables } = await newDiningVenue(ctx, { tables: tablesOf(1, 4) });
    const held = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 });
    expect(held.statusCode).toBe(201);
    const db = ctx.database.db;
    const holdId = '00000000-0000-4000-8000-000000000001';
    await sql`insert into inventory.hold (id, kind, venue_id, status, expires_at, created_at, updated_at)
              values (${holdId}, 'dining', ${venueId}, 'HELD', '2026-01-16T00:00:00Z', '2026-01-15T12:00:00Z', '2026-01-15T12:00:00Z')`.execute(
      db,
    );
    const insert = (from: string, to: string, active = true) =>
      sql`insert into inventory.table_allocation
            (hold_id, table_id, venue_id, party_size, during, local_date, local_time, duration_minutes, buffer_minutes, active, ended_at, created_at)
          values (${holdId}, ${tables[0]!.id}, ${venueId}, 2, tstzrange(${from}::timestamptz, ${to}::timestamptz), ${DATE}, '20:00', 120, 0,
                  ${active}, ${active ? null : '2026-01-15T12:00:00Z'}, '2026-01-15T12:00:00Z')`.execute(db);
    await expect(insert('2026-01-20T20:00:00Z', '2026-01-20T22:00:00Z')).rejects.toMatchObject({ code: '23P01' });
    // An inactive (given back) allocation does not block, and the range must match duration + buffer.
    await expect(insert('2026-01-20T20:00:00Z', '2026-01-20T21:00:00Z', false)).rejects.toMatchObject({ code: '23514' });
    await insert('2026-01-20T20:00:00Z', '2026-01-20T22:00:00Z', false);
  });

  it('refuses a table with more minimum than maximum seats, in the database too', async () => {
    const { venueId } = await newDiningVenue(ctx);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${venueId}/tables`,
      payload: { name: 'X', min_seats: 5, max_seats: 4 },
    });
    expect(res.statusCode).toBe(400);
    await expect(
      sql`insert into inventory.dining_table (id, venue_id, name, min_seats, max_seats, area, created_at, updated_at)
          values ('00000000-0000-4000-8000-0000000000aa', ${venueId}, 'X', 5, 4, 'main', now(), now())`.execute(ctx.database.db),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

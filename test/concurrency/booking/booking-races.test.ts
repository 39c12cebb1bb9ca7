/**
 * Races a booking platform meets at its busiest minute: the last rooms, a double-clicked "Book",
 * two receptionists editing one booking. Each ends exact.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { expectReconciled, guest, makeHotel } from '../../helpers/booking-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
});
afterAll(async () => ctx.close());

type Json = Record<string, unknown>;

describe('booking races', () => {
  it('100 simultaneous bookings for 5 remaining rooms: 5 bookings, 95 clean 409s', async () => {
    const hotel = await makeHotel(ctx, { rooms: 5 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/bookings',
          payload: {
            ...guest(i),
            venue_id: hotel.venueId,
            venue_type: 'hotel',
            booking_date: '2026-03-10',
            nights: 3,
            party_size: 2,
            room_type_id: hotel.roomTypeId,
          },
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(95);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json<Json>()).toMatchObject({ error: { code: 'NO_AVAILABILITY' } });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from booking.booking where venue_id = ${hotel.venueId}`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.n).toBe(5);
    await expectReconciled(ctx);
  });

  it('two simultaneous updates with the same expected version: one 200, one 409, nothing lost', async () => {
    const hotel = await makeHotel(ctx, { rooms: 5 });
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-03-10',
        nights: 1,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
      },
    });
    const id = created.json<Json>().id as string;
    const [a, b] = await Promise.all([
      ctx.app.inject({
        method: 'PUT',
        url: `/api/v1/bookings/${id}`,
        headers: { 'if-match': '"1"' },
        payload: { special_requests: 'quiet room' },
      }),
      ctx.app.inject({
        method: 'PUT',
        url: `/api/v1/bookings/${id}`,
        headers: { 'if-match': '"1"' },
        payload: { booking_date: '2026-03-12', nights: 2 },
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json<Json>()).toMatchObject({ error: { code: 'BOOKING_VERSION_CONFLICT', details: { current_version: 2 } } });
    const final = (await ctx.app.inject({ method: 'GET', url: `/api/v1/bookings/${id}` })).json<Json>();
    expect(final.version).toBe(2);
    await expectReconciled(ctx);
  });

  it('twenty simultaneous creates with one idempotency key make one booking', async () => {
    const hotel = await makeHotel(ctx, { rooms: 5 });
    const payload = {
      ...guest(1),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-03-20',
      nights: 2,
      party_size: 2,
      room_type_id: hotel.roomTypeId,
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { 'idempotency-key': 'double-click-1' }, payload }),
      ),
    );
    const created = results.filter((r) => r.statusCode === 201);
    const inProgress = results.filter((r) => r.statusCode === 409);
    expect(created.length + inProgress.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const bodies = new Set(created.map((r) => r.body));
    expect(bodies.size).toBe(1);
    for (const r of inProgress) expect(r.json<Json>()).toMatchObject({ error: { code: 'IDEMPOTENCY_IN_PROGRESS' } });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from booking.booking where venue_id = ${hotel.venueId}`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.n).toBe(1);

    const retry = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { 'idempotency-key': 'double-click-1' },
      payload,
    });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(retry.body)).toEqual(JSON.parse(created[0]!.body));

    const other = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { 'idempotency-key': 'double-click-1' },
      payload: { ...payload, nights: 3 },
    });
    expect(other.statusCode).toBe(422);
    expect(other.json<Json>()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });

    const viaBody = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: { ...payload, idempotency_key: 'body-key-1' },
    });
    const viaBodyAgain = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: { ...payload, idempotency_key: 'body-key-1' },
    });
    expect(viaBodyAgain.json<Json>().id).toBe(viaBody.json<Json>().id);
    await expectReconciled(ctx);
  });

  it('a refusal is stored under its key and replayed, and a failed create leaves the key usable', async () => {
    const hotel = await makeHotel(ctx, { rooms: 1 });
    const payload = {
      ...guest(1),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-04-01',
      nights: 1,
      party_size: 1,
      room_type_id: hotel.roomTypeId,
    };
    expect((await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', payload })).statusCode).toBe(201);
    const first = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { 'idempotency-key': 'full-1' }, payload });
    expect(first.statusCode).toBe(409);
    const again = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { 'idempotency-key': 'full-1' }, payload });
    expect(again.statusCode).toBe(409);
    expect(again.body).toBe(first.body);
    await expectReconciled(ctx);
  });

  it('keys expire after their TTL and are purged by the job', async () => {
    const hotel = await makeHotel(ctx, { rooms: 3 });
    const payload = {
      ...guest(1),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-04-10',
      nights: 1,
      party_size: 1,
      room_type_id: hotel.roomTypeId,
    };
    const first = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { 'idempotency-key': 'ttl-1' }, payload });
    ctx.clock.advance(25 * 3_600_000);
    const purge = await ctx.deps.scheduler.runNow('purge-booking-idempotency-keys');
    expect((purge.result as { purged: number }).purged).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from booking.idempotency_key where key = 'ttl-1'`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.n).toBe(0);
    ctx.clock.set('2026-01-15T12:00:00Z');
    expect(first.statusCode).toBe(201);
  });
});

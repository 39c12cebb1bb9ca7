/**
 * Races a booking platform meets at its busiest minute: the last rooms, a double-clicked "Book",
 * two receptionists editing one booking. Each ends exact.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import {
  expectCompensated,
  expectNoSagaRunning,
  expectReconciled,
  guest,
  makeHotel,
  sagaIds,
  sagasSince,
} from '../../helpers/booking-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
});
afterAll(async () => ctx.close());
afterEach(async () => expectNoSagaRunning(ctx));

type Json = Record<string, unknown>;

describe('booking races', () => {
  it('100 simultaneous bookings for 5 remaining rooms: 5 bookings, 95 clean 409s', async () => {
    const hotel = await makeHotel(ctx, { rooms: 5 });
    const before = await sagaIds(ctx);
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
    // Every request started a saga (the refusal comes from its hold step): the five winners' are
    // completed, the 95 refused ones compensated, with the refusal as their outcome.
    const sagas = await sagasSince(ctx, before);
    expect(sagas).toHaveLength(100);
    const won = new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json<Json>().id as string));
    expect(sagas.filter((s) => won.has(s.booking_id)).map((s) => s.status)).toEqual(Array(5).fill('completed'));
    const refused = sagas.filter((s) => !won.has(s.booking_id));
    expect(refused).toHaveLength(95);
    expectCompensated(refused, /^not held: No room of type .* left on /);
    await expectReconciled(ctx);
  });

  it('two simultaneous updates with the same expected version: one 200, one 409, the winner stored, the loser not', async () => {
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
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<Json>().id as string;
    // Two receptionists, each from version 1: one adds a request, the other moves the stay.
    const changes = [
      { payload: { special_requests: 'quiet room' }, changed: ['specialRequests'] },
      { payload: { booking_date: '2026-03-12', nights: 2 }, changed: ['date', 'nights'] },
    ] as const;
    const answers = await Promise.all(
      changes.map((c) =>
        ctx.app.inject({ method: 'PUT', url: `/api/v1/bookings/${id}`, headers: { 'if-match': '"1"' }, payload: c.payload }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const w = answers.findIndex((a) => a.statusCode === 200);
    const winner = answers[w]!;
    const loser = answers[1 - w]!;
    expect(loser.json<Json>()).toEqual({
      error: {
        code: 'BOOKING_VERSION_CONFLICT',
        message: expect.any(String) as string,
        details: { current_version: 2, current_status: 'PENDING' },
      },
    });

    // The stored booking holds exactly the winner's change, and none of the loser's.
    const stay =
      w === 0
        ? { check_in: '2026-03-10', check_out: '2026-03-11', special_requests: 'quiet room' }
        : { check_in: '2026-03-12', check_out: '2026-03-14', special_requests: null };
    const stored = await sql<{ version: number; status: string; check_in: string; check_out: string; special_requests: string | null }>`
      select version, status, check_in, check_out, special_requests from booking.booking where id = ${id}`.execute(ctx.database.db);
    // Special requests are sealed at rest (booking.pii.ts): opened with the process's keys to compare.
    const row = stored.rows.map((r) => ({
      ...r,
      special_requests: ctx.deps.pii.openOptional('booking.special_requests', r.special_requests),
    }));
    expect(row).toEqual([{ version: 2, status: 'PENDING', ...stay }]);
    expect(winner.json<Json>()).toMatchObject({ id, version: 2, special_requests: stay.special_requests });
    const final = await ctx.app.inject({ method: 'GET', url: `/api/v1/bookings/${id}` });
    expect(final.headers.etag).toBe('"2"');
    expect(final.json<Json>()).toEqual(winner.json<Json>());

    // Its history has one change, the winner's: one booking.updated event carrying the stored state
    // (and naming the winner's fields among what it changed), and no status change beside the creation.
    const events = await sql<{ event_type: string; state: Json; changed: string[] | null }>`
      select event_type, payload->'payload' as state, payload->'payload'->'changed' as changed
      from booking.outbox_event where aggregate_id = ${id} order by seq`.execute(ctx.database.db);
    expect(events.rows.map((e) => e.event_type)).toEqual(['booking.created', 'booking.updated']);
    const updated = events.rows[1]!;
    expect(updated.state).toMatchObject({ booking_id: id, version: 2, check_in: stay.check_in, check_out: stay.check_out });
    expect(updated.changed).toEqual(expect.arrayContaining([...changes[w]!.changed]));
    const history = await sql<{ from_status: string | null; to_status: string }>`
      select from_status, to_status from booking.booking_status_history where booking_id = ${id}`.execute(ctx.database.db);
    expect(history.rows).toEqual([{ from_status: null, to_status: 'PENDING' }]);
    // The nights taken are the winner's stay only (a losing move gave its new hold back).
    const taken = await sql<{ night: string; reserved: number }>`
      select night, reserved from inventory.room_night where room_type_id = ${hotel.roomTypeId} and reserved > 0 order by night`.execute(
      ctx.database.db,
    );
    expect(taken.rows).toEqual(
      w === 0
        ? [{ night: '2026-03-10', reserved: 1 }]
        : [
            { night: '2026-03-12', reserved: 1 },
            { night: '2026-03-13', reserved: 1 },
          ],
    );
    await expectReconciled(ctx);
  });

  it('two simultaneous status changes from the same version: one history row, the winner’s; the loser 409 with the current version', async () => {
    const hotel = await makeHotel(ctx, { rooms: 5 });
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-03-15',
        nights: 2,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<Json>().id as string;
    const confirmed = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${id}/status`, payload: { status: 'CONFIRMED' } });
    expect(confirmed.json<Json>()).toMatchObject({ status: 'CONFIRMED', version: 2 });

    const headers = { 'if-match': '"2"' };
    const targets = ['CHECKED_IN', 'CANCELLED'] as const;
    const answers = await Promise.all([
      ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${id}/status`, headers, payload: { status: 'CHECKED_IN' } }),
      ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${id}/cancel`, headers, payload: { cancelled_by: 'desk-2' } }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const w = answers.findIndex((a) => a.statusCode === 200);
    const won = targets[w]!;
    expect(answers[1 - w]!.json<Json>()).toMatchObject({
      error: { code: 'BOOKING_VERSION_CONFLICT', details: { current_version: 3, current_status: won } },
    });
    const stored = await sql<{ status: string; version: number; cancelled_by: string | null }>`
      select status, version, cancelled_by from booking.booking where id = ${id}`.execute(ctx.database.db);
    expect(stored.rows).toEqual([{ status: won, version: 3, cancelled_by: won === 'CANCELLED' ? 'desk-2' : null }]);
    const history = await sql<{ from_status: string | null; to_status: string }>`
      select from_status, to_status from booking.booking_status_history where booking_id = ${id} order by id`.execute(ctx.database.db);
    expect(history.rows).toEqual([
      { from_status: null, to_status: 'PENDING' },
      { from_status: 'PENDING', to_status: 'CONFIRMED' },
      { from_status: 'CONFIRMED', to_status: won },
    ]);
    const changes = await sql<{ n: number }>`
      select count(*)::int as n from booking.outbox_event where aggregate_id = ${id} and event_type = 'booking.status_changed'`.execute(
      ctx.database.db,
    );
    expect(changes.rows[0]!.n).toBe(2);
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
    const before = await sagaIds(ctx);
    const first = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { 'idempotency-key': 'full-1' }, payload });
    expect(first.statusCode).toBe(409);
    const refused = await sagasSince(ctx, before);
    expect(refused).toHaveLength(1);
    expectCompensated(refused, /^not held: No room of type .* left on /);
    const again = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', headers: { 'idempotency-key': 'full-1' }, payload });
    expect(again.statusCode).toBe(409);
    expect(again.body).toBe(first.body);
    expect(await sagasSince(ctx, before), 'a replayed refusal starts no saga').toEqual(refused);
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
    expect(first.statusCode).toBe(201);
  });
});

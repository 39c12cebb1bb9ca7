/**
 * The whole lifecycle over HTTP against a started server, for a hotel stay, a restaurant table and a
 * cafe table: every step leaves the right history and outbox rows, and inventory matches bookings.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { expectNoSagaRunning, expectReconciled, guest, makeDiningVenue, makeHotel } from '../../helpers/booking-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
});
afterAll(async () => ctx.close());
afterEach(async () => expectNoSagaRunning(ctx));

type Json = Record<string, unknown>;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: Json, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({ method, url, payload, headers });
  return { status: res.statusCode, body: res.json<Json>(), headers: res.headers };
}

async function history(id: string) {
  const { rows } = await sql<{ from_status: string | null; to_status: string; changed_by: string; reason: string | null }>`
    select from_status, to_status, changed_by, reason from booking.booking_status_history where booking_id = ${id} order by id`.execute(
    ctx.database.db,
  );
  return rows;
}

async function outbox(id: string) {
  const { rows } = await sql<{ event_type: string; payload: Json }>`
    select event_type, payload from booking.outbox_event where aggregate_id = ${id} order by seq`.execute(ctx.database.db);
  return rows;
}

async function holdStatus(holdId: string): Promise<string> {
  const { rows } = await sql<{ status: string }>`select status from inventory.hold where id = ${holdId}`.execute(ctx.database.db);
  return rows[0]!.status;
}

async function lifecycle(create: Json, change: Json) {
  const created = await call('POST', '/api/v1/bookings', create);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const b = created.body;
  expect(b.status).toBe('PENDING');
  expect(b.version).toBe(1);
  expect(b.booking_reference).toMatch(/^BR-20260115-[A-Z0-9]{6}$/);
  expect(created.headers.etag).toBe('"1"');
  const id = b.id as string;
  expect(await holdStatus(b.inventory_reservation_id as string)).toBe('HELD');

  const byId = await call('GET', `/api/v1/bookings/${id}`);
  expect(byId.status).toBe(200);
  expect(byId.body).toEqual(b);
  const byRef = await call('GET', `/api/v1/bookings/reference/${b.booking_reference as string}`);
  expect(byRef.body.id).toBe(id);

  const updated = await call('PUT', `/api/v1/bookings/${id}`, change, { 'if-match': '"1"' });
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  expect(updated.body.version).toBe(2);
  expect(updated.headers.etag).toBe('"2"');

  const confirmed = await call('POST', `/api/v1/bookings/${id}/status`, { status: 'CONFIRMED', changed_by: 'front-desk' });
  expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', version: 3, inventory_status: 'CONFIRMED' });
  expect(await holdStatus(confirmed.body.inventory_reservation_id as string)).toBe('CONFIRMED');
  const checkedIn = await call('POST', `/api/v1/bookings/${id}/status`, { status: 'CHECKED_IN', changed_by: 'front-desk' });
  expect(checkedIn.body).toMatchObject({ status: 'CHECKED_IN', version: 4 });
  const completed = await call('POST', `/api/v1/bookings/${id}/status`, { status: 'COMPLETED', changed_by: 'front-desk' });
  expect(completed.body).toMatchObject({ status: 'COMPLETED', version: 5 });

  expect((await history(id)).map((h) => `${h.from_status}->${h.to_status}`)).toEqual([
    'null->PENDING',
    'PENDING->CONFIRMED',
    'CONFIRMED->CHECKED_IN',
    'CHECKED_IN->COMPLETED',
  ]);
  const events = await outbox(id);
  expect(events.map((e) => e.event_type)).toEqual([
    'booking.created',
    'booking.updated',
    'booking.status_changed',
    'booking.confirmed',
    'booking.status_changed',
    'booking.checked_in',
    'booking.status_changed',
    'booking.completed',
  ]);
  for (const e of events) {
    expect(e.payload).toMatchObject({ event_type: e.event_type, source: 'booking-reservation-service', version: '1.0' });
    expect(e.payload.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(e.payload)).not.toContain('Guest Number'); // no PII in events
  }
  const changed = events.filter((e) => e.event_type === 'booking.status_changed').map((e) => e.payload.payload as Json);
  for (const p of changed) expect(p.from_status).not.toBe(p.to_status);
  await expectReconciled(ctx);
  return updated.body;
}

async function cancelled(create: Json) {
  const created = await call('POST', '/api/v1/bookings', create);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const res = await call('POST', `/api/v1/bookings/${id}/cancel`, { reason: 'plans changed', cancelled_by: 'guest-1' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    status: 'CANCELLED',
    cancellation_reason: 'plans changed',
    cancelled_by: 'guest-1',
    inventory_status: 'RELEASED',
  });
  expect(await holdStatus(created.body.inventory_reservation_id as string)).toBe('RELEASED');
  expect(await history(id)).toEqual([
    { from_status: null, to_status: 'PENDING', changed_by: 'guest-1', reason: 'created' },
    { from_status: 'PENDING', to_status: 'CANCELLED', changed_by: 'guest-1', reason: 'plans changed' },
  ]);
  expect((await outbox(id)).map((e) => e.event_type)).toEqual(['booking.created', 'booking.status_changed', 'booking.cancelled']);
  // Cancelling again is not a new transition: a terminal booking answers 400 naming both states.
  const again = await call('POST', `/api/v1/bookings/${id}/status`, { status: 'CONFIRMED' });
  expect(again.status).toBe(400);
  expect(again.body).toMatchObject({
    error: { code: 'INVALID_STATUS_TRANSITION', message: 'A booking cannot go from CANCELLED to CONFIRMED.' },
  });
  await expectReconciled(ctx);
}

describe('the booking lifecycle', () => {
  it('runs for a hotel stay, moving the stay on update', async () => {
    const hotel = await makeHotel(ctx, { rooms: 3, price: 15_000 });
    const updated = await lifecycle(
      {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-02-10',
        nights: 2,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
      },
      { booking_date: '2026-02-11', nights: 3, special_requests: 'late arrival' },
    );
    expect(updated).toMatchObject({
      check_in: '2026-02-11',
      check_out: '2026-02-14',
      nights: 3,
      total_price: 45_000,
      room_price: 15_000,
      currency: 'GBP',
    });
    await cancelled({
      ...guest(1),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-03-01',
      check_out: '2026-03-04',
      party_size: 1,
      room_type_id: hotel.roomTypeId,
    });
  });

  it('runs for a restaurant table, moving the seating on update', async () => {
    const venue = await makeDiningVenue(ctx, { type: 'restaurant', tables: 2 });
    const updated = await lifecycle(
      { ...guest(2), venue_id: venue.venueId, venue_type: 'restaurant', booking_date: '2026-02-10', booking_time: '19:00', party_size: 4 },
      { booking_time: '20:00', party_size: 3 },
    );
    expect(updated).toMatchObject({ booking_time: '20:00', party_size: 3, duration_minutes: 120 });
    await cancelled({
      ...guest(1),
      venue_id: venue.venueId,
      venue_type: 'restaurant',
      booking_date: '2026-02-12',
      booking_time: '12:30',
      party_size: 2,
    });
  });

  it('runs for a cafe table with the cafe default of one hour', async () => {
    const venue = await makeDiningVenue(ctx, { type: 'cafe', tables: 2, seats: 2 });
    const updated = await lifecycle(
      { ...guest(3), venue_id: venue.venueId, venue_type: 'cafe', booking_date: '2026-02-10', booking_time: '09:00', party_size: 2 },
      { guest_name: 'Guest Number 3 (renamed)' },
    );
    expect(updated).toMatchObject({ duration_minutes: 60, booking_time: '09:00' });
    await cancelled({
      ...guest(1),
      venue_id: venue.venueId,
      venue_type: 'cafe',
      booking_date: '2026-02-12',
      booking_time: '10:00',
      party_size: 1,
    });
  });

  it('completing a stay early gives the unused nights back', async () => {
    const hotel = await makeHotel(ctx, { rooms: 1 });
    const created = await call('POST', '/api/v1/bookings', {
      ...guest(4),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-01-15',
      nights: 4,
      party_size: 1,
      room_type_id: hotel.roomTypeId,
    });
    const id = created.body.id as string;
    await call('POST', `/api/v1/bookings/${id}/status`, { status: 'CONFIRMED' });
    await call('POST', `/api/v1/bookings/${id}/status`, { status: 'CHECKED_IN' });
    ctx.clock.set('2026-01-17T10:00:00Z'); // leaves after two nights
    const done = await call('POST', `/api/v1/bookings/${id}/status`, { status: 'COMPLETED' });
    expect(done.body).toMatchObject({ status: 'COMPLETED', check_out: '2026-01-17', nights: 2 });
    const { rows } = await sql<{ night: string; reserved: number }>`
      select night, reserved from inventory.room_night where room_type_id = ${hotel.roomTypeId} and night between '2026-01-15' and '2026-01-18' order by night`.execute(
      ctx.database.db,
    );
    expect(rows).toEqual([
      { night: '2026-01-15', reserved: 1 },
      { night: '2026-01-16', reserved: 1 },
      { night: '2026-01-17', reserved: 0 },
      { night: '2026-01-18', reserved: 0 },
    ]);
    await expectReconciled(ctx);
  });

  it('expires a PENDING booking after 15 minutes and returns its hold', async () => {
    const hotel = await makeHotel(ctx, { rooms: 1 });
    const created = await call('POST', '/api/v1/bookings', {
      ...guest(5),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-04-01',
      nights: 1,
      party_size: 1,
      room_type_id: hotel.roomTypeId,
    });
    const id = created.body.id as string;
    ctx.clock.advanceMinutes(14);
    expect((await ctx.deps.scheduler.runNow('expire-pending-bookings')).result).toEqual({ expired: 0 });
    ctx.clock.advanceMinutes(2);
    expect((await ctx.deps.scheduler.runNow('expire-pending-bookings')).result).toEqual({ expired: 1 });
    expect((await call('GET', `/api/v1/bookings/${id}`)).body).toMatchObject({ status: 'EXPIRED', inventory_status: 'RELEASED' });
    expect((await outbox(id)).map((e) => e.event_type)).toEqual(['booking.created', 'booking.status_changed', 'booking.expired']);
    await expectReconciled(ctx);
  });

  it('answers lists with the total of every match', async () => {
    const hotel = await makeHotel(ctx, { rooms: 5 });
    for (let i = 0; i < 3; i++) {
      const res = await call('POST', '/api/v1/bookings', {
        ...guest(77),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: `2026-05-0${i + 1}`,
        nights: 1,
        party_size: 1,
        room_type_id: hotel.roomTypeId,
      });
      expect(res.status).toBe(201);
    }
    const list = await call('GET', '/api/v1/bookings/guest/guest-77?limit=2&offset=0');
    expect(list.body).toMatchObject({ total: 3, page: 1, page_size: 2, total_pages: 2 });
    expect((list.body.bookings as unknown[]).length).toBe(2);
    const venueList = await call('GET', `/api/v1/bookings/venue/${hotel.venueId}?limit=10&offset=2`);
    expect(venueList.body).toMatchObject({ total: 3, page: 1 });
    expect((venueList.body.bookings as unknown[]).length).toBe(1);
    expect((await call('GET', '/api/v1/bookings/guest/guest-77?limit=0')).status).toBe(400);
    expect((await call('GET', '/api/v1/bookings/guest/guest-77?limit=1001')).status).toBe(400);
  });

  it('checks availability from capacity, not from other bookings', async () => {
    const venue = await makeDiningVenue(ctx, { type: 'restaurant', tables: 2 });
    const first = await call('POST', '/api/v1/bookings/availability/check', {
      venue_id: venue.venueId,
      booking_date: '2026-06-01',
      booking_time: '19:00',
      party_size: 4,
    });
    expect(first.body).toMatchObject({ available: true });
    expect((first.body.options as Json[])[0]).toEqual({ time: '19:00', available: 2 });
    await call('POST', '/api/v1/bookings', {
      ...guest(1),
      venue_id: venue.venueId,
      venue_type: 'restaurant',
      booking_date: '2026-06-01',
      booking_time: '19:00',
      party_size: 4,
    });
    const second = await call('POST', '/api/v1/bookings/availability/check', {
      venue_id: venue.venueId,
      booking_date: '2026-06-01',
      booking_time: '19:00',
      party_size: 4,
    });
    expect(second.body).toMatchObject({ available: true });
    expect((second.body.options as Json[])[0]).toEqual({ time: '19:00', available: 1 });
    await call('POST', '/api/v1/bookings', {
      ...guest(2),
      venue_id: venue.venueId,
      venue_type: 'restaurant',
      booking_date: '2026-06-01',
      booking_time: '19:00',
      party_size: 4,
    });
    const full = await call('POST', '/api/v1/bookings/availability/check', {
      venue_id: venue.venueId,
      booking_date: '2026-06-01',
      booking_time: '19:00',
      party_size: 4,
    });
    expect(full.body).toMatchObject({ available: false });
    expect((full.body.options as Json[])[0]).toEqual({ time: '19:00', available: 0 });
    expect((full.body.options as Json[]).slice(1).every((o) => (o.available as number) > 0)).toBe(true);

    const hotel = await makeHotel(ctx, { rooms: 2, price: 10_000 });
    const rooms = await call('POST', '/api/v1/bookings/availability/check', {
      venue_id: hotel.venueId,
      booking_date: '2026-06-01',
      nights: 2,
      party_size: 2,
    });
    expect(rooms.body).toMatchObject({ available: true, options: [{ room_type_id: hotel.roomTypeId, available: 2, total_price: 20_000 }] });
  });

  it('refuses bad requests with clear errors and creates nothing', async () => {
    const hotel = await makeHotel(ctx, { rooms: 1 });
    const before = await sql<{ n: number }>`select count(*)::int as n from booking.booking`.execute(ctx.database.db);
    const base = {
      ...guest(9),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-07-01',
      nights: 1,
      party_size: 1,
      room_type_id: hotel.roomTypeId,
    };
    const cases: [Json, number, string][] = [
      [{ ...base, booking_date: '2026-01-10' }, 400, 'BOOKING_IN_PAST'],
      [{ ...base, venue_type: 'restaurant', booking_time: '19:00' }, 400, 'VENUE_TYPE_MISMATCH'],
      [{ ...base, venue_id: 'no-such-venue' }, 404, 'INVENTORY_NOT_FOUND'],
      [{ ...base, room_type_id: 'NOPE' }, 404, 'INVENTORY_NOT_FOUND'],
      [{ ...base, party_size: 0 }, 400, 'VALIDATION_FAILED'],
      [{ ...base, booking_date: '2026-02-30' }, 400, 'VALIDATION_FAILED'],
      [{ ...base, surprise: 1 }, 400, 'VALIDATION_FAILED'],
      [{ ...base, nights: undefined }, 400, 'BOOKING_INVALID'],
      [{ ...base, adults: 9 }, 400, 'BOOKING_INVALID'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await call('POST', '/api/v1/bookings', payload);
      expect({ status: res.status, code: (res.body.error as Json | undefined)?.code }, JSON.stringify(payload)).toEqual({ status, code });
    }
    const after = await sql<{ n: number }>`select count(*)::int as n from booking.booking`.execute(ctx.database.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    await expectReconciled(ctx);

    const created = await call('POST', '/api/v1/bookings', base);
    const id = created.body.id as string;
    expect((await call('PUT', `/api/v1/bookings/${id}`, { special_requests: 'x' })).body).toMatchObject({
      error: { code: 'EXPECTED_VERSION_REQUIRED' },
    });
    expect((await call('PUT', `/api/v1/bookings/${id}`, { special_requests: 'x' }, { 'if-match': '"7"' })).status).toBe(409);
    expect((await call('PUT', `/api/v1/bookings/${id}?expected_version=1`, { special_requests: 'x', expected_version: 2 })).status).toBe(
      400,
    );
    expect((await call('GET', '/api/v1/bookings/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call('POST', `/api/v1/bookings/${id}/status`, { status: 'COMPLETED' })).body).toMatchObject({
      error: { code: 'INVALID_STATUS_TRANSITION', details: { from: 'PENDING', to: 'COMPLETED' } },
    });
  });
});

/** The seed-001 `/bookings` surface, exactly as CONTRACTS.md says, over the same code as /api/v1. */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import {
  expectCompensated,
  expectNoSagaRunning,
  expectReconciled,
  sagaIds,
  sagasSince,
  type Hotel,
} from '../../helpers/booking-fixtures.js';

let ctx: TestContext;
let hotel: Hotel;
let hotelId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
  // Seed-001 hotels have integer ids; the room type is named, not id'd.
  hotelId = 900 + Math.floor(Math.random() * 90);
  await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    payload: { id: String(hotelId), organization_id: 'org', type: 'hotel', name: 'The Grand', location: 'Brighton', currency: 'GBP' },
  });
  const roomType = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/venues/${hotelId}/room-types`,
    payload: { id: `${hotelId}-DELUXE`, name: 'Deluxe Rooms', capacity_adults: 3, price: 15_600, total_quantity: 2 },
  });
  expect(roomType.statusCode).toBe(201);
  hotel = { venueId: String(hotelId), roomTypeId: `${hotelId}-DELUXE`, price: 15_600 };
});
afterAll(async () => ctx.close());
afterEach(async () => expectNoSagaRunning(ctx));

type Json = Record<string, unknown>;
const body = (over: Json = {}) => ({
  guest_name: 'Ada Lovelace',
  hotel_id: hotelId,
  arrival_date: '2026-02-01',
  stay_length: 3,
  room_type: 'Deluxe Rooms',
  adults: 2,
  children: 1,
  is_holiday: true,
  meal_plan: 'BB',
  market_segment: 'Online',
  booking_channel: 'Direct',
  ...over,
});

async function reserved(): Promise<Record<string, number>> {
  const { rows } = await sql<{ night: string; reserved: number }>`
    select night, reserved from inventory.room_night where room_type_id = ${hotel.roomTypeId} and reserved > 0 order by night`.execute(
    ctx.database.db,
  );
  return Object.fromEntries(rows.map((r) => [r.night, r.reserved]));
}

describe('/bookings (seed 001)', () => {
  it('creates a confirmed booking with a 7-character id, a masked name and every night taken', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/bookings/', payload: body() });
    expect(res.statusCode).toBe(200);
    const b = res.json<Json>();
    expect(b.booking_id).toMatch(/^[A-Z0-9]{7}$/);
    expect(b).toMatchObject({
      guest_name: '[REDACTED]',
      hotel_name: 'The Grand',
      arrival_date: '2026-02-01',
      stay_length: 3,
      check_out_date: '2026-02-04',
      room_type: 'Deluxe Rooms',
      adults: 2,
      children: 1,
      meal_plan: 'BB',
      market_segment: 'Online',
      is_holiday: true,
      booking_channel: 'Direct',
      room_price: 156,
      total_price: 468,
      reservation_status: 'confirmed',
    });
    expect(res.body).not.toContain('Ada');
    expect(await reserved()).toEqual({ '2026-02-01': 1, '2026-02-02': 1, '2026-02-03': 1 });

    const got = await ctx.app.inject({ method: 'GET', url: `/bookings/${b.booking_id as string}` });
    expect(got.json()).toEqual(b);
    // Visible through /api/v1 too.
    const v1 = await ctx.app.inject({ method: 'GET', url: `/api/v1/bookings/venue/${hotelId}?limit=10&offset=0` });
    expect(v1.json<Json>()).toMatchObject({
      total: 1,
      bookings: [{ status: 'CONFIRMED', source: 'seed-001', room_type_id: hotel.roomTypeId }],
    });
    await expectReconciled(ctx);
  });

  it('keeps its 400s as 400s with the contract’s messages, and 422 for an invalid body', async () => {
    const cases: [Json, number, unknown][] = [
      [body({ room_type: 'Igloo' }), 400, 'Room type not found in inventory for the given hotel.'],
      [body({ hotel_id: 123456 }), 400, 'Room type not found in inventory for the given hotel.'],
      [body({ arrival_date: '2026-01-01' }), 400, 'Cannot book for a past date.'],
    ];
    for (const [payload, status, detail] of cases) {
      const res = await ctx.app.inject({ method: 'POST', url: '/bookings/', payload });
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status, body: { detail } });
    }
    for (const bad of [
      body({ stay_length: 0 }),
      body({ adults: 0 }),
      body({ children: -1 }),
      body({ arrival_date: 'soon' }),
      { guest_name: 'x' },
    ]) {
      const res = await ctx.app.inject({ method: 'POST', url: '/bookings/', payload: bad });
      expect(res.statusCode).toBe(422);
      expect(Array.isArray(res.json<{ detail: unknown }>().detail)).toBe(true);
    }
    // Two rooms of this type exist and one is taken: the second booking fits, the third does not.
    expect((await ctx.app.inject({ method: 'POST', url: '/bookings/', payload: body() })).statusCode).toBe(200);
    const before = await sagaIds(ctx);
    const full = await ctx.app.inject({ method: 'POST', url: '/bookings/', payload: body({ arrival_date: '2026-02-03', stay_length: 1 }) });
    expect({ status: full.statusCode, body: full.json() }).toEqual({
      status: 400,
      body: { detail: 'No available rooms for the selected room type.' },
    });
    const refused = await sagasSince(ctx, before);
    expect(refused).toHaveLength(1);
    expectCompensated(refused, /^not held: /);
    await expectReconciled(ctx);
  });

  it('moves the inventory on PATCH, refuses unknown fields with 422, and cancels exactly once', async () => {
    const created = (
      await ctx.app.inject({ method: 'POST', url: '/bookings/', payload: body({ arrival_date: '2026-03-01', stay_length: 2 }) })
    ).json<Json>();
    const id = created.booking_id as string;
    const before = await reserved();
    const moved = await ctx.app.inject({
      method: 'PATCH',
      url: `/bookings/${id}`,
      payload: { arrival_date: '2026-03-05', stay_length: 1 },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ arrival_date: '2026-03-05', stay_length: 1, check_out_date: '2026-03-06', total_price: 156 });
    const after = await reserved();
    expect(after['2026-03-01']).toBeUndefined();
    expect(after['2026-03-05']).toBe(1);
    expect(before['2026-03-01']).toBe(1);

    const unknown = await ctx.app.inject({
      method: 'PATCH',
      url: `/bookings/${id}`,
      payload: { arrival_date: '2026-03-06', colour: 'blue' },
    });
    expect(unknown.statusCode).toBe(422);
    expect(await reserved()).toEqual(after);

    const cancel = await ctx.app.inject({ method: 'DELETE', url: `/bookings/${id}` });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ booking_id: id, reservation_status: 'cancelled' });
    expect((await reserved())['2026-03-05']).toBeUndefined();
    const twice = await ctx.app.inject({ method: 'DELETE', url: `/bookings/${id}` });
    expect({ status: twice.statusCode, body: twice.json() }).toEqual({ status: 400, body: { detail: 'Booking is already cancelled' } });
    const patchCancelled = await ctx.app.inject({ method: 'PATCH', url: `/bookings/${id}`, payload: { adults: 1 } });
    expect({ status: patchCancelled.statusCode, body: patchCancelled.json() }).toEqual({
      status: 400,
      body: { detail: 'Booking has been cancelled and cannot be modified' },
    });
    const missing = await ctx.app.inject({ method: 'GET', url: '/bookings/ZZZZZZZ' });
    expect({ status: missing.statusCode, body: missing.json() }).toEqual({ status: 404, body: { detail: 'Booking not found' } });
    await expectReconciled(ctx);
  });

  it('lists bookings with masked names, paginated', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/bookings/?skip=0&limit=2' });
    expect(page.statusCode).toBe(200);
    const rows = page.json<Json[]>();
    expect(rows.length).toBe(2);
    for (const r of rows) expect(r.guest_name).toBe('[REDACTED]');
    expect((await ctx.app.inject({ method: 'GET', url: '/bookings' })).statusCode).toBe(200);
  });

  it('the daily job completes stays past check-out and returns nothing they still use', async () => {
    const created = (
      await ctx.app.inject({ method: 'POST', url: '/bookings/', payload: body({ arrival_date: '2026-01-20', stay_length: 2 }) })
    ).json<Json>();
    ctx.clock.set('2026-01-23T04:00:00Z');
    const run = await ctx.deps.scheduler.runNow('complete-stays');
    expect((run.result as { completed: number }).completed).toBeGreaterThanOrEqual(1);
    const got = (await ctx.app.inject({ method: 'GET', url: `/bookings/${created.booking_id as string}` })).json<Json>();
    expect(got.reservation_status).toBe('completed');
    await expectReconciled(ctx);
  });
});

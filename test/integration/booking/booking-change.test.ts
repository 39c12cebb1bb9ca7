/**
 * Changing a booking as a recorded saga: a paid change that costs more charges the new total once on
 * a new payment and refunds the old one; one that costs less refunds the difference; a refused change
 * (no room, no card, a declined card) changes nothing, leaves nothing held or charged, ends its saga
 * compensated, and does not stop the next change — on /api/v1 and on the seed-001 surface. Also the
 * second cancel (400) and `venue_name` on create.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { expectReconciled, guest, makeHotel, type Hotel } from '../../helpers/booking-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
});
afterAll(async () => ctx.close());

type Json = Record<string, unknown>;
const card = (number: string) => ({ card_number: number, exp_month: 12, exp_year: 2031, cvc: '123' });

async function call(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: Json, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({ method, url, payload, headers });
  return { status: res.statusCode, body: res.json<Json>(), headers: res.headers };
}

async function addRoomType(hotel: Hotel, id: string, name: string, price: number, rooms: number): Promise<string> {
  const res = await call('POST', `/api/v1/venues/${hotel.venueId}/room-types`, {
    id: `${hotel.venueId}-${id}`,
    name,
    capacity_adults: 4,
    price,
    total_quantity: rooms,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return `${hotel.venueId}-${id}`;
}

async function book(hotel: Hotel, over: Json = {}): Promise<Json> {
  const res = await call('POST', '/api/v1/bookings', {
    ...guest(1),
    venue_id: hotel.venueId,
    venue_type: 'hotel',
    booking_date: '2026-04-01',
    nights: 2,
    party_size: 2,
    room_type_id: hotel.roomTypeId,
    payment_method: card('4242 4242 4242 4242'),
    ...over,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function intentsOf(bookingId: string) {
  const { rows } = await sql<{ id: string; status: string; amount: number; amount_received: number; amount_refunded: number }>`
    select id, status, amount::int, amount_received::int, amount_refunded::int from payment.payment_intent
    where booking_id = ${bookingId} order by amount, id`.execute(ctx.database.db);
  return rows;
}

async function holdStatus(holdId: unknown): Promise<string | undefined> {
  const { rows } = await sql<{ status: string }>`select status from inventory.hold where id = ${String(holdId)}`.execute(ctx.database.db);
  return rows[0]?.status;
}

async function changeSagas(bookingId: unknown) {
  const { rows } = await sql<{ status: string; step: string; outcome: string | null }>`
    select status, step, outcome from booking.saga where booking_id = ${String(bookingId)} and kind = 'change'
    order by started_at, id`.execute(ctx.database.db);
  return rows;
}

/** Net money the guest paid for a booking, over all its intents. */
async function netPaid(bookingId: string): Promise<number> {
  return (await intentsOf(bookingId)).reduce((sum, i) => sum + i.amount_received - i.amount_refunded, 0);
}

describe('a paid change', () => {
  it('that costs more: the new total is charged once on a new payment, the old one refunded in full, the new stay held and confirmed', async () => {
    const hotel = await makeHotel(ctx, { rooms: 3, price: 10_000 });
    const b = await book(hotel);
    expect(b).toMatchObject({ status: 'CONFIRMED', amount_captured: 20_000 });
    const oldHold = b.inventory_reservation_id;

    const res = await call(
      'PUT',
      `/api/v1/bookings/${b.id as string}`,
      { nights: 3, payment_method: card('4242 4242 4242 4242') },
      { 'if-match': '"2"' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'CONFIRMED',
      nights: 3,
      total_price: 30_000,
      amount_captured: 30_000,
      amount_refunded: 0,
      version: 3,
    });
    expect(res.body.inventory_reservation_id).not.toBe(oldHold);
    expect(await holdStatus(res.body.inventory_reservation_id)).toBe('CONFIRMED');
    expect(await holdStatus(oldHold)).toBe('RELEASED');
    const intents = await intentsOf(b.id as string);
    expect(intents.map((i) => [i.status, i.amount_received, i.amount_refunded])).toEqual([
      ['succeeded', 20_000, 20_000],
      ['succeeded', 30_000, 0],
    ]);
    expect(intents[1]!.id).toBe(res.body.payment_intent_id);
    expect(await netPaid(b.id as string)).toBe(30_000);
    expect(await changeSagas(b.id)).toEqual([{ status: 'completed', step: 'completed', outcome: 'committed' }]);
    await expectReconciled(ctx);
  });

  it('that costs less: the difference is refunded on the same payment', async () => {
    const hotel = await makeHotel(ctx, { rooms: 3, price: 10_000 });
    const b = await book(hotel, { nights: 3 });
    const res = await call('PUT', `/api/v1/bookings/${b.id as string}`, { nights: 1, expected_version: 2 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ nights: 1, total_price: 10_000, amount_captured: 30_000, amount_refunded: 20_000 });
    expect((await intentsOf(b.id as string)).map((i) => [i.amount_received, i.amount_refunded])).toEqual([[30_000, 20_000]]);
    expect(await netPaid(b.id as string)).toBe(10_000);
    await expectReconciled(ctx);
  });

  it('that costs more without a card is 402 and changes nothing; a declined card is 402 and changes nothing; then a good card goes through', async () => {
    const hotel = await makeHotel(ctx, { rooms: 3, price: 10_000 });
    const b = await book(hotel);
    const id = b.id as string;
    const holdsBefore = await sql<{
      n: number;
    }>`select count(*)::int as n from inventory.hold where status in ('HELD','CONFIRMED')`.execute(ctx.database.db);

    const noCard = await call('PUT', `/api/v1/bookings/${id}`, { nights: 3, expected_version: 2 });
    expect(noCard.status).toBe(402);
    expect((noCard.body.error as Json).code).toBe('PAYMENT_REQUIRED');

    const declined = await call('PUT', `/api/v1/bookings/${id}`, {
      nights: 3,
      expected_version: 2,
      payment_method: card('4000 0000 0000 0002'),
    });
    expect(declined.status, JSON.stringify(declined.body)).toBe(402);
    expect((declined.body.error as Json).code).toBe('PAYMENT_DECLINED');

    // Nothing moved: the booking, its hold, its one payment; the new holds were released, the new intent voided.
    const after = await call('PUT', `/api/v1/bookings/${id}`, { special_requests: 'quiet room', expected_version: 2 });
    expect(after.body).toMatchObject({
      nights: 2,
      total_price: 20_000,
      amount_captured: 20_000,
      inventory_reservation_id: b.inventory_reservation_id,
    });
    const holdsAfter = await sql<{ n: number }>`select count(*)::int as n from inventory.hold where status in ('HELD','CONFIRMED')`.execute(
      ctx.database.db,
    );
    expect(holdsAfter.rows[0]!.n).toBe(holdsBefore.rows[0]!.n);
    expect((await intentsOf(id)).map((i) => i.status).sort()).toEqual(['canceled', 'succeeded']);
    expect(await netPaid(id)).toBe(20_000);
    const sagas = await changeSagas(id);
    expect(sagas.map((s) => s.status)).toEqual(['compensated', 'compensated']);
    expect(sagas.every((s) => s.outcome !== null && s.outcome.length > 0)).toBe(true);

    const good = await call('PUT', `/api/v1/bookings/${id}`, {
      nights: 3,
      expected_version: 3,
      payment_method: card('4242 4242 4242 4242'),
    });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body).toMatchObject({ nights: 3, amount_captured: 30_000 });
    expect(await netPaid(id)).toBe(30_000);
    await expectReconciled(ctx);
  });
});

describe('a booking refused one change accepts the next', () => {
  it('on /api/v1: a move to a full room type is 409, the next move goes through', async () => {
    const hotel = await makeHotel(ctx, { rooms: 3, price: 10_000 });
    const suite = await addRoomType(hotel, 'STE', 'Suite', 10_000, 1);
    await book(hotel, { room_type_id: suite }); // the only suite
    const b = await book(hotel, { payment_method: undefined });
    const id = b.id as string;

    const full = await call('PUT', `/api/v1/bookings/${id}`, { room_type_id: suite, expected_version: 1 });
    expect(full.status, JSON.stringify(full.body)).toBe(409);
    const moved = await call('PUT', `/api/v1/bookings/${id}`, { booking_date: '2026-04-10', expected_version: 1 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ booking_date: '2026-04-10', check_out: '2026-04-12', version: 2 });
    // And the one after that, to the same full room type again: the same clean refusal, no stored answer of another request.
    const again = await call('PUT', `/api/v1/bookings/${id}`, { room_type_id: suite, booking_date: '2026-04-01', expected_version: 2 });
    expect(again.status).toBe(409);
    expect((again.body.error as Json).code).toBe('NO_AVAILABILITY');
    await expectReconciled(ctx);
  });

  it('on the seed-001 surface: a PATCH to a full room type is 400, the next PATCH goes through', async () => {
    const hotelId = String(9_000 + Math.floor(Math.random() * 900));
    expect(
      (await call('POST', '/api/v1/venues', { id: hotelId, organization_id: 'o', type: 'hotel', name: 'Two Kinds', currency: 'GBP' }))
        .status,
    ).toBe(201);
    const hotel: Hotel = { venueId: hotelId, roomTypeId: `${hotelId}-DLX`, price: 15_600 };
    await addRoomType(hotel, 'DLX', 'Deluxe Rooms', 15_600, 3);
    await addRoomType(hotel, 'STE', 'Suite', 30_000, 1);
    const patron = {
      guest_name: 'Ada Lovelace',
      hotel_id: Number(hotelId),
      arrival_date: '2026-05-01',
      stay_length: 2,
      adults: 2,
      children: 0,
      is_holiday: false,
      meal_plan: 'BB',
      market_segment: 'Online',
      booking_channel: 'Direct',
    };
    const suite = await call('POST', '/bookings/', { ...patron, room_type: 'Suite' });
    expect(suite.status, JSON.stringify(suite.body)).toBe(200);
    const created = await call('POST', '/bookings/', { ...patron, room_type: 'Deluxe Rooms' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.booking_id as string;

    const full = await call('PATCH', `/bookings/${id}`, { room_type: 'Suite' });
    expect(full.status, JSON.stringify(full.body)).toBe(400);
    const moved = await call('PATCH', `/bookings/${id}`, { arrival_date: '2026-05-03' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ arrival_date: '2026-05-03', stay_length: 2, room_type: 'Deluxe Rooms' });
    const longer = await call('PATCH', `/bookings/${id}`, { stay_length: 3 });
    expect(longer.status, JSON.stringify(longer.body)).toBe(200);
    expect(longer.body).toMatchObject({ stay_length: 3 });
    await expectReconciled(ctx);
  });
});

describe('cancelling twice', () => {
  it('is 400 INVALID_STATUS_TRANSITION; a retry with the first idempotency key replays the first answer', async () => {
    const hotel = await makeHotel(ctx, { rooms: 2 });
    const b = await book(hotel, { payment_method: undefined });
    const url = `/api/v1/bookings/${b.id as string}/cancel`;
    const first = await call('POST', url, { cancelled_by: 'guest-1' }, { 'idempotency-key': 'cancel-once' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'CANCELLED' });
    const replay = await call('POST', url, { cancelled_by: 'guest-1' }, { 'idempotency-key': 'cancel-once' });
    expect({ status: replay.status, body: replay.body, replayed: replay.headers['idempotent-replayed'] }).toEqual({
      status: 200,
      body: first.body,
      replayed: 'true',
    });
    const second = await call('POST', url, { cancelled_by: 'guest-1' });
    expect(second.status).toBe(400);
    expect(second.body.error).toMatchObject({ code: 'INVALID_STATUS_TRANSITION', details: { from: 'CANCELLED', to: 'CANCELLED' } });
    const history = await sql<{
      n: number;
    }>`select count(*)::int as n from booking.booking_status_history where booking_id = ${b.id} and to_status = 'CANCELLED'`.execute(
      ctx.database.db,
    );
    expect(history.rows[0]!.n).toBe(1);
  });
});

describe('venue_name on create', () => {
  it("is accepted (seed 004's booking carries it); the booking stores the venue's own name", async () => {
    const hotel = await makeHotel(ctx, { name: 'The Real Name' });
    const b = await book(hotel, { venue_name: 'Whatever The Client Thinks', payment_method: undefined });
    expect(b.venue_name).toBe('The Real Name');
  });
});

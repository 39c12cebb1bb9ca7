/**
 * No guest name, email, phone or card number reaches the logs, at the most verbose level (`trace`),
 * whatever a booking goes through: a paid create, changes that cost more (a new card) and less, a
 * cancellation with a fee, a no-show, a declined card, a refused change, the seed-001 surface, and
 * requests refused with a 4xx that log their error.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { makeHotel } from '../../helpers/booking-fixtures.js';

const NAME = 'Augusta Ada Byron-King';
const EMAIL = 'augusta.byron@example.org';
const PHONE = '+44 20 7946 0958';
const CARD = '4242424242424242';
const DECLINED = '4000000000000002';

let logs = '';
let lines = 0;
let ctx: TestContext;
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      lines += chunk.toString().split('\n').length - 1;
      done();
    },
  });
  ctx = await createTestContext({ logStream });
  await ctx.listen();
});
afterAll(async () => ctx.close());

type Json = Record<string, unknown>;
const card = (number: string) => ({ card_number: number, exp_month: 12, exp_year: 2031, cvc: '123' });

async function call(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET',
  url: string,
  payload?: Json,
  headers: Record<string, string> = {},
) {
  const res = await ctx.app.inject({ method, url, payload, headers });
  return { status: res.statusCode, body: res.json<Json>() };
}

describe('the logs of every booking flow', () => {
  it('never hold a guest name, email, phone or card number', async () => {
    const hotel = await makeHotel(ctx, { rooms: 3, price: 10_000 });
    await call('POST', '/api/v1/pricing/cancellation-policies', {
      venue_id: hotel.venueId,
      name: 'Strict',
      free_until_hours: 8_760,
      late_fee: { kind: 'percent', rate_bps: 5_000 },
      no_show_fee: { kind: 'percent', rate_bps: 2_500 },
    });
    const guest = { guest_id: 'g-log', guest_name: NAME, guest_email: EMAIL, guest_phone: PHONE };
    const stay = {
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-03-01',
      nights: 2,
      party_size: 2,
      room_type_id: hotel.roomTypeId,
    };
    const statuses: number[] = [];
    const book = async (over: Json = {}) => {
      const r = await call('POST', '/api/v1/bookings', { ...guest, ...stay, payment_method: card(CARD), ...over });
      statuses.push(r.status);
      return r.body;
    };

    const a = await book();
    statuses.push(
      (
        await call('PUT', `/api/v1/bookings/${a.id as string}`, {
          nights: 3,
          guest_phone: PHONE,
          expected_version: 2,
          payment_method: card(CARD),
        })
      ).status,
    );
    statuses.push((await call('PUT', `/api/v1/bookings/${a.id as string}`, { nights: 1, guest_name: NAME, expected_version: 3 })).status);
    statuses.push(
      (await call('POST', `/api/v1/bookings/${a.id as string}/cancel`, { cancelled_by: 'g-log', reason: `${NAME} is ill` })).status,
    );
    const b = await book({ booking_date: '2026-03-05' });
    statuses.push((await call('POST', `/api/v1/bookings/${b.id as string}/status`, { status: 'NO_SHOW' })).status);
    await book({ booking_date: '2026-03-10', payment_method: card(DECLINED) }); // 402
    const c = await book({ booking_date: '2026-03-12', payment_method: undefined });
    // Refused: a change that costs more without a card, a bad email, an unknown field, a stale version.
    statuses.push(
      (await call('PUT', `/api/v1/bookings/${c.id as string}`, { nights: 5, guest_email: 'not-an-email', expected_version: 1 })).status,
    );
    statuses.push(
      (await call('PUT', `/api/v1/bookings/${c.id as string}`, { guest_email: EMAIL, colour: NAME, expected_version: 1 })).status,
    );
    statuses.push((await call('PUT', `/api/v1/bookings/${c.id as string}`, { guest_name: NAME, expected_version: 9 })).status);
    statuses.push((await call('POST', '/api/v1/bookings', { ...guest, ...stay, payment_method: { ...card(CARD), cvc: 'x' } })).status);
    // The seed-001 surface (its hotels have integer ids).
    const hotelId = 7_000 + Math.floor(Math.random() * 900);
    await call('POST', '/api/v1/venues', { id: String(hotelId), organization_id: 'o', type: 'hotel', name: 'Compat', currency: 'GBP' });
    await call('POST', `/api/v1/venues/${hotelId}/room-types`, {
      id: `${hotelId}-STD`,
      name: 'Standard Rooms',
      capacity_adults: 2,
      price: 10_000,
      total_quantity: 2,
    });
    const compat = await call('POST', '/bookings/', {
      guest_name: NAME,
      hotel_id: hotelId,
      arrival_date: '2026-04-01',
      stay_length: 2,
      room_type: 'Standard Rooms',
      adults: 2,
      children: 0,
      is_holiday: false,
      meal_plan: 'BB',
      market_segment: 'Online',
      booking_channel: 'Direct',
    });
    expect(compat.status, JSON.stringify(compat.body)).toBe(200);
    statuses.push(compat.status);
    statuses.push((await call('PATCH', `/bookings/${compat.body.booking_id as string}`, { guest_name: NAME })).status);
    statuses.push((await call('DELETE', `/bookings/${compat.body.booking_id as string}`)).status);

    // The flows ran (successes and refusals alike) and were logged.
    expect(statuses.filter((s) => s < 300).length).toBeGreaterThanOrEqual(8);
    expect(statuses.filter((s) => s >= 400).length).toBeGreaterThanOrEqual(4);
    expect(lines).toBeGreaterThan(50);

    for (const secret of [NAME, EMAIL, PHONE, CARD, DECLINED, CARD.replace(/(\d{4})(?=\d)/g, '$1 ')]) {
      expect(logs.includes(secret), `${secret} appears in the logs`).toBe(false);
    }
  });
});

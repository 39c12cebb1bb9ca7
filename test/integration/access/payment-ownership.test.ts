/**
 * Payment intents carry the venue they pay for: a paid booking made through /api/v1/bookings creates
 * an intent naming its venue; a business user of that venue's organization reads it (the intent, the
 * list, the refunds, the ledger) but cannot move money; another organization — or a user narrowed to
 * a sibling venue — finds nothing (404, like a missing intent); intents without a venue are for admin
 * and service only.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guest } from '../../helpers/booking-fixtures.js';
import { hotel, must, type Json, type World, world } from './access-http.js';

let w: World;
/** A paid booking at A's venue a2 and its intent. */
let intentId: string;
let bookingId: string;
let venueId: string;
/** An intent created without a venue (by the back office). */
let bare: string;

const card = { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' };

beforeAll(async () => {
  w = await world();
  // Another venue of A's organization (not a1, to which the narrowed user is limited).
  const h = await hotel(w.admin, 'org-a', 15_000);
  venueId = h.venueId;
  const booking = await must(w.admin, 201, 'POST', '/api/v1/bookings', {
    ...guest(1),
    venue_id: h.venueId,
    venue_type: 'hotel',
    booking_date: '2026-03-01',
    nights: 2,
    party_size: 2,
    room_type_id: h.roomTypeId,
    payment_method: card,
  });
  expect(booking).toMatchObject({ status: 'CONFIRMED', payment_status: 'succeeded' });
  bookingId = booking.id as string;
  intentId = booking.payment_intent_id as string;
  bare = (await must(w.admin, 201, 'POST', '/api/v1/payments/intents', { amount: 500, currency: 'GBP' })).id as string;
});
afterAll(async () => {
  await w?.ctx.close();
});

async function intentRow(id: string): Promise<Json> {
  const { rows } = await sql<Json>`select * from payment.payment_intent where id = ${id}`.execute(w.ctx.database.db);
  return rows[0]!;
}

describe('a paid booking’s intent', () => {
  it('records the booking’s venue', async () => {
    expect(await intentRow(intentId)).toMatchObject({ venue_id: venueId, booking_id: bookingId, status: 'succeeded' });
    const read = await w.admin.call('GET', `/api/v1/payments/intents/${intentId}`);
    expect(read.body).toMatchObject({ id: intentId, venue_id: venueId, booking_id: bookingId });
  });

  it('is read by a business user of the venue’s organization: the intent, the list, the refunds and the ledger', async () => {
    const read = await w.bizA.call('GET', `/api/v1/payments/intents/${intentId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: intentId, venue_id: venueId, amount_received: 30_000 });

    const list = await w.bizA.call('GET', '/api/v1/payments/intents');
    expect(list.status).toBe(200);
    expect((list.body.intents as Json[]).map((i) => i.id)).toEqual([intentId]);
    const ofBooking = await w.bizA.call('GET', `/api/v1/payments/intents?booking_id=${bookingId}`);
    expect((ofBooking.body.intents as Json[]).map((i) => i.id)).toEqual([intentId]);

    const refunds = await w.bizA.call('GET', `/api/v1/payments/intents/${intentId}/refunds`);
    expect(refunds).toEqual({ status: 200, body: { refunds: [] } });
    const ledger = await w.bizA.call('GET', `/api/v1/payments/intents/${intentId}/ledger`);
    expect(ledger.status).toBe(200);
    expect(ledger.body).toMatchObject({ intent_id: intentId, balanced: true });
  });

  it('is not found by another organization, nor by a user narrowed to a sibling venue — like a missing intent', async () => {
    const missing = 'pi_000000000000000000000000';
    for (const c of [w.bizB, w.bizA1]) {
      for (const id of [intentId, missing]) {
        for (const path of ['', '/refunds', '/ledger']) {
          const res = await c.call('GET', `/api/v1/payments/intents/${id}${path}`);
          expect(res.status, `${path} of ${id}`).toBe(404);
          expect((res.body.error as Json).code).toBe('PAYMENT_INTENT_NOT_FOUND');
        }
      }
      const list = await c.call('GET', `/api/v1/payments/intents?booking_id=${bookingId}`);
      expect(list).toEqual({ status: 200, body: { intents: [] } });
    }
  });

  it('cannot be captured, cancelled or refunded by a business user (403), and stays as it was', async () => {
    const before = await intentRow(intentId);
    for (const [action, body] of [
      ['capture', {}],
      ['cancel', {}],
      ['refunds', { amount: 100 }],
      ['authorize', { payment_method: card }],
    ] as const) {
      const res = await w.bizA.call('POST', `/api/v1/payments/intents/${intentId}/${action}`, body);
      expect(res.status, action).toBe(403);
      expect((res.body.error as Json).code).toBe('FORBIDDEN');
    }
    expect((await w.bizA.call('POST', '/api/v1/payments/intents', { amount: 100, currency: 'GBP', venue_id: venueId })).status).toBe(403);
    expect(await intentRow(intentId)).toEqual(before);
  });

  it('is refused to guests (403) and to callers without a token (401)', async () => {
    expect((await w.guest.call('GET', `/api/v1/payments/intents/${intentId}`)).status).toBe(403);
    expect((await w.guest.call('GET', '/api/v1/payments/intents')).status).toBe(403);
    expect((await w.anonymous.call('GET', `/api/v1/payments/intents/${intentId}`)).status).toBe(401);
    expect((await w.anonymous.call('GET', '/api/v1/payments/intents')).status).toBe(401);
  });
});

describe('an intent without a venue', () => {
  it('is read by admin and service only', async () => {
    expect((await w.admin.call('GET', `/api/v1/payments/intents/${bare}`)).body).toMatchObject({ id: bare, venue_id: null });
    expect((await w.service.call('GET', `/api/v1/payments/intents/${bare}`)).status).toBe(200);
    expect((await w.bizA.call('GET', `/api/v1/payments/intents/${bare}`)).status).toBe(404);
    expect((await w.bizB.call('GET', `/api/v1/payments/intents/${bare}`)).status).toBe(404);
    const all = await w.admin.call('GET', '/api/v1/payments/intents');
    expect((all.body.intents as Json[]).map((i) => i.id)).toEqual([intentId, bare]);
  });
});

/**
 * The request bodies the scenarios send, each built in one place: when the booking create grows a step
 * (a payment method, a quote id), add it here and every scenario (and the captured baseline) follows.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest } from './http.js';

export interface Stay {
  readonly venueId: string;
  readonly roomTypeId: string;
  readonly checkIn: string;
  readonly nights: number;
}

/** The local test provider's always-approved card: the create runs the whole saga (hold, quote, pay, confirm). */
export const PAYMENT_METHOD = { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2030, cvc: '123' } as const;

/**
 * POST /api/v1/bookings for a hotel stay of one room, paid by card, with a fresh idempotency key
 * (clients send one): the full create saga, ending CONFIRMED.
 */
export function createStayBooking(stay: Stay, guest: number): HttpRequest {
  return {
    method: 'POST',
    path: '/api/v1/bookings',
    headers: { 'idempotency-key': `bench-${randomUUID()}` },
    body: {
      guest_id: `bench-guest-${guest}`,
      guest_name: `Bench Guest ${guest}`,
      guest_email: `guest${guest}@bench.example`,
      venue_id: stay.venueId,
      venue_type: 'hotel',
      booking_date: stay.checkIn,
      nights: stay.nights,
      party_size: 1,
      room_type_id: stay.roomTypeId,
      source: 'bench',
      payment_method: PAYMENT_METHOD,
    },
  };
}

/** POST /api/v1/bookings for a restaurant table (loads the dining venue with real seatings). */
export function createTableBooking(p: { venueId: string; date: string; time: string; partySize: number }, guest: number): HttpRequest {
  return {
    method: 'POST',
    path: '/api/v1/bookings',
    headers: { 'idempotency-key': `bench-${randomUUID()}` },
    body: {
      guest_id: `bench-guest-${guest}`,
      guest_name: `Bench Guest ${guest}`,
      venue_id: p.venueId,
      venue_type: 'restaurant',
      booking_date: p.date,
      booking_time: p.time,
      party_size: p.partySize,
      source: 'bench',
    },
  };
}

/**
 * PUT /api/v1/bookings/{id} with If-Match: a note (no inventory change), or a new length of stay that is
 * re-held (and, when it costs more than was paid, paid by the same card).
 */
export function updateBooking(id: string, version: number, change: { nights: number } | { note: string }): HttpRequest {
  return {
    method: 'PUT',
    path: `/api/v1/bookings/${id}`,
    headers: { 'if-match': `"${version}"`, 'idempotency-key': `bench-${randomUUID()}` },
    body: 'nights' in change ? { nights: change.nights, payment_method: PAYMENT_METHOD } : { special_requests: change.note },
  };
}

export function cancelBooking(id: string): HttpRequest {
  return {
    method: 'POST',
    path: `/api/v1/bookings/${id}/cancel`,
    headers: { 'idempotency-key': `bench-${randomUUID()}` },
    body: { cancelled_by: 'bench', reason: 'plans changed' },
  };
}

/** POST /api/v1/holds/retail: one unit of a product for a basket. */
export function retailHold(productId: string): HttpRequest {
  return {
    method: 'POST',
    path: '/api/v1/holds/retail',
    headers: { 'idempotency-key': `bench-${randomUUID()}` },
    body: { product_id: productId, quantity: 1 },
  };
}

export function lodgingSearch(q: { venueId?: string; location?: string; checkIn: string; checkOut: string; adults: number }): HttpRequest {
  const params = new URLSearchParams();
  if (q.venueId !== undefined) params.set('venue_id', q.venueId);
  if (q.location !== undefined) params.set('location', q.location);
  params.set('check_in', q.checkIn);
  params.set('check_out', q.checkOut);
  params.set('adults', String(q.adults));
  return { method: 'GET', path: `/api/v1/availability/lodging?${params.toString()}` };
}

export function diningSearch(q: { venueId: string; date: string; partySize: number }): HttpRequest {
  const params = new URLSearchParams({ venue_id: q.venueId, date: q.date, party_size: String(q.partySize) });
  return { method: 'GET', path: `/api/v1/availability/dining?${params.toString()}` };
}

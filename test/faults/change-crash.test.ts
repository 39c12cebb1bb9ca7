/**
 * Every flow that moves money after a booking exists, killed (SIGKILL) after each of its steps: a
 * change that costs more (paid anew with a card), a change that costs less (the difference refunded),
 * a cancellation that keeps a fee, and a no-show. After each kill the platform restarts (recovery at
 * once), the client retries its request with the same idempotency key as a client whose connection
 * dropped would, and the end is always the one the request asked for: charged once for the new total,
 * the new stay held and confirmed, the old one released, every night's count equal to its holds, no
 * authorization left uncaptured, nothing left running. On PostgreSQL and on a PGlite data directory.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../src/platform/db/database.js';
import { systemClock } from '../../src/platform/clock.js';
import { expectReconciled } from '../helpers/booking-fixtures.js';
import { expectReconciled as reconciled } from '../helpers/reconcile.js';
import { crashWorld, retry, send, sendAndDie, settled, type CrashWorld, type Json } from '../helpers/crash.js';

const backend = inject('backend');
let world: CrashWorld;
beforeAll(async () => {
  world = await crashWorld(backend);
});
afterEach(async () => world?.killAll());
afterAll(async () => world?.dispose());

const card = { card_number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' };
let seq = 0;

/** A hotel (10 000 a night, 50 % kept on a late cancellation, 25 % on a no-show) and a paid booking of `nights`. */
async function paidBooking(base: string, nights: number): Promise<{ id: string; holdId: string }> {
  const hotel = `crash-${backend}-${process.pid}-${++seq}`;
  const ok = async (res: Promise<{ status: number; body: Json }>) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  await ok(send(base, 'POST', '/api/v1/venues', { id: hotel, organization_id: 'o', type: 'hotel', name: hotel, currency: 'GBP' }));
  await ok(
    send(base, 'POST', `/api/v1/venues/${hotel}/room-types`, {
      id: `${hotel}-STD`,
      name: 'Standard',
      capacity_adults: 2,
      price: 10_000,
      total_quantity: 2,
    }),
  );
  await ok(
    send(base, 'POST', '/api/v1/pricing/cancellation-policies', {
      venue_id: hotel,
      name: 'Strict',
      free_until_hours: 8_760,
      late_fee: { kind: 'percent', rate_bps: 5_000 },
      no_show_fee: { kind: 'percent', rate_bps: 2_500 },
    }),
  );
  const b = await ok(
    send(base, 'POST', '/api/v1/bookings', {
      guest_id: 'g',
      guest_name: 'Grace Hopper',
      venue_id: hotel,
      venue_type: 'hotel',
      booking_date: '2027-03-01',
      nights,
      party_size: 2,
      room_type_id: `${hotel}-STD`,
      payment_method: card,
    }),
  );
  expect(b).toMatchObject({ status: 'CONFIRMED', amount_captured: nights * 10_000 });
  return { id: b.id as string, holdId: b.inventory_reservation_id as string };
}

interface Flow {
  readonly nights: number;
  readonly request: (id: string) => { method: string; url: string; body: Json };
  readonly points: readonly string[];
  /** The booking as the request leaves it, and what the guest paid net. */
  readonly expected: { status: string; nights: number; net: number; holdMoves: boolean };
}

const FLOWS: Record<string, Flow> = {
  'a change that costs more, paid anew with a card': {
    nights: 2,
    request: (id) => ({ method: 'PUT', url: `/api/v1/bookings/${id}`, body: { nights: 3, expected_version: 2, payment_method: card } }),
    points: [
      'change:held',
      'change:quoted',
      'change:intent_created',
      'change:authorized',
      'change:captured',
      'change:hold_confirmed',
      'change:committed',
      'task:release_hold',
      'task:refund_payment',
    ],
    expected: { status: 'CONFIRMED', nights: 3, net: 30_000, holdMoves: true },
  },
  'a change that costs less, the difference refunded': {
    nights: 3,
    request: (id) => ({ method: 'PUT', url: `/api/v1/bookings/${id}`, body: { nights: 1, expected_version: 2 } }),
    points: ['change:held', 'change:quoted', 'change:hold_confirmed', 'change:committed', 'task:release_hold', 'task:refund_payment'],
    expected: { status: 'CONFIRMED', nights: 1, net: 10_000, holdMoves: true },
  },
  'a cancellation that keeps a fee': {
    nights: 2,
    request: (id) => ({ method: 'POST', url: `/api/v1/bookings/${id}/cancel`, body: { cancelled_by: 'g', reason: 'plans changed' } }),
    points: ['status:cancelled', 'task:release_hold', 'task:refund_payment'],
    expected: { status: 'CANCELLED', nights: 2, net: 10_000, holdMoves: false },
  },
  'a no-show': {
    nights: 2,
    request: (id) => ({ method: 'POST', url: `/api/v1/bookings/${id}/status`, body: { status: 'NO_SHOW', changed_by: 'desk' } }),
    points: ['status:no_show', 'task:release_hold', 'task:refund_payment'],
    expected: { status: 'NO_SHOW', nights: 2, net: 5_000, holdMoves: false },
  },
};

async function expectEnd(database: Database, id: string, oldHold: string, expected: Flow['expected']): Promise<void> {
  const db = database.db;
  const booking = await db.selectFrom('booking.booking').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  expect({
    status: booking.status,
    nights: booking.nights,
    net: Number(booking.amount_captured) - Number(booking.amount_refunded),
  }).toEqual({
    status: expected.status,
    nights: expected.nights,
    net: expected.net,
  });
  const intents = await sql<{ status: string; received: number; refunded: number }>`
    select status, amount_received::int as received, amount_refunded::int as refunded from payment.payment_intent
    where booking_id = ${id}`.execute(db);
  expect(
    intents.rows.filter((i) => i.status === 'requires_capture'),
    'no authorization left uncaptured',
  ).toEqual([]);
  expect(
    intents.rows.reduce((sum, i) => sum + i.received - i.refunded, 0),
    'the guest paid, net over every payment, what the booking says',
  ).toBe(expected.net);
  const hold = async (holdId: string) =>
    (await sql<{ status: string }>`select status from inventory.hold where id = ${holdId}`.execute(db)).rows[0]?.status;
  const live = expected.status === 'CONFIRMED';
  if (expected.holdMoves) {
    expect(booking.inventory_reservation_id).not.toBe(oldHold);
    expect(await hold(oldHold), 'the old stay was released').toBe('RELEASED');
  }
  expect(await hold(booking.inventory_reservation_id)).toBe(live ? 'CONFIRMED' : 'RELEASED');
  const running = await sql<{ n: number }>`select count(*)::int as n from booking.saga where status = 'running'`.execute(db);
  expect(running.rows[0]!.n, 'no saga left running').toBe(0);
  await expectReconciled({ database });
  await reconciled({ db: database.db, clock: systemClock }); // the operator's `innkeeper reconcile`
}

describe.each(Object.entries(FLOWS))('%s, killed after each step', (_name, flow) => {
  it.each(flow.points)(`after %s, ends as asked (${backend})`, { timeout: 240_000 }, async (point) => {
    const crashing = await world.startCrashing(point);
    const { id, holdId } = await paidBooking(crashing.url, flow.nights);
    const { method, url, body } = flow.request(id);
    const headers = { 'idempotency-key': `crash-${point}-${id}` };
    await sendAndDie(crashing, method, url, body, headers);

    const restarted = await world.start();
    const answer = await retry(restarted.url, method, url, body, headers);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ id, status: flow.expected.status });
    // The same request again is the same answer, replayed.
    const again = await send(restarted.url, method, url, body, headers);
    expect(again).toEqual(answer);
    await settled(restarted, world);
    await world.read((database) => expectEnd(database, id, holdId, flow.expected));
  });
});

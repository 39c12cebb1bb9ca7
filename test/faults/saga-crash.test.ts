/**
 * Crash mid-create: the real process is killed (SIGKILL, no cleanup) right after each step of the
 * create saga in turn — the promo redemption and two points inside the last step (after the hold is
 * confirmed, after the payment is captured) included. After a restart, recovery brings every saga to
 * an end, and each ends consistent: no leaked hold, no orphan authorization, every night's count equal
 * to its holds, the promo's uses equal to the bookings that keep one, the booking's status matching
 * inventory and payment. On PostgreSQL and on a PGlite data directory (the default back end).
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import { expectReconciled } from '../helpers/booking-fixtures.js';
import { expectReconciled as reconciled } from '../helpers/reconcile.js';
import { crashWorld, send, sendAndDie, settled, type CrashWorld } from '../helpers/crash.js';

const backend = inject('backend');
/** Where it crashes, and whether the booking ends CONFIRMED (the saga is past its pivot, the authorization). */
const POINTS: readonly (readonly [string, boolean])[] = [
  ['create:held', false],
  ['create:quoted', false],
  ['create:promo_redeemed', false],
  ['create:booked', false],
  ['create:intent_created', false],
  ['create:authorized', true],
  ['create:completed:hold_confirmed', true],
  ['create:completed:captured', true],
];

let world: CrashWorld;
beforeAll(async () => {
  world = await crashWorld(backend);
});
afterEach(async () => world?.killAll());
afterAll(async () => world?.dispose());

describe('a crash after each create step', () => {
  it.each(POINTS)(`after %s, recovery ends the saga consistent (${backend})`, { timeout: 240_000 }, async (point, confirms) => {
    const hotel = `crash-${point.replaceAll(':', '-')}`;
    const promo = `CRASH${POINTS.findIndex(([p]) => p === point)}`;
    const crashing = await world.startCrashing(point);
    const base = crashing.url;
    expect((await send(base, 'POST', '/api/v1/venues', { id: hotel, organization_id: 'o', type: 'hotel', name: hotel })).status).toBe(201);
    const roomType = { id: `${hotel}-STD`, name: 'Standard', capacity_adults: 2, price: 10_000, total_quantity: 2 };
    expect((await send(base, 'POST', `/api/v1/venues/${hotel}/room-types`, roomType)).status).toBe(201);
    const code = { code: promo, kind: 'percent', discount_bps: 1_000, max_uses: 5, venue_id: hotel };
    expect((await send(base, 'POST', '/api/v1/pricing/promo-codes', code)).status).toBe(201);
    await sendAndDie(crashing, 'POST', '/api/v1/bookings', {
      guest_id: 'g',
      guest_name: 'Grace Hopper',
      venue_id: hotel,
      venue_type: 'hotel',
      booking_date: '2030-06-01',
      nights: 2,
      party_size: 2,
      room_type_id: `${hotel}-STD`,
      promo_code: promo,
      payment_method: { card_number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' },
    });

    // Restart: the scheduler runs every job once at start-up, recover-sagas and sync-inventory included.
    await settled(await world.start(), world);

    await world.read(async (database) => {
      const db = database.db;
      const bookings = await sql<{ id: string; status: string; captured: number; refunded: number; promo_code: string | null }>`
        select id, status, amount_captured::int as captured, amount_refunded::int as refunded, promo_code
        from booking.booking where venue_id = ${hotel}`.execute(db);
      const intents = await sql<{ status: string; received: number; refunded: number; booking_id: string }>`
        select status, amount_received::int as received, amount_refunded::int as refunded, booking_id from payment.payment_intent
        where booking_id = any(${bookings.rows.map((b) => b.id)}::text[])`.execute(db);
      expect(
        intents.rows.filter((i) => i.status === 'requires_capture'),
        'no orphan authorization',
      ).toEqual([]);
      for (const b of bookings.rows) {
        const paid = intents.rows.filter((i) => i.booking_id === b.id).reduce((sum, i) => sum + i.received - i.refunded, 0);
        // 2 nights at 10 000 less 10 %: a confirmed booking paid 18 000; anything else paid nothing net.
        expect(`${b.status}:${paid}:${b.captured - b.refunded}`).toBe(
          b.status === 'CONFIRMED' ? 'CONFIRMED:18000:18000' : `${b.status}:0:0`,
        );
        expect(['CONFIRMED', 'CANCELLED']).toContain(b.status);
      }
      const confirmed = bookings.rows.filter((b) => b.status === 'CONFIRMED');
      // Once authorized, the saga finishes; before, it is undone (the card is never stored).
      expect(confirmed).toHaveLength(confirms ? 1 : 0);
      const uses = await sql<{ uses: number }>`select uses from pricing.promo_code where code = ${promo}`.execute(db);
      expect(uses.rows[0]?.uses, 'the promo code counts a use for each booking that keeps one').toBe(confirmed.length);
      const running = await sql<{ n: number }>`select count(*)::int as n from booking.saga where status = 'running'`.execute(db);
      expect(running.rows[0]!.n).toBe(0);
      await expectReconciled({ database });
      await reconciled({ db: database.db, clock: systemClock }); // the operator's `innkeeper reconcile`
    });
  });
});

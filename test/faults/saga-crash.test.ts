/**
 * Crash mid-saga: the real process is killed (SIGKILL, no cleanup) right after each step of the
 * create saga in turn. After a restart, the recovery job brings every saga to an end, and each ends
 * consistent: no leaked hold, no orphan authorization, the booking's status matching inventory and
 * payment. Runs on PostgreSQL (a killed PGlite process is a different, weaker durability story).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCli } from '../helpers/process.js';

const backend = inject('backend');
const STEPS = ['held', 'quoted', 'booked', 'intent_created', 'authorized'] as const;

describe.runIf(backend === 'postgres')('a crash after each saga step', () => {
  const name = `innkeeper_crash_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let url: string;
  let db: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(inject('postgresUrl'));
    u.pathname = `/${name}`;
    url = u.toString();
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  const post = (base: string, path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each(STEPS)('after %s, recovery ends the saga consistent', async (step) => {
    const hotel = `crash-${step}`;
    const env = { DATABASE_URL: url, SAGA_RECOVERY_AFTER_MS: '0' };
    const crashing = await startCli([], { DATABASE_URL: url, INNKEEPER_FAULT_CRASH_AFTER: step });
    expect((await post(crashing.url, '/api/v1/venues', { id: hotel, organization_id: 'o', type: 'hotel', name: hotel })).status).toBe(201);
    expect(
      (
        await post(crashing.url, `/api/v1/venues/${hotel}/room-types`, {
          id: `${hotel}-STD`,
          name: 'Standard',
          capacity_adults: 2,
          price: 10_000,
          total_quantity: 2,
        })
      ).status,
    ).toBe(201);
    const request = post(crashing.url, '/api/v1/bookings', {
      guest_id: 'g',
      guest_name: 'Grace',
      venue_id: hotel,
      venue_type: 'hotel',
      booking_date: '2030-06-01',
      nights: 2,
      party_size: 2,
      room_type_id: `${hotel}-STD`,
      payment_method: { card_number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' },
    });
    await expect(request).rejects.toThrow(); // the process died mid-request
    const died = await crashing.stop('SIGKILL');
    expect(died.signal).toBe('SIGKILL');

    // Restart: the scheduler runs every job once at start-up, recover-sagas included.
    const restarted = await startCli([], env);
    let running = 1;
    for (let i = 0; i < 100 && running > 0; i++) {
      const r = await db.query<{ n: number }>(`select count(*)::int as n from booking.saga where status = 'running'`);
      running = r.rows[0]!.n;
      if (running > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(running, 'every saga ended').toBe(0);
    expect((await restarted.stop()).code).toBe(0);
    const tasksLeft = await db.query<{ n: number }>(`select count(*)::int as n from booking.task where done_at is null`);
    if (tasksLeft.rows[0]!.n > 0) {
      const again = await startCli([], env); // start-up runs sync-inventory once more
      await new Promise((r) => setTimeout(r, 500));
      await again.stop();
    }

    const holds = await db.query<{ id: string; status: string }>(
      `select h.id, h.status from inventory.hold h join inventory.hold_night n on n.hold_id = h.id where n.room_type_id = $1 group by h.id, h.status`,
      [`${hotel}-STD`],
    );
    const bookings = await db.query<{ id: string; status: string; inventory_reservation_id: string; payment_intent_id: string | null }>(
      `select id, status, inventory_reservation_id, payment_intent_id from booking.booking where venue_id = $1`,
      [hotel],
    );
    const intents = await db.query<{ id: string; status: string; amount_received: number; amount_refunded: number; booking_id: string }>(
      `select id, status, amount_received, amount_refunded, booking_id from payment.payment_intent where booking_id = any($1::text[])`,
      [bookings.rows.map((b) => b.id)],
    );
    // No leaked hold: a hold is active only for a confirmed booking.
    const activeHolds = holds.rows.filter((h) => h.status === 'HELD' || h.status === 'CONFIRMED');
    const confirmed = bookings.rows.filter((b) => b.status === 'CONFIRMED');
    expect(activeHolds.map((h) => h.id).sort()).toEqual(confirmed.map((b) => b.inventory_reservation_id).sort());
    // No orphan authorization: nothing is left authorized-but-uncaptured.
    expect(intents.rows.filter((i) => i.status === 'requires_capture')).toEqual([]);
    // Payment matches status: a confirmed booking was paid; anything else paid nothing net.
    for (const b of bookings.rows) {
      const paid = intents.rows.filter((i) => i.booking_id === b.id).reduce((sum, i) => sum + i.amount_received - i.amount_refunded, 0);
      expect(`${b.status}:${paid}`).toBe(b.status === 'CONFIRMED' ? 'CONFIRMED:20000' : `${b.status}:0`);
      expect(['CONFIRMED', 'CANCELLED']).toContain(b.status);
    }
    // Where it crashed decides the ending: once authorized, the saga finishes; before, it is undone
    // (the card is never stored, so an authorization that did not happen cannot be retried).
    expect(confirmed).toHaveLength(step === 'authorized' ? 1 : 0);
  });
});

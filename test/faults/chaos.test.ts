/**
 * Chaos: a mixed load (creates with and without a card, promo codes, changes that cost more or less,
 * cancellations, no-shows) from several clients at once, while the platform process is SIGKILLed at
 * random moments and restarted, CHAOS_KILLS times (20 by default). Clients behave as real ones do:
 * a request whose connection dropped is retried with the same idempotency key until it is answered.
 * After every restart, once the retried requests are answered and recovery has run, everything
 * reconciles: every night's count equals its holds, active holds are exactly those of live bookings,
 * promo uses equal the live bookings that keep one, every booking's net payment equals its intents',
 * no authorization is left uncaptured, no saga or task is left open.
 *
 * The schedule (which operation, when to kill) comes from one seed, printed at the start; CHAOS_SEED=<n>
 * replays a failing run's schedule. Runs on PostgreSQL, where the test reads the database between
 * kills while the process runs.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../src/platform/db/database.js';
import { systemClock } from '../../src/platform/clock.js';
import { expectReconciled } from '../helpers/booking-fixtures.js';
import { expectReconciled as reconciled } from '../helpers/reconcile.js';
import { crashWorld, send, type CrashWorld, type Json } from '../helpers/crash.js';
import type { StartedProcess } from '../helpers/process.js';

const backend = inject('backend');
const KILLS = Number(process.env.CHAOS_KILLS ?? 20);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CLIENTS = 3;

/** mulberry32: a small seeded generator, so a seed replays the same schedule. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const card = { card_number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' };
const HOTEL = 'chaos-hotel';
const ROOM_TYPES = [`${HOTEL}-STD`, `${HOTEL}-DLX`];
const DATES = ['2027-02-01', '2027-02-02', '2027-02-03', '2027-02-04'];
const PROMO = 'CHAOS10';

interface Request {
  readonly method: string;
  readonly url: string;
  readonly body: Json;
  readonly headers: Record<string, string>;
}

describe.runIf(backend === 'postgres')('chaos: random kills under a mixed load', () => {
  let world: CrashWorld;
  let database: Database;
  beforeAll(async () => {
    world = await crashWorld(backend);
  });
  afterAll(async () => {
    await world?.killAll();
    await database?.close();
    await world?.dispose();
  });

  it(`${KILLS} kills, everything reconciles after each (seed ${SEED})`, { timeout: 60_000 + KILLS * 60_000 }, async () => {
    console.log(`[chaos] seed ${SEED} (rerun with CHAOS_SEED=${SEED}), ${KILLS} kills, ${CLIENTS} clients`);
    const rnd = random(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    let proc: StartedProcess = await world.start();
    const setup = async (method: string, url: string, body: Json) => {
      const r = await send(proc.url, method, url, body);
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    };
    await setup('POST', '/api/v1/venues', { id: HOTEL, organization_id: 'o', type: 'hotel', name: 'Chaos', currency: 'GBP' });
    for (const [i, id] of ROOM_TYPES.entries()) {
      await setup('POST', `/api/v1/venues/${HOTEL}/room-types`, {
        id,
        name: `Kind ${i}`,
        capacity_adults: 2,
        price: 10_000 * (i + 1),
        total_quantity: 3,
      });
    }
    await setup('POST', '/api/v1/pricing/promo-codes', { code: PROMO, kind: 'percent', discount_bps: 1_000, max_uses: 8, venue_id: HOTEL });
    await setup('POST', '/api/v1/pricing/cancellation-policies', {
      venue_id: HOTEL,
      name: 'Strict',
      free_until_hours: 8_760,
      late_fee: { kind: 'percent', rate_bps: 3_000 },
      no_show_fee: { kind: 'percent', rate_bps: 5_000 },
    });
    // Read directly between kills (PostgreSQL admits the test beside the process).
    database = await world.open();

    const bookings: string[] = [];
    let keySeq = 0;
    const answered = { ok: 0, refused: 0 };

    /** The next operation a client sends, chosen by the seeded generator. */
    async function nextRequest(client: number): Promise<Request> {
      const key = `chaos-${SEED}-${client}-${++keySeq}`;
      const roll = rnd();
      const id = bookings.length > 0 ? pick(bookings) : undefined;
      if (id === undefined || roll < 0.45) {
        const paid = rnd() < 0.7;
        return {
          method: 'POST',
          url: '/api/v1/bookings',
          headers: { 'idempotency-key': key },
          body: {
            guest_id: `g${client}`,
            guest_name: 'Chaos Guest',
            venue_id: HOTEL,
            venue_type: 'hotel',
            booking_date: pick(DATES),
            nights: 1 + Math.floor(rnd() * 3),
            party_size: 2,
            room_type_id: pick(ROOM_TYPES),
            ...(rnd() < 0.3 ? { promo_code: PROMO } : {}),
            ...(paid ? { payment_method: card } : {}),
          },
        };
      }
      const current = await send(proc.url, 'GET', `/api/v1/bookings/${id}`).catch(() => undefined);
      const version = (current?.body.version as number | undefined) ?? 1;
      if (roll < 0.75) {
        return {
          method: 'PUT',
          url: `/api/v1/bookings/${id}`,
          headers: { 'idempotency-key': key },
          body: { nights: 1 + Math.floor(rnd() * 3), room_type_id: pick(ROOM_TYPES), expected_version: version, payment_method: card },
        };
      }
      if (roll < 0.9)
        return {
          method: 'POST',
          url: `/api/v1/bookings/${id}/cancel`,
          headers: { 'idempotency-key': key },
          body: { cancelled_by: 'chaos' },
        };
      return {
        method: 'POST',
        url: `/api/v1/bookings/${id}/status`,
        headers: { 'idempotency-key': key },
        body: { status: 'NO_SHOW', changed_by: 'chaos' },
      };
    }

    /** Sends until answered: a dropped connection or a 503 is retried with the same key, as a client would. */
    async function untilAnswered(r: Request, stop: () => boolean): Promise<boolean> {
      for (;;) {
        const res = await send(proc.url, r.method, r.url, r.body, r.headers).catch(() => undefined);
        const code = (res?.body.error as Json | undefined)?.code;
        if (res !== undefined && res.status !== 503 && code !== 'IDEMPOTENCY_IN_PROGRESS') {
          expect(res.status, `${r.method} ${r.url}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
          if (res.status < 300) answered.ok++;
          else answered.refused++;
          if (r.url === '/api/v1/bookings' && res.status === 201) bookings.push(res.body.id as string);
          return true;
        }
        if (stop()) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    for (let kill = 1; kill <= KILLS; kill++) {
      let killed = false;
      const inFlight = new Map<number, Request>();
      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        while (!killed) {
          const r = await nextRequest(client);
          inFlight.set(client, r);
          if (await untilAnswered(r, () => killed)) inFlight.delete(client);
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 300 + rnd() * 2_500));
      killed = true;
      const died = await proc.stop('SIGKILL');
      expect(died.signal).toBe('SIGKILL');
      await Promise.all(clients);

      proc = await world.start();
      // The clients retry what was in flight when the process died, with the same keys.
      await Promise.all([...inFlight.values()].map((r) => untilAnswered(r, () => false)));
      await quiesce(database);
      await expectConsistent(database);
    }
    await proc.stop();
    console.log(`[chaos] seed ${SEED}: ${answered.ok} answered, ${answered.refused} refused, ${bookings.length} bookings, ${KILLS} kills`);
    expect(bookings.length).toBeGreaterThan(KILLS);
  });
});

/**
 * Waits until recovery and the task runner left nothing open (the recovery job runs every 30 s; 5 s
 * makes a saga stuck): a saga caught younger than 5 s by the run at start-up waits for the next run, so
 * one kill can take a minute to settle — the time budget above allows for it.
 */
async function quiesce(database: Database): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const open = await sql<{ n: number }>`
      select (select count(*) from booking.saga where status = 'running')
           + (select count(*) from booking.task where done_at is null) as n`.execute(database.db);
    if (Number(open.rows[0]!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('sagas or tasks still open 150 s after the restart');
}

async function expectConsistent(database: Database): Promise<void> {
  const db = database.db;
  await expectReconciled({ database });
  await reconciled({ db: database.db, clock: systemClock }); // the operator's `innkeeper reconcile`
  const money = await sql<{ id: string; booked: number; paid: number }>`
    select b.id, (b.amount_captured - b.amount_refunded)::int as booked,
      coalesce((select sum(i.amount_received - i.amount_refunded) from payment.payment_intent i where i.booking_id = b.id::text), 0)::int as paid
    from booking.booking b`.execute(db);
  expect(
    money.rows.filter((r) => r.booked !== r.paid),
    'every booking was paid, net, what it says',
  ).toEqual([]);
  const uncaptured = await sql<{ id: string }>`select id from payment.payment_intent where status = 'requires_capture'`.execute(db);
  expect(uncaptured.rows, 'no authorization left uncaptured').toEqual([]);
  const promo = await sql<{ uses: number; live: number }>`
    select p.uses, (select count(*) from booking.booking b where b.promo_code = p.code and b.status not in ('CANCELLED', 'EXPIRED'))::int as live
    from pricing.promo_code p where p.code = ${PROMO}`.execute(db);
  expect(promo.rows[0]!.uses, 'promo uses are the live bookings that keep one').toBe(promo.rows[0]!.live);
}

/**
 * Model-based test: random sequences of creates, updates, status changes, cancels, retries with reused
 * idempotency keys and clock moves run against the real service and a small reference model. After
 * every step the statuses, versions, history, outbox and inventory must agree with the model.
 *
 * The model carries its own state machine and inventory effects, written from seed 004 (and
 * ARCHITECTURE.md's correctness rule 5), never imported from the code under test: a wrong row in
 * booking.states.ts must make this test fail, not move the model along with it.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, nightsOf } from '../../../src/platform/dates.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import {
  expectCompensated,
  expectNoSagaRunning,
  expectReconciled,
  guest,
  makeHotel,
  sagaIds,
  sagasSince,
  type Hotel,
} from '../../helpers/booking-fixtures.js';

const START = '2026-01-15T12:00:00Z';
const CAPACITY = 2;
const BASE_DATE = '2026-02-01';

type Json = Record<string, unknown>;

type BookingStatus = 'PENDING' | 'CONFIRMED' | 'CHECKED_IN' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW' | 'EXPIRED';

/**
 * Seed 004's state machine: PENDING → CONFIRMED | CANCELLED | EXPIRED; CONFIRMED → CHECKED_IN |
 * CANCELLED | COMPLETED | NO_SHOW; CHECKED_IN → COMPLETED | CANCELLED; the rest are terminal.
 */
const MODEL_TRANSITIONS: Readonly<Record<BookingStatus, readonly BookingStatus[]>> = {
  PENDING: ['CONFIRMED', 'CANCELLED', 'EXPIRED'],
  CONFIRMED: ['CHECKED_IN', 'CANCELLED', 'COMPLETED', 'NO_SHOW'],
  CHECKED_IN: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
  NO_SHOW: [],
  EXPIRED: [],
};

/**
 * What a status does to the booking's rooms: still occupied (`keep`), all given back (`release`), or
 * kept up to the departure and the rest given back (`return_unused`: a completed stay frees the nights
 * from max(today, the day after arrival) on). And the state its inventory hold is in.
 */
const MODEL_EFFECT: Readonly<Record<BookingStatus, { nights: 'keep' | 'release' | 'return_unused'; hold: readonly string[] }>> = {
  PENDING: { nights: 'keep', hold: ['HELD'] },
  CONFIRMED: { nights: 'keep', hold: ['CONFIRMED'] },
  CHECKED_IN: { nights: 'keep', hold: ['CONFIRMED'] },
  COMPLETED: { nights: 'return_unused', hold: ['CONFIRMED'] },
  // A hold that ran out on its own (reclaimed by a later request) is as good as released.
  CANCELLED: { nights: 'release', hold: ['RELEASED', 'EXPIRED'] },
  NO_SHOW: { nights: 'release', hold: ['RELEASED', 'EXPIRED'] },
  EXPIRED: { nights: 'release', hold: ['RELEASED', 'EXPIRED'] },
};

/**
 * The model's answer to moving a booking from `from` to `to`: 200 (moved) or 400 (refused). Seed 004's
 * state machine has no move from a status to itself, so a repeated move is refused too (a retry with
 * the first request's idempotency key replays its answer, which the key actions of the model cover).
 */
function modelAnswer(from: BookingStatus, to: BookingStatus): 'moved' | 'refused' {
  // Seed 004's state machine has no move from a status to itself: a second cancel is 400 too.
  if (from === to) return 'refused';
  return MODEL_TRANSITIONS[from].includes(to) ? 'moved' : 'refused';
}

interface ModelBooking {
  id: string;
  status: BookingStatus;
  version: number;
  checkIn: string;
  checkOut: string;
  createdAtMs: number;
  history: number;
  events: number;
}

interface Model {
  bookings: ModelBooking[];
  /** Responses stored under idempotency keys: key → (request fingerprint, status, body). */
  keys: Map<string, { body: string; status: number; response: string }>;
}

type Action =
  | { kind: 'create'; day: number; nights: number; key: string | null }
  | { kind: 'retry'; which: number; sameBody: boolean }
  | { kind: 'update'; which: number; day: number; nights: number; stale: boolean }
  | { kind: 'status'; which: number; to: BookingStatus }
  | { kind: 'cancel'; which: number }
  | { kind: 'tick'; minutes: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      day: fc.integer({ min: 0, max: 4 }),
      nights: fc.integer({ min: 1, max: 3 }),
      key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), which: fc.nat(), sameBody: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      which: fc.nat(),
      day: fc.integer({ min: 0, max: 4 }),
      nights: fc.integer({ min: 1, max: 3 }),
      stale: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      which: fc.nat(),
      to: fc.constantFrom<BookingStatus>('CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW', 'EXPIRED', 'PENDING'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), minutes: fc.constantFrom(5, 10, 16) }) },
);

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
});
afterAll(async () => ctx.close());
afterEach(async () => expectNoSagaRunning(ctx));

/** Nights each model booking still occupies, per date. */
function occupancy(model: Model): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of model.bookings) {
    if (MODEL_EFFECT[b.status].nights === 'release') continue;
    for (const n of nightsOf(b.checkIn, b.checkOut)) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

function fits(model: Model, checkIn: string, checkOut: string): boolean {
  const counts = occupancy(model);
  return nightsOf(checkIn, checkOut).every((n) => (counts.get(n) ?? 0) < CAPACITY);
}

async function check(model: Model, hotel: Hotel): Promise<void> {
  const db = ctx.database.db;
  for (const m of model.bookings) {
    const { rows } = await sql<{ status: string; version: number; check_in: string; check_out: string; hold: string | null }>`
      select b.status, b.version, b.check_in, b.check_out, h.status as hold
      from booking.booking b left join inventory.hold h on h.id = b.inventory_reservation_id where b.id = ${m.id}`.execute(db);
    const { hold, ...row } = rows[0]!;
    expect(row, m.id).toEqual({ status: m.status, version: m.version, check_in: m.checkIn, check_out: m.checkOut });
    expect(MODEL_EFFECT[m.status].hold, `hold of ${m.id} (${m.status})`).toContain(hold);
    const h = await sql<{ n: number }>`select count(*)::int as n from booking.booking_status_history where booking_id = ${m.id}`.execute(
      db,
    );
    expect(h.rows[0]!.n, `history of ${m.id}`).toBe(m.history);
    const e = await sql<{ n: number }>`select count(*)::int as n from booking.outbox_event where aggregate_id = ${m.id}`.execute(db);
    expect(e.rows[0]!.n, `events of ${m.id}`).toBe(m.events);
  }
  const expected = occupancy(model);
  const { rows } = await sql<{ night: string; reserved: number }>`
    select night, reserved from inventory.room_night where room_type_id = ${hotel.roomTypeId} and reserved > 0`.execute(db);
  expect(Object.fromEntries(rows.map((r) => [r.night, r.reserved]))).toEqual(Object.fromEntries([...expected].filter(([, n]) => n > 0)));
  await expectReconciled(ctx);
}

async function run(actions: Action[]): Promise<void> {
  ctx.clock.set(START);
  const hotel = await makeHotel(ctx, { rooms: CAPACITY });
  const model: Model = { bookings: [], keys: new Map() };
  const keyPrefix = hotel.venueId; // keys are global; keep each run's apart
  const pick = (which: number) => (model.bookings.length === 0 ? undefined : model.bookings[which % model.bookings.length]);
  const today = () => ctx.clock.now().toISOString().slice(0, 10);

  for (const a of actions) {
    switch (a.kind) {
      case 'create': {
        const checkIn = addDays(BASE_DATE, a.day);
        const body = {
          ...guest(1),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: checkIn,
          nights: a.nights,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
        };
        const headers: Record<string, string> = a.key ? { 'idempotency-key': `${keyPrefix}-${a.key}` } : {};
        const before = await sagaIds(ctx);
        const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/bookings', payload: body, headers });
        const sagas = await sagasSince(ctx, before);
        const stored = a.key ? model.keys.get(a.key) : undefined;
        if (stored !== undefined) {
          if (stored.body === JSON.stringify(body)) {
            expect(res.statusCode).toBe(stored.status);
            expect(res.body).toBe(stored.response);
          } else {
            expect(res.statusCode).toBe(422);
          }
          expect(sagas, 'a replayed or refused key starts no saga').toEqual([]);
          break;
        }
        const ok = fits(model, checkIn, addDays(checkIn, a.nights));
        expect(res.statusCode, res.body).toBe(ok ? 201 : 409);
        // A create starts one saga: completed when it booked, compensated (never left running) when refused.
        expect(sagas).toHaveLength(1);
        if (ok) expect(sagas[0]).toMatchObject({ status: 'completed', booking_id: res.json<Json>().id });
        else expectCompensated(sagas, /^not held: /);
        if (ok) {
          model.bookings.push({
            id: res.json<Json>().id as string,
            status: 'PENDING',
            version: 1,
            checkIn,
            checkOut: addDays(checkIn, a.nights),
            createdAtMs: ctx.clock.now().getTime(),
            history: 1,
            events: 1,
          });
        }
        if (a.key) model.keys.set(a.key, { body: JSON.stringify(body), status: res.statusCode, response: res.body });
        break;
      }
      case 'retry': {
        const keys = [...model.keys.entries()];
        if (keys.length === 0) break;
        const [key, stored] = keys[a.which % keys.length]!;
        const body = JSON.parse(stored.body) as Json;
        const payload = a.sameBody ? body : { ...body, party_size: 2 };
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/bookings',
          payload,
          headers: { 'idempotency-key': `${keyPrefix}-${key}` },
        });
        if (a.sameBody) {
          expect(res.statusCode).toBe(stored.status);
          expect(res.body).toBe(stored.response);
        } else {
          expect(res.statusCode).toBe(422);
        }
        break;
      }
      case 'update': {
        const b = pick(a.which);
        if (b === undefined) break;
        const checkIn = addDays(BASE_DATE, a.day);
        const checkOut = addDays(checkIn, a.nights);
        const version = a.stale ? b.version + 1 : b.version;
        const res = await ctx.app.inject({
          method: 'PUT',
          url: `/api/v1/bookings/${b.id}`,
          headers: { 'if-match': `"${version}"` },
          payload: { booking_date: checkIn, nights: a.nights },
        });
        if (a.stale) {
          expect(res.statusCode).toBe(409);
          break;
        }
        if (b.status !== 'PENDING' && b.status !== 'CONFIRMED') {
          expect(res.statusCode).toBe(400);
          break;
        }
        const same = checkIn === b.checkIn && checkOut === b.checkOut;
        // The new stay is held before the old one is released: the booking's own nights still count.
        const ok = same || fits(model, checkIn, checkOut);
        expect(res.statusCode, res.body).toBe(ok ? 200 : 409);
        if (ok) {
          b.checkIn = checkIn;
          b.checkOut = checkOut;
          b.version++;
          b.events++;
        }
        break;
      }
      case 'status':
      case 'cancel': {
        const b = pick(a.which);
        if (b === undefined) break;
        const to: BookingStatus = a.kind === 'cancel' ? 'CANCELLED' : a.to;
        const res =
          a.kind === 'cancel'
            ? await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/cancel`, payload: { cancelled_by: 'guest-1' } })
            : await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${b.id}/status`, payload: { status: to } });
        const answer = modelAnswer(b.status, to);
        if (answer === 'refused') {
          expect(res.statusCode, res.body).toBe(400);
          expect(res.json<Json>()).toMatchObject({ error: { code: 'INVALID_STATUS_TRANSITION', details: { from: b.status, to } } });
          break;
        }
        expect(res.statusCode, res.body).toBe(200);
        if (MODEL_EFFECT[to].nights === 'return_unused') {
          const keep = [today(), addDays(b.checkIn, 1)].sort().at(-1)!;
          if (keep < b.checkOut) b.checkOut = keep;
        }
        b.status = to;
        b.version++;
        b.history++;
        b.events += 2;
        break;
      }
      case 'tick': {
        ctx.clock.advanceMinutes(a.minutes);
        await ctx.deps.scheduler.runNow('expire-pending-bookings');
        for (const b of model.bookings) {
          if (b.status === 'PENDING' && b.createdAtMs + 15 * 60_000 <= ctx.clock.now().getTime()) {
            b.status = 'EXPIRED';
            b.version++;
            b.history++;
            b.events += 2;
          }
        }
        break;
      }
    }
    await check(model, hotel);
  }
}

describe('bookings against a reference model', () => {
  it('agree after every step of random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 14 }), async (actions) => run(actions)),
      { numRuns: ctx.backend === 'pglite' ? 12 : 20 },
    );
  });
});

/**
 * Issue 11: CANCELLED→CANCELLED is 400. Seed 004 makes every terminal status final, so moving a
 * booking to the terminal status it is already in is refused like any other move out of it (it was
 * answered 200 as an idempotent retry before). The bookings are made in `beforeAll`.
 */
describe('a terminal status to itself (issue 11)', () => {
  const TERMINAL_AGAIN: readonly BookingStatus[] = ['CANCELLED', 'COMPLETED', 'NO_SHOW', 'EXPIRED'];
  const paths: Record<BookingStatus, readonly BookingStatus[]> = {
    CANCELLED: ['CANCELLED'],
    COMPLETED: ['CONFIRMED', 'COMPLETED'],
    NO_SHOW: ['CONFIRMED', 'NO_SHOW'],
    EXPIRED: ['EXPIRED'],
    PENDING: [],
    CONFIRMED: [],
    CHECKED_IN: [],
  };
  const booked = new Map<BookingStatus, { id: string; stored: unknown }>();
  const move = (id: string, to: BookingStatus) =>
    to === 'CANCELLED'
      ? ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${id}/cancel`, payload: { cancelled_by: 'guest-1' } })
      : ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${id}/status`, payload: { status: to } });
  /** Everything a refused move must leave as it was: the row, its history and its events. */
  const stored = async (id: string) => {
    const db = ctx.database.db;
    const row = await sql`select * from booking.booking where id = ${id}`.execute(db);
    const history = await sql`select * from booking.booking_status_history where booking_id = ${id} order by 1`.execute(db);
    const events = await sql`select event_id from booking.outbox_event where aggregate_id = ${id} order by seq`.execute(db);
    return { row: row.rows, history: history.rows, events: events.rows };
  };

  beforeAll(async () => {
    ctx.clock.set(START);
    const hotel = await makeHotel(ctx, { rooms: 4 });
    for (const status of TERMINAL_AGAIN) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        payload: {
          ...guest(1),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: BASE_DATE,
          nights: 1,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json<Json>().id as string;
      for (const to of paths[status]) expect((await move(id, to)).statusCode).toBe(200);
      booked.set(status, { id, stored: await stored(id) });
    }
  });

  for (const status of TERMINAL_AGAIN) {
    it(`${status}→${status} answers 400 INVALID_STATUS_TRANSITION naming both states`, async () => {
      const { id } = booked.get(status)!;
      const res = await move(id, status);
      // issue 11: CANCELLED→CANCELLED becomes 400
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<Json>()).toMatchObject({ error: { code: 'INVALID_STATUS_TRANSITION', details: { from: status, to: status } } });
    });

    it(`${status}→${status} changes nothing: no new version, history row or event`, async () => {
      const { id, stored: before } = booked.get(status)!;
      const res = await move(id, status);
      expect([200, 400], res.body).toContain(res.statusCode);
      expect(await stored(id)).toEqual(before);
    });
  }
});

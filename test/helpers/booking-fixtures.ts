/**
 * Real venues, room types and tables for booking tests, created through the inventory API, and the
 * reconciliation queries that say inventory and bookings agree.
 */
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestContext } from './context.js';

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/** With access control on, fixtures set the world up as an admin. */
export async function adminHeaders(ctx: TestContext): Promise<Record<string, string>> {
  if (ctx.tokens === undefined) return {};
  const { token } = await ctx.tokens.sign({ sub: 'fixture-admin', role: 'admin' }, 3600);
  return { authorization: `Bearer ${token}` };
}

async function post(ctx: TestContext, url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST'): Promise<Record<string, unknown>> {
  const res = await ctx.app.inject({ method, url, payload: payload as Record<string, unknown>, headers: await adminHeaders(ctx) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
  return res.json();
}

export interface Hotel {
  readonly venueId: string;
  readonly roomTypeId: string;
  readonly price: number;
}

export async function makeHotel(
  ctx: TestContext,
  options: { rooms?: number; price?: number; name?: string; capacity?: number; organization?: string } = {},
): Promise<Hotel> {
  const venueId = nextId('hotel');
  await post(ctx, '/api/v1/venues', {
    id: venueId,
    organization_id: options.organization ?? 'org-test',
    type: 'hotel',
    name: options.name ?? 'Test Hotel',
    location: 'London',
    time_zone: 'Europe/London',
    currency: 'GBP',
  });
  const roomTypeId = `${venueId}-STD`;
  const price = options.price ?? 12_000;
  await post(ctx, `/api/v1/venues/${venueId}/room-types`, {
    id: roomTypeId,
    name: 'Standard Rooms',
    capacity_adults: options.capacity ?? 4,
    price,
    total_quantity: options.rooms ?? 10,
  });
  return { venueId, roomTypeId, price };
}

export async function makeDiningVenue(
  ctx: TestContext,
  options: { type?: 'restaurant' | 'cafe'; tables?: number; seats?: number; buffer?: number } = {},
): Promise<{ venueId: string }> {
  const type = options.type ?? 'restaurant';
  const venueId = nextId(type);
  await post(ctx, '/api/v1/venues', {
    id: venueId,
    organization_id: 'org-test',
    type,
    name: `Test ${type}`,
    location: 'London',
    time_zone: 'Europe/London',
    currency: 'GBP',
  });
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  await post(
    ctx,
    `/api/v1/venues/${venueId}/dining-settings`,
    { hours: weekdays.map((weekday) => ({ weekday, opens: '08:00', closes: '23:00' })), buffer_minutes: options.buffer ?? 0 },
    'PUT',
  );
  for (let i = 1; i <= (options.tables ?? 4); i++) {
    await post(ctx, `/api/v1/venues/${venueId}/tables`, { name: `T${i}`, min_seats: 1, max_seats: options.seats ?? 4 });
  }
  return { venueId };
}

export function guest(n = 1) {
  return { guest_id: `guest-${n}`, guest_name: `Guest Number ${n}`, guest_email: `guest${n}@example.com`, guest_phone: '+44 20 7946 0000' };
}

/**
 * Inventory and bookings agree: every night's reserved count is the sum of the active holds on it, and
 * the active holds are exactly the holds of the bookings that still use inventory.
 */
export async function expectReconciled(ctx: Pick<TestContext, 'database'>): Promise<void> {
  const db = ctx.database.db;
  const nights = await sql<{ room_type_id: string; night: string; reserved: number; held: number }>`
    select n.room_type_id, n.night, n.reserved, coalesce(h.held, 0)::int as held
    from inventory.room_night n
    left join (
      select hn.room_type_id, hn.night, sum(hn.quantity)::int as held
      from inventory.hold_night hn join inventory.hold h on h.id = hn.hold_id
      where h.status in ('HELD', 'CONFIRMED')
      group by hn.room_type_id, hn.night
    ) h on h.room_type_id = n.room_type_id and h.night = n.night
    where n.reserved <> coalesce(h.held, 0)`.execute(db);
  expect(nights.rows, 'every reserved count equals its active holds').toEqual([]);

  const over = await sql<{
    n: number;
  }>`select count(*)::int as n from inventory.room_night where reserved > capacity or reserved < 0`.execute(db);
  expect(over.rows[0]?.n).toBe(0);

  const tables = await sql<{ hold_id: string }>`
    select a.hold_id from inventory.table_allocation a join inventory.hold h on h.id = a.hold_id
    where a.active <> (h.status in ('HELD', 'CONFIRMED'))`.execute(db);
  expect(tables.rows, 'table allocations are active exactly while their hold is').toEqual([]);

  const holds = await sql<{
    id: string;
  }>`select id from inventory.hold where status in ('HELD', 'CONFIRMED') and kind in ('lodging', 'dining') order by id`.execute(db);
  const booked = await sql<{ id: string }>`
    select inventory_reservation_id as id from booking.booking
    where status in ('PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED') and inventory_reservation_id is not null order by 1`.execute(db);
  expect(
    holds.rows.map((r) => r.id),
    'active holds are the holds of active bookings',
  ).toEqual(booked.rows.map((r) => r.id));

  const pending = await sql<{ n: number }>`select count(*)::int as n from booking.task where done_at is null`.execute(db);
  expect(pending.rows[0]?.n, 'no booking task left undone').toBe(0);
}

export interface SagaRow {
  readonly id: string;
  readonly booking_id: string;
  readonly status: string;
  readonly step: string;
  readonly outcome: string | null;
}

/** The ids of every saga so far: taken before a request, so that `sagasSince` tells which it started. */
export async function sagaIds(ctx: TestContext): Promise<ReadonlySet<string>> {
  const { rows } = await sql<{ id: string }>`select id from booking.saga`.execute(ctx.database.db);
  return new Set(rows.map((r) => r.id));
}

/** The sagas started since `before` (a `sagaIds` snapshot), oldest first. */
export async function sagasSince(ctx: TestContext, before: ReadonlySet<string>): Promise<SagaRow[]> {
  const { rows } = await sql<SagaRow>`
    select id, booking_id, status, step, outcome from booking.saga order by started_at, id`.execute(ctx.database.db);
  return rows.filter((r) => !before.has(r.id));
}

/** The sagas of one booking. */
export async function sagasOf(ctx: TestContext, bookingId: string): Promise<SagaRow[]> {
  const { rows } = await sql<SagaRow>`
    select id, booking_id, status, step, outcome from booking.saga where booking_id = ${bookingId}`.execute(ctx.database.db);
  return rows;
}

/**
 * A refused create ends its saga: compensated, with the reason as its outcome, never left running
 * (a running saga is one the recovery job would later pick up and act on). Checks each of `sagas`,
 * whose outcome must match `outcome` when given.
 */
export function expectCompensated(sagas: readonly SagaRow[], outcome?: RegExp): void {
  for (const s of sagas) {
    expect(s, `saga ${s.id} of booking ${s.booking_id}`).toMatchObject({
      status: 'compensated',
      step: 'compensated',
      outcome: expect.stringMatching(outcome ?? /\S/) as string,
    });
  }
}

const reportedRunning = new WeakMap<TestContext, Set<string>>();

/**
 * No saga is left running: for an `afterEach` of every file whose tests create bookings. A saga is
 * reported once, by the test that left it, not again by every test after it.
 */
export async function expectNoSagaRunning(ctx: TestContext): Promise<void> {
  const reported = reportedRunning.get(ctx) ?? new Set<string>();
  reportedRunning.set(ctx, reported);
  const { rows } = await sql<SagaRow>`
    select id, booking_id, status, step, outcome from booking.saga where status = 'running'`.execute(ctx.database.db);
  const left = rows.filter((r) => !reported.has(r.id));
  for (const r of left) reported.add(r.id);
  expect(left, 'sagas left running').toEqual([]);
}

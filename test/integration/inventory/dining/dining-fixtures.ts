/** Factories for dining tests: real venues, settings, tables and holds, made over HTTP. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestContext } from '../../../helpers/context.js';

export interface TableSpec {
  readonly name: string;
  readonly min_seats?: number;
  readonly max_seats: number;
  readonly area?: string;
}

export interface VenueSpec {
  readonly type?: 'restaurant' | 'cafe' | 'hotel' | 'retail';
  readonly timeZone?: string;
  /** The PUT dining-settings body; default: open every day 12:00–23:00, 15-minute slots. */
  readonly settings?: Record<string, unknown> | null;
  readonly tables?: readonly TableSpec[];
}

export const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function everyDay(opens: string, closes: string): { weekday: string; opens: string; closes: string }[] {
  return EVERY_DAY.map((weekday) => ({ weekday, opens, closes }));
}

export interface MadeVenue {
  readonly venueId: string;
  readonly tables: { id: string; name: string; min_seats: number; max_seats: number; area: string }[];
}

export async function newDiningVenue(ctx: TestContext, spec: VenueSpec = {}): Promise<MadeVenue> {
  const venueId = `dine-${randomUUID().slice(0, 8)}`;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    payload: {
      id: venueId,
      organization_id: 'org-test',
      type: spec.type ?? 'restaurant',
      name: `Venue ${venueId}`,
      location: 'London',
      time_zone: spec.timeZone ?? 'Europe/London',
      currency: 'GBP',
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  if (spec.settings !== null && (spec.type ?? 'restaurant') !== 'hotel' && spec.type !== 'retail') {
    const put = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/venues/${venueId}/dining-settings`,
      payload: spec.settings ?? { hours: everyDay('12:00', '23:00') },
    });
    expect(put.statusCode, put.body).toBe(200);
  }
  const tables: MadeVenue['tables'] = [];
  for (const t of spec.tables ?? []) {
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/venues/${venueId}/tables`, payload: t });
    expect(res.statusCode, res.body).toBe(201);
    tables.push(res.json());
  }
  return { venueId, tables };
}

export function tablesOf(n: number, seats: number, prefix = 'T'): TableSpec[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i + 1}`, min_seats: 1, max_seats: seats }));
}

export interface HoldBody {
  venue_id: string;
  date: string;
  time: string;
  party_size: number;
  duration_minutes?: number;
  ttl_seconds?: number;
  idempotency_key?: string;
  area?: string;
}

export function postHold(ctx: TestContext, body: HoldBody | Record<string, unknown>, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/holds/dining', payload: body, headers });
}

export interface SlotReply {
  time: string;
  start: string;
  end: string;
  available: boolean;
  tables_free: number;
  covers_left: number | null;
}

export interface AvailabilityReply {
  venue_id: string;
  date: string;
  time_zone: string;
  party_size: number;
  duration_minutes: number;
  closed: boolean;
  slots: SlotReply[];
}

export function availability(ctx: TestContext, q: Record<string, string | number>) {
  const qs = new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return ctx.app.inject({ method: 'GET', url: `/api/v1/availability/dining?${qs}` });
}

export function release(ctx: TestContext, holdId: string) {
  return ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${holdId}/release`, payload: {} });
}

export function confirm(ctx: TestContext, holdId: string) {
  return ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${holdId}/confirm` });
}

/** Everything dining keeps, for before/after comparisons: nothing may change on a refused request. */
export async function diningSnapshot(ctx: TestContext): Promise<unknown> {
  const db = ctx.database.db;
  const tables = await sql`select * from inventory.dining_table order by id`.execute(db);
  const allocations =
    await sql`select hold_id, table_id, party_size, during::text, active from inventory.table_allocation order by hold_id`.execute(db);
  const holds = await sql`select id, kind, status from inventory.hold order by id`.execute(db);
  const settings = await sql`select * from inventory.dining_settings order by venue_id`.execute(db);
  return { tables: tables.rows, allocations: allocations.rows, holds: holds.rows, settings: settings.rows };
}

/** Pairs of active allocations of one table whose ranges overlap (must always be empty). */
export async function doubleBookings(ctx: TestContext): Promise<unknown[]> {
  const { rows } = await sql`
    select a.hold_id as a, b.hold_id as b, a.table_id
    from inventory.table_allocation a
    join inventory.table_allocation b on a.table_id = b.table_id and a.hold_id < b.hold_id and a.during && b.during
    where a.active and b.active`.execute(ctx.database.db);
  return rows;
}

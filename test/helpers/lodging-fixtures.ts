/**
 * Factories and checks shared by the lodging tests: real rows through the real API, and the
 * invariants every state of the nightly inventory must satisfy, read with SQL.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { AnyDB } from '../../src/platform/db/database.js';
import { createTestContext, type TestContext, type TestContextOptions } from './context.js';

export async function newHotel(ctx: TestContext, overrides: Record<string, unknown> = {}): Promise<string> {
  const id = (overrides.id as string | undefined) ?? `h-${randomUUID().slice(0, 8)}`;
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    payload: { id, organization_id: 'org-test', type: 'hotel', name: `Hotel ${id}`, location: 'Testville', ...overrides },
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

/**
 * What most lodging test files start from: a context of their own with one hotel in it. The file
 * closes the context after its tests: `afterAll(() => ctx.close())`.
 */
export async function hotelContext(options: TestContextOptions = {}): Promise<{ ctx: TestContext; hotel: string }> {
  const ctx = await createTestContext(options);
  return { ctx, hotel: await newHotel(ctx) };
}

export interface RoomTypeOptions {
  id?: string;
  name?: string;
  capacity_adults?: number;
  price?: number;
  total_quantity?: number;
  overbooking_allowance?: number;
}

export async function newRoomType(ctx: TestContext, venueId: string, options: RoomTypeOptions = {}): Promise<string> {
  const id = options.id ?? `rt-${randomUUID().slice(0, 8)}`;
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/venues/${venueId}/room-types`,
    payload: { id, name: 'Double', capacity_adults: 2, price: 10_000, total_quantity: 5, ...options },
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

export interface HoldInput {
  room_type_id: string;
  check_in: string;
  check_out: string;
  quantity?: number;
  ttl_seconds?: number;
  idempotency_key?: string;
}

export function holdLodging(ctx: TestContext, body: HoldInput, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/holds/lodging', payload: body, headers });
}

export function roomsOp(ctx: TestContext, op: 'reserve' | 'release', body: Record<string, unknown>) {
  return ctx.app.inject({ method: 'POST', url: `/rooms/${op}`, payload: body });
}

export interface Night {
  night: string;
  capacity: number;
  reserved: number;
  reserved_direct: number;
}

export async function nights(db: AnyDB, roomTypeId: string, from = '0001-01-01', to = '9999-12-31'): Promise<Night[]> {
  const { rows } = await sql<Night>`
    select night, capacity, reserved, reserved_direct from inventory.room_night
    where room_type_id = ${roomTypeId} and night >= ${from}::date and night < ${to}::date order by night`.execute(db);
  return rows;
}

/** reserved per night, for the nights that have a row. */
export async function reservedOn(db: AnyDB, roomTypeId: string, from: string, to: string): Promise<Record<string, number>> {
  return Object.fromEntries((await nights(db, roomTypeId, from, to)).map((n) => [n.night, n.reserved]));
}

/** Every table the lodging part writes, in a stable order: the "nothing changed" snapshot. */
export async function snapshot(db: AnyDB): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    venue: 'select * from inventory.venue order by id',
    room_type: 'select * from inventory.room_type order by id',
    room_night: 'select * from inventory.room_night order by room_type_id, night',
    hold: 'select * from inventory.hold order by id',
    lodging_hold: 'select * from inventory.lodging_hold order by hold_id',
    hold_night: 'select * from inventory.hold_night order by hold_id, night',
    stay_rule: 'select * from inventory.stay_rule order by id',
    room_operation: 'select * from inventory.room_operation order by uuid',
    room_night_adjustment: 'select * from inventory.room_night_adjustment order by id',
    idempotency_key: 'select * from inventory.idempotency_key order by scope, key',
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(tables)) out[name] = (await sql.raw(query).execute(db)).rows;
  return out;
}

/**
 * The invariants of nightly inventory: 0 <= reserved_direct <= reserved <= capacity; what holds took
 * (HELD or CONFIRMED) is exactly reserved − reserved_direct; and reserved_direct is exactly the
 * succeeded /rooms operations plus the logged adjustments. Returns the violations (empty = fine).
 */
export async function invariantViolations(db: AnyDB, roomTypeId?: string): Promise<unknown[]> {
  const only = (column: string) => (roomTypeId === undefined ? sql`true` : sql`${sql.ref(column)} = ${roomTypeId}`);
  const { rows } = await sql`
    with held as (
      select hn.room_type_id, hn.night, sum(hn.quantity)::int as q from inventory.hold_night hn
      join inventory.hold h on h.id = hn.hold_id where h.status in ('HELD', 'CONFIRMED') and ${only('hn.room_type_id')} group by 1, 2
    ), ops as (
      select o.room_type_id, (o.check_in + i) as night,
        sum(case o.operation when 'RESERVE' then 1 else -1 end)::int as q
      from inventory.room_operation o cross join generate_series(0, o.check_out - o.check_in - 1) as i
      where o.status = 'SUCCESS' and ${only('o.room_type_id')} group by 1, 2
    ), adj as (
      select room_type_id, night, sum(delta)::int as q from inventory.room_night_adjustment where ${only('room_type_id')} group by 1, 2
    )
    select rn.room_type_id, rn.night, rn.capacity, rn.reserved, rn.reserved_direct,
      coalesce(held.q, 0) as held, coalesce(ops.q, 0) + coalesce(adj.q, 0) as direct
    from inventory.room_night rn
    left join held using (room_type_id, night)
    left join ops using (room_type_id, night)
    left join adj using (room_type_id, night)
    where ${only('rn.room_type_id')} and not (rn.reserved >= 0 and rn.reserved <= rn.capacity and rn.reserved_direct >= 0 and rn.reserved_direct <= rn.reserved
      and rn.reserved - rn.reserved_direct = coalesce(held.q, 0)
      and rn.reserved_direct = coalesce(ops.q, 0) + coalesce(adj.q, 0))`.execute(db);
  const orphans = await sql`
    select hn.* from inventory.hold_night hn left join inventory.room_night rn using (room_type_id, night) where rn.night is null`.execute(
    db,
  );
  return [...rows, ...orphans.rows];
}

export async function expectInvariants(db: AnyDB, roomTypeId?: string): Promise<void> {
  expect(await invariantViolations(db, roomTypeId)).toEqual([]);
}

/**
 * SQL for nightly inventory. Every change of `reserved` is one conditional UPDATE over the nights of a
 * stay (`… AND reserved + q <= capacity RETURNING night`): the database decides, never app code, and the
 * CHECK constraints (0 <= reserved_direct <= reserved <= capacity) stop whatever a bug would let through.
 */
import { sql } from 'kysely';
import type { InventoryExecutor, InventoryTrx } from '../inventory.tables.js';

/** A night's capacity from its room type and its own state (closed, out of order). */
const capacityOf = (total: unknown, allowance: unknown, outOfOrder: unknown, closed: unknown) =>
  sql<number>`case when ${closed} then 0 else greatest(${total} - ${outOfOrder}, 0) + ${allowance} end`;

/** Inserts the nights [from, until] of a new room type at full capacity. */
export async function insertNightRange(trx: InventoryTrx, roomTypeId: string, from: string, until: string): Promise<void> {
  await sql`
    insert into inventory.room_night (room_type_id, night, capacity)
    select rt.id, ${from}::date + i, rt.total_quantity + rt.overbooking_allowance
    from inventory.room_type rt cross join generate_series(0, ${until}::date - ${from}::date) as i
    where rt.id = ${roomTypeId}
    on conflict do nothing`.execute(trx);
}

/**
 * Creates the missing rows of every room type whose horizon ends before `until`, up to `until`;
 * locks those room types (FOR UPDATE) so a concurrent capacity change cannot miss a new row.
 * Returns the ids of the room types it extended.
 */
export async function insertHorizonRows(trx: InventoryTrx, from: string, until: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select id from inventory.room_type where nights_until < ${until}::date order by id for update`.execute(trx);
  if (rows.length === 0) return [];
  await sql`
    insert into inventory.room_night (room_type_id, night, capacity)
    select rt.id, s.start + i, rt.total_quantity + rt.overbooking_allowance
    from inventory.room_type rt
    cross join lateral (select greatest(rt.nights_until + 1, ${from}::date) as start) s
    cross join lateral generate_series(0, ${until}::date - s.start) as i
    where rt.nights_until < ${until}::date
    on conflict do nothing`.execute(trx);
  return rows.map((r) => r.id);
}

/**
 * Creates the rows of nights [checkIn, checkOut) that do not exist yet (outside the horizon), at the
 * room type's full capacity. The room type is share-locked so a concurrent capacity change either
 * sees these rows or is seen by them.
 */
export async function insertMissingNights(trx: InventoryTrx, roomTypeId: string, checkIn: string, checkOut: string): Promise<void> {
  await sql`
    insert into inventory.room_night (room_type_id, night, capacity)
    select rt.id, ${checkIn}::date + i, rt.total_quantity + rt.overbooking_allowance
    from (select id, total_quantity, overbooking_allowance from inventory.room_type where id = ${roomTypeId} for share) rt
    cross join generate_series(0, ${checkOut}::date - ${checkIn}::date - 1) as i
    on conflict do nothing`.execute(trx);
}

/** Takes `quantity` rooms on every night it can; returns the nights taken (the caller checks all were). */
export async function takeNightRows(
  trx: InventoryTrx,
  input: { roomTypeId: string; checkIn: string; checkOut: string; quantity: number; direct: boolean },
): Promise<string[]> {
  const q = input.quantity;
  // The nights are locked in night order first: two stays that overlap then always queue in the same
  // order and never deadlock (a plain UPDATE locks rows in whatever order its scan meets them).
  const { rows } = await sql<{ night: string }>`
    with locked as (
      select room_type_id, night from inventory.room_night
      where room_type_id = ${input.roomTypeId} and night >= ${input.checkIn}::date and night < ${input.checkOut}::date
      order by night
      for no key update
    )
    update inventory.room_night rn
    set reserved = rn.reserved + ${q}${input.direct ? sql`, reserved_direct = rn.reserved_direct + ${q}` : sql``}
    from locked
    where rn.room_type_id = locked.room_type_id and rn.night = locked.night and rn.reserved + ${q} <= rn.capacity
    returning rn.night`.execute(trx);
  return rows.map((r) => r.night).sort();
}

/** Gives back `quantity` directly reserved rooms on every night that has them; returns those nights. */
export async function releaseDirectRows(
  trx: InventoryTrx,
  input: { roomTypeId: string; checkIn: string; checkOut: string; quantity: number },
): Promise<string[]> {
  const q = input.quantity;
  const { rows } = await sql<{ night: string }>`
    with locked as (
      select room_type_id, night from inventory.room_night
      where room_type_id = ${input.roomTypeId} and night >= ${input.checkIn}::date and night < ${input.checkOut}::date
      order by night
      for no key update
    )
    update inventory.room_night rn
    set reserved = rn.reserved - ${q}, reserved_direct = rn.reserved_direct - ${q}
    from locked
    where rn.room_type_id = locked.room_type_id and rn.night = locked.night and rn.reserved_direct >= ${q}
    returning rn.night`.execute(trx);
  return rows.map((r) => r.night).sort();
}

/** HELD holds past their expiry that hold some of the nights [checkIn, checkOut) of a room type. */
export async function expiredHoldsOn(
  trx: InventoryTrx,
  roomTypeId: string,
  checkIn: string,
  checkOut: string,
  now: Date,
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select distinct h.id from inventory.hold_night hn join inventory.hold h on h.id = hn.hold_id
    where hn.room_type_id = ${roomTypeId} and hn.night >= ${checkIn}::date and hn.night < ${checkOut}::date
      and h.status = 'HELD' and h.expires_at <= ${now}`.execute(trx);
  return rows.map((r) => r.id);
}

/** Records what a lodging hold took. */
export async function insertHoldNights(
  trx: InventoryTrx,
  input: { holdId: string; roomTypeId: string; checkIn: string; checkOut: string; quantity: number },
): Promise<void> {
  await sql`
    insert into inventory.lodging_hold (hold_id, room_type_id, check_in, check_out, booked_check_out, quantity)
    values (${input.holdId}, ${input.roomTypeId}, ${input.checkIn}::date, ${input.checkOut}::date, ${input.checkOut}::date, ${input.quantity})`.execute(
    trx,
  );
  await sql`
    insert into inventory.hold_night (hold_id, room_type_id, night, quantity)
    select ${input.holdId}, ${input.roomTypeId}, ${input.checkIn}::date + i, ${input.quantity}
    from generate_series(0, ${input.checkOut}::date - ${input.checkIn}::date - 1) as i`.execute(trx);
}

/** Gives back exactly the hold_night rows of these holds, in one statement. */
export async function giveBackHoldNights(trx: InventoryTrx, holdIds: readonly string[]): Promise<void> {
  if (holdIds.length === 0) return;
  // Locked in (room type, night) order, like takeNightRows, so a release never deadlocks a take.
  await sql`
    with x as (
      select room_type_id, night, sum(quantity)::int as quantity from inventory.hold_night
      where hold_id in (${sql.join(holdIds)}) group by room_type_id, night
    ), locked as (
      select rn.room_type_id, rn.night, x.quantity from inventory.room_night rn
      join x on x.room_type_id = rn.room_type_id and x.night = rn.night
      order by rn.room_type_id, rn.night
      for no key update of rn
    )
    update inventory.room_night rn set reserved = rn.reserved - locked.quantity
    from locked
    where rn.room_type_id = locked.room_type_id and rn.night = locked.night`.execute(trx);
}

/** Gives back the nights of a hold from `from` on (an early departure); returns those nights. */
export async function giveBackHoldNightsFrom(trx: InventoryTrx, holdId: string, from: string): Promise<string[]> {
  const { rows } = await sql<{ night: string }>`
    with gone as (
      delete from inventory.hold_night where hold_id = ${holdId} and night >= ${from}::date
      returning room_type_id, night, quantity
    )
    update inventory.room_night rn set reserved = rn.reserved - gone.quantity
    from gone where rn.room_type_id = gone.room_type_id and rn.night = gone.night
    returning rn.night`.execute(trx);
  return rows.map((r) => r.night).sort();
}

export interface LodgingHoldRow {
  hold_id: string;
  room_type_id: string;
  check_in: string;
  check_out: string;
  booked_check_out: string;
  quantity: number;
  nights: string[];
}

export async function describeLodgingHolds(db: InventoryExecutor, holdIds: readonly string[]): Promise<LodgingHoldRow[]> {
  if (holdIds.length === 0) return [];
  const { rows } = await sql<LodgingHoldRow>`
    select lh.hold_id, lh.room_type_id, lh.check_in, lh.check_out, lh.booked_check_out, lh.quantity,
      coalesce((select json_agg(hn.night order by hn.night) from inventory.hold_night hn where hn.hold_id = lh.hold_id), '[]'::json) as nights
    from inventory.lodging_hold lh where lh.hold_id in (${sql.join(holdIds)})`.execute(db);
  return rows;
}

export async function setHoldCheckOut(trx: InventoryTrx, holdId: string, checkOut: string, now: Date): Promise<void> {
  await sql`update inventory.lodging_hold set check_out = ${checkOut}::date where hold_id = ${holdId}`.execute(trx);
  await sql`update inventory.hold set updated_at = ${now} where id = ${holdId}`.execute(trx);
}

/**
 * Sets out-of-order rooms / closure on the nights [from, to) where the new capacity still covers what
 * is reserved; returns the nights changed (the caller refuses unless that is all of them).
 */
export async function setNightCapacity(
  trx: InventoryTrx,
  input: { roomTypeId: string; from: string; to: string; outOfOrder: number; closed: boolean },
): Promise<string[]> {
  const cap = capacityOf(
    sql`rt.total_quantity`,
    sql`rt.overbooking_allowance`,
    sql`${input.outOfOrder}::int`,
    sql`${input.closed}::boolean`,
  );
  const { rows } = await sql<{ night: string }>`
    update inventory.room_night rn
    set out_of_order = ${input.outOfOrder}, closed = ${input.closed}, capacity = ${cap}
    from inventory.room_type rt
    where rt.id = rn.room_type_id and rn.room_type_id = ${input.roomTypeId}
      and rn.night >= ${input.from}::date and rn.night < ${input.to}::date
      and ${cap} >= rn.reserved
    returning rn.night`.execute(trx);
  return rows.map((r) => r.night).sort();
}

/**
 * Recomputes the capacity of every night from `from` on for a new total / allowance, where it still
 * covers what is reserved; returns the nights changed.
 */
export async function recomputeCapacityFrom(
  trx: InventoryTrx,
  input: { roomTypeId: string; from: string; totalQuantity: number; overbookingAllowance: number },
): Promise<string[]> {
  const cap = capacityOf(sql`${input.totalQuantity}::int`, sql`${input.overbookingAllowance}::int`, sql`out_of_order`, sql`closed`);
  const { rows } = await sql<{ night: string }>`
    update inventory.room_night set capacity = ${cap}
    where room_type_id = ${input.roomTypeId} and night >= ${input.from}::date and ${cap} >= reserved
    returning night`.execute(trx);
  return rows.map((r) => r.night).sort();
}

export async function nightsFrom(trx: InventoryExecutor, roomTypeId: string, from: string, to?: string): Promise<string[]> {
  const { rows } = await sql<{ night: string }>`
    select night from inventory.room_night where room_type_id = ${roomTypeId} and night >= ${from}::date
    ${to !== undefined ? sql`and night < ${to}::date` : sql``} order by night`.execute(trx);
  return rows.map((r) => r.night);
}

export interface NightRow {
  night: string;
  capacity: number;
  reserved: number;
  reserved_direct: number;
  out_of_order: number;
  closed: boolean;
  demand_level: string | null;
}

/** The rows of nights [from, to) of a room type (nights without a row are absent). */
export async function readNightRows(db: InventoryExecutor, roomTypeId: string, from: string, to: string): Promise<NightRow[]> {
  const { rows } = await sql<NightRow>`
    select night, capacity, reserved, reserved_direct, out_of_order, closed, demand_level from inventory.room_night
    where room_type_id = ${roomTypeId} and night >= ${from}::date and night < ${to}::date order by night`.execute(db);
  return rows;
}

/** Logs a direct change of reserved rooms that is not a /rooms operation. */
export async function logAdjustment(
  trx: InventoryTrx,
  input: { roomTypeId: string; night: string; delta: number; source: 'inventory-adjust' | 'dataset'; reference: string | null; now: Date },
): Promise<void> {
  await trx
    .insertInto('inventory.room_night_adjustment')
    .values({
      room_type_id: input.roomTypeId,
      night: input.night,
      delta: input.delta,
      source: input.source,
      reference: input.reference,
      created_at: input.now,
    })
    .execute();
}

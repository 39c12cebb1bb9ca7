/**
 * Room type administration: create (with its nightly rows for the whole horizon), read, change,
 * deactivate; capacity changes over date ranges (out of order, closures); stay rules. A change that would
 * put any night's capacity below what is reserved is refused (CAPACITY_BELOW_RESERVED) and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { addDays, nightsOf } from '../../../platform/dates.js';
import { platformError } from '../../../platform/errors.js';
import { ALL, type Scope } from '../inventory.scope.js';
import type { InventoryDb, InventoryExecutor, InventoryTrx } from '../inventory.tables.js';
import { findVenue } from '../venues/venue.repository.js';
import { getListedVenue, requireSellingVenue } from '../venues/venue.service.js';
import { horizonAt, localDate, MAX_STAY_NIGHTS, requireCalendarDate, requireRange } from './lodging.calendar.js';
import { lodgingError } from './lodging.errors.js';
import {
  insertMissingNights,
  insertNightRange,
  nightsFrom,
  readNightRows,
  recomputeCapacityFrom,
  setNightCapacity,
  type NightRow,
} from './room-night.repository.js';
import {
  findListedRoomType,
  findRoomType,
  insertRoomType,
  listRoomTypes,
  lockRoomType,
  updateRoomType,
  type RoomType,
  type RoomTypeChanges,
} from './room-type.repository.js';
import type { StayRule } from './stay-rule.domain.js';
import { listStayRules, replaceStayRules } from './stay-rule.repository.js';

export type { RoomType, RoomTypeChanges };

export interface NewRoomTypeInput {
  readonly id?: string;
  readonly venueId: string;
  readonly name: string;
  readonly capacityAdults: number;
  readonly price: number;
  readonly totalQuantity: number;
  readonly overbookingAllowance?: number;
}

/** Creates a room type of a hotel (within the scope) with its nightly rows for the horizon, in one transaction. */
export async function createRoomType(db: InventoryDb, input: NewRoomTypeInput, now: Date, scope: Scope = ALL): Promise<RoomType> {
  return db.transaction().execute((trx) => createRoomTypeIn(trx, input, now, scope));
}

export async function createRoomTypeIn(trx: InventoryTrx, input: NewRoomTypeInput, now: Date, scope: Scope = ALL): Promise<RoomType> {
  await requireSellingVenue(trx, input.venueId, ['hotel'], scope);
  const id = input.id ?? randomUUID();
  const { from, until } = horizonAt(now);
  const inserted = await insertRoomType(
    trx,
    {
      id,
      venueId: input.venueId,
      name: input.name,
      capacityAdults: input.capacityAdults,
      price: input.price,
      totalQuantity: input.totalQuantity,
      overbookingAllowance: input.overbookingAllowance ?? 0,
      nightsFrom: from,
      nightsUntil: until,
    },
    now,
  );
  if (!inserted) throw lodgingError('ROOM_TYPE_EXISTS', `Room type ${id} already exists.`);
  await insertNightRange(trx, id, from, until);
  return (await findRoomType(trx, id))!;
}

function roomTypeNotFound(id: string): never {
  throw lodgingError('ROOM_TYPE_NOT_FOUND', `Room type ${id} does not exist.`);
}

/** The room type, or ROOM_TYPE_NOT_FOUND (also when it exists outside the caller's scope). */
export async function getRoomType(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<RoomType> {
  return (await findRoomType(db, id, scope)) ?? roomTypeNotFound(id);
}

/** The public read: a room type on sale; another only within the caller's scope. */
export async function getListedRoomType(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<RoomType> {
  return (await findListedRoomType(db, id, scope)) ?? roomTypeNotFound(id);
}

async function lockOrFail(trx: InventoryTrx, id: string, scope: Scope): Promise<RoomType> {
  return (await lockRoomType(trx, id, scope)) ?? roomTypeNotFound(id);
}

/** The public list of a catalogue hotel's room types (inactive ones only within the scope). */
export async function listVenueRoomTypes(
  db: InventoryExecutor,
  venueId: string,
  includeInactive = false,
  scope: Scope = ALL,
): Promise<RoomType[]> {
  await getListedVenue(db, venueId, scope);
  return listRoomTypes(db, venueId, includeInactive, scope);
}

async function refuseBelowReserved(
  trx: InventoryTrx,
  roomTypeId: string,
  expected: readonly string[],
  changed: readonly string[],
): Promise<void> {
  if (changed.length === expected.length) return;
  const done = new Set(changed);
  const night = expected.find((n) => !done.has(n)) ?? expected[0]!;
  const [row] = await readNightRows(trx, roomTypeId, night, addDays(night, 1));
  throw lodgingError(
    'CAPACITY_BELOW_RESERVED',
    `On ${night}, ${row?.reserved ?? 'more'} rooms are already reserved; the new capacity is lower.`,
    {
      night,
      reserved: row?.reserved ?? null,
    },
  );
}

/**
 * Changes a room type. A new total quantity or overbooking allowance moves the capacity of every night
 * from the venue's today on, all or none.
 */
export async function changeRoomType(
  db: InventoryDb,
  id: string,
  changes: RoomTypeChanges,
  now: Date,
  scope: Scope = ALL,
): Promise<RoomType> {
  return db.transaction().execute(async (trx) => {
    const rt = await lockOrFail(trx, id, scope);
    await updateRoomType(trx, id, changes, now);
    const total = changes.totalQuantity ?? rt.totalQuantity;
    const allowance = changes.overbookingAllowance ?? rt.overbookingAllowance;
    if (total !== rt.totalQuantity || allowance !== rt.overbookingAllowance) {
      const venue = await findVenue(trx, rt.venueId);
      const today = localDate(now, venue?.timeZone ?? 'UTC');
      const expected = await nightsFrom(trx, id, today);
      const changed = await recomputeCapacityFrom(trx, {
        roomTypeId: id,
        from: today,
        totalQuantity: total,
        overbookingAllowance: allowance,
      });
      await refuseBelowReserved(trx, id, expected, changed);
    }
    return (await findRoomType(trx, id))!;
  });
}

export function deactivateRoomType(db: InventoryDb, id: string, now: Date, scope: Scope = ALL): Promise<RoomType> {
  return changeRoomType(db, id, { active: false }, now, scope);
}

export interface CapacityChange {
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  /** Rooms out of order on each of those nights (0 puts them back). */
  readonly outOfOrder: number;
  /** Closed: nothing sells on those nights. */
  readonly closed: boolean;
}

/**
 * Sets rooms out of order (or closes the room type) on the nights [from, to): capacity becomes
 * total − out_of_order + overbooking allowance (0 when closed), on every night or none.
 */
export async function changeNightCapacity(db: InventoryDb, id: string, change: CapacityChange, scope: Scope = ALL): Promise<NightView[]> {
  requireRange('from', change.from, 'to', change.to, 2 * MAX_STAY_NIGHTS);
  return db.transaction().execute(async (trx) => {
    const rt = await lockOrFail(trx, id, scope);
    if (change.outOfOrder > rt.totalQuantity) {
      throw platformError(
        'VALIDATION_FAILED',
        `out_of_order (${change.outOfOrder}) exceeds the room type's total quantity (${rt.totalQuantity}).`,
      );
    }
    await insertMissingNights(trx, id, change.from, change.to);
    const changed = await setNightCapacity(trx, { roomTypeId: id, ...change });
    await refuseBelowReserved(trx, id, nightsOf(change.from, change.to), changed);
    return (await readNightRows(trx, id, change.from, change.to)).map(rowToView);
  });
}

export interface NightView {
  readonly date: string;
  readonly capacity: number;
  readonly reserved: number;
  readonly available: number;
  readonly outOfOrder: number;
  readonly closed: boolean;
}

function rowToView(r: NightRow): NightView {
  return {
    date: r.night,
    capacity: r.capacity,
    reserved: r.reserved,
    available: r.capacity - r.reserved,
    outOfOrder: r.out_of_order,
    closed: r.closed,
  };
}

/** The nights [from, to) of a room type; a night without a row shows its full capacity. */
export async function roomTypeNights(
  db: InventoryExecutor,
  id: string,
  from: string,
  to: string,
  scope: Scope = ALL,
): Promise<NightView[]> {
  requireRange('from', from, 'to', to, 2 * MAX_STAY_NIGHTS);
  const rt = await getRoomType(db, id, scope);
  const rows = new Map((await readNightRows(db, id, from, to)).map((r) => [r.night, rowToView(r)]));
  const full = rt.totalQuantity + rt.overbookingAllowance;
  return nightsOf(from, to).map(
    (date) => rows.get(date) ?? { date, capacity: full, reserved: 0, available: full, outOfOrder: 0, closed: false },
  );
}

/** The stay rules of a catalogue room type (public: they decide which stays can be booked). */
export async function getStayRules(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<StayRule[]> {
  await getListedRoomType(db, id, scope);
  return listStayRules(db, id);
}

/** Replaces every stay rule of a room type. */
export async function putStayRules(db: InventoryDb, id: string, rules: readonly StayRule[], scope: Scope = ALL): Promise<StayRule[]> {
  rules.forEach((r, i) => {
    requireCalendarDate(`rules[${i}].from`, r.from);
    requireCalendarDate(`rules[${i}].to`, r.to);
    if (r.from >= r.to) throw platformError('VALIDATION_FAILED', `rules[${i}].from must be before rules[${i}].to.`);
    if (r.minStay !== null && r.maxStay !== null && r.minStay > r.maxStay) {
      throw platformError('VALIDATION_FAILED', `rules[${i}].min_stay must not exceed rules[${i}].max_stay.`);
    }
  });
  return db.transaction().execute(async (trx) => {
    await lockOrFail(trx, id, scope);
    await replaceStayRules(trx, id, rules);
    return listStayRules(trx, id);
  });
}

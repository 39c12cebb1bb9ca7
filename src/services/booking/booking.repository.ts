/** SQL of the booking service. Every status or field change is versioned in the UPDATE itself. */
import { randomInt } from 'node:crypto';
import type { Insertable, Updateable } from 'kysely';
import { rowToBooking, type Booking } from './booking.model.js';
import type { BookingStatus } from './booking.states.js';
import type { BookingExecutor, BookingTable, BookingTrx } from './booking.tables.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomCode(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** `BR-YYYYMMDD-XXXXXX`, the UTC date of creation and six of [A-Z0-9]. */
export function newReference(at: Date): string {
  return `BR-${at.toISOString().slice(0, 10).replace(/-/g, '')}-${randomCode(6)}`;
}

/** The 7-character id of the seed-001 `/bookings` surface. */
export function newShortId(): string {
  return randomCode(7);
}

export type NewBookingRow = Insertable<BookingTable>;

export async function insertBooking(trx: BookingTrx, row: NewBookingRow): Promise<Booking> {
  const inserted = await trx.insertInto('booking.booking').values(row).returningAll().executeTakeFirstOrThrow();
  return rowToBooking(inserted);
}

export async function findBooking(db: BookingExecutor, id: string, lock = false): Promise<Booking | undefined> {
  let q = db.selectFrom('booking.booking').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToBooking(row);
}

export async function findByReference(db: BookingExecutor, reference: string): Promise<Booking | undefined> {
  const row = await db.selectFrom('booking.booking').selectAll().where('booking_reference', '=', reference).executeTakeFirst();
  return row && rowToBooking(row);
}

export async function findByShortId(db: BookingExecutor, shortId: string): Promise<Booking | undefined> {
  const row = await db.selectFrom('booking.booking').selectAll().where('short_id', '=', shortId).executeTakeFirst();
  return row && rowToBooking(row);
}

export interface Guard {
  /** Only if the booking is still at this version (optimistic locking). */
  readonly version?: number;
  /** Only if the booking is still in one of these statuses (a racing transition loses). */
  readonly statuses?: readonly BookingStatus[];
}

/**
 * Applies `changes` and increments the version in one UPDATE, only if the guard still holds.
 * Returns undefined when it does not (nothing changed).
 */
export async function updateBooking(
  trx: BookingTrx,
  id: string,
  guard: Guard,
  changes: Omit<Updateable<BookingTable>, 'id' | 'version'>,
): Promise<Booking | undefined> {
  let q = trx
    .updateTable('booking.booking')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
    .where('id', '=', id);
  if (guard.version !== undefined) q = q.where('version', '=', guard.version);
  if (guard.statuses !== undefined) q = q.where('status', 'in', guard.statuses);
  const row = await q.returningAll().executeTakeFirst();
  return row && rowToBooking(row);
}

export async function insertHistory(
  trx: BookingTrx,
  entry: { bookingId: string; from: BookingStatus | null; to: BookingStatus; by: string; reason: string | null; at: Date },
): Promise<void> {
  await trx
    .insertInto('booking.booking_status_history')
    .values({
      booking_id: entry.bookingId,
      from_status: entry.from,
      to_status: entry.to,
      changed_by: entry.by,
      reason: entry.reason,
      created_at: entry.at,
    })
    .execute();
}

export interface HistoryEntry {
  readonly from: BookingStatus | null;
  readonly to: BookingStatus;
  readonly by: string;
  readonly reason: string | null;
  readonly at: Date;
}

export async function listHistory(db: BookingExecutor, bookingId: string): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('booking.booking_status_history')
    .selectAll()
    .where('booking_id', '=', bookingId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, by: r.changed_by, reason: r.reason, at: r.created_at }));
}

export interface ListFilter {
  readonly guestId?: string;
  readonly venueId?: string;
  readonly status?: BookingStatus;
  readonly fromDate?: string;
  readonly toDate?: string;
}

export async function listBookings(
  db: BookingExecutor,
  filter: ListFilter,
  limit: number,
  offset: number,
): Promise<{ bookings: Booking[]; total: number }> {
  let base = db.selectFrom('booking.booking');
  if (filter.guestId !== undefined) base = base.where('guest_id', '=', filter.guestId);
  if (filter.venueId !== undefined) base = base.where('venue_id', '=', filter.venueId);
  if (filter.status !== undefined) base = base.where('status', '=', filter.status);
  if (filter.fromDate !== undefined) base = base.where('booking_date', '>=', filter.fromDate);
  if (filter.toDate !== undefined) base = base.where('booking_date', '<=', filter.toDate);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { bookings: rows.map(rowToBooking), total: Number(count.n) };
}

export interface InventoryTask {
  readonly id: number;
  readonly bookingId: string;
  readonly holdId: string;
  readonly action: 'release' | 'shorten';
  readonly checkOut: string | null;
  readonly reason: string;
}

export async function insertInventoryTask(
  trx: BookingTrx,
  task: { bookingId: string; holdId: string; action: 'release' | 'shorten'; checkOut?: string; reason: string; at: Date },
): Promise<number> {
  const row = await trx
    .insertInto('booking.inventory_task')
    .values({
      booking_id: task.bookingId,
      hold_id: task.holdId,
      action: task.action,
      check_out: task.checkOut ?? null,
      reason: task.reason,
      created_at: task.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Claims pending tasks (all, or those of `ids`) for `leaseMs`, so two workers never run one task at
 * the same time; a worker that dies leaves its claim to lapse and the task is run again (every action
 * is idempotent at the inventory service).
 */
export async function claimInventoryTasks(
  db: BookingExecutor,
  now: Date,
  leaseMs: number,
  limit: number,
  ids?: readonly number[],
): Promise<InventoryTask[]> {
  if (ids !== undefined && ids.length === 0) return [];
  let pending = db
    .selectFrom('booking.inventory_task')
    .select('id')
    .where('done_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  if (ids !== undefined) pending = pending.where('id', 'in', ids);
  const rows = await db
    .updateTable('booking.inventory_task')
    .set((eb) => ({ claimed_until: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', pending)
    .returning(['id', 'booking_id', 'hold_id', 'action', 'check_out', 'reason'])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    bookingId: r.booking_id,
    holdId: r.hold_id,
    action: r.action,
    checkOut: r.check_out,
    reason: r.reason,
  }));
}

export async function finishInventoryTask(db: BookingExecutor, id: number, now: Date, error?: string): Promise<void> {
  await db
    .updateTable('booking.inventory_task')
    .set(error === undefined ? { done_at: now, claimed_until: null, last_error: null } : { claimed_until: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

export async function pendingInventoryTasks(db: BookingExecutor): Promise<number> {
  const row = await db
    .selectFrom('booking.inventory_task')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('done_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

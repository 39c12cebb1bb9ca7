/** SQL of the booking service. Every status or field change is versioned in the UPDATE itself. */
import { randomInt } from 'node:crypto';
import type { Insertable, Updateable } from 'kysely';
import { rowToBooking, type Booking } from './booking.model.js';
import type { BookingStatus } from './booking.states.js';
import type { BookingExecutor, BookingTable, BookingTrx, TaskAction } from './booking.tables.js';

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

export interface Task {
  readonly id: number;
  readonly bookingId: string;
  readonly action: TaskAction;
  readonly holdId: string | null;
  readonly intentId: string | null;
  readonly amount: number | null;
  readonly checkOut: string | null;
  readonly promoCode: string | null;
  readonly callKey: string;
  readonly reason: string;
}

export type NewTask = Omit<Task, 'id' | 'holdId' | 'intentId' | 'amount' | 'checkOut' | 'promoCode'> &
  Partial<Pick<Task, 'holdId' | 'intentId' | 'amount' | 'checkOut' | 'promoCode'>>;

/** Records a call to make after commit; the same call key twice is one task. */
export async function insertTask(trx: BookingTrx, task: NewTask, at: Date): Promise<number | undefined> {
  const row = await trx
    .insertInto('booking.task')
    .values({
      booking_id: task.bookingId,
      action: task.action,
      hold_id: task.holdId ?? null,
      intent_id: task.intentId ?? null,
      amount: task.amount ?? null,
      check_out: task.checkOut ?? null,
      promo_code: task.promoCode ?? null,
      call_key: task.callKey,
      reason: task.reason,
      created_at: at,
    })
    .onConflict((oc) => oc.column('call_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/**
 * Claims pending tasks (all, or those of `ids`) for `leaseMs`, so two workers never run one task at
 * the same time; a worker that dies leaves its claim to lapse and the task runs again (every call
 * carries its idempotency key, so running it twice has one effect).
 */
export async function claimTasks(db: BookingExecutor, now: Date, leaseMs: number, limit: number, ids?: readonly number[]): Promise<Task[]> {
  if (ids !== undefined && ids.length === 0) return [];
  let pending = db
    .selectFrom('booking.task')
    .select('id')
    .where('done_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  if (ids !== undefined) pending = pending.where('id', 'in', ids);
  const rows = await db
    .updateTable('booking.task')
    .set((eb) => ({ claimed_until: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', pending)
    .returningAll()
    .execute();
  return rows
    .sort((a, b) => a.id - b.id)
    .map((r) => ({
      id: r.id,
      bookingId: r.booking_id,
      action: r.action,
      holdId: r.hold_id,
      intentId: r.intent_id,
      amount: r.amount,
      checkOut: r.check_out,
      promoCode: r.promo_code,
      callKey: r.call_key,
      reason: r.reason,
    }));
}

export async function finishTask(db: BookingExecutor, id: number, now: Date, error?: string): Promise<void> {
  await db
    .updateTable('booking.task')
    .set(error === undefined ? { done_at: now, claimed_until: null, last_error: null } : { claimed_until: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

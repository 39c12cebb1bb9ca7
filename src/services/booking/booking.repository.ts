/**
 * SQL of the booking service: bookings, their status history and their outbox events (the tasks are
 * in task.repository.ts, the sagas in saga/saga.repository.ts). Every status or field change is
 * versioned in the UPDATE itself.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { sql, type Insertable, type Selectable, type SelectQueryBuilder, type Updateable } from 'kysely';
import { ALL_BOOKINGS, type BookingScope } from './booking.scope.js';
import { bookingError } from './booking.errors.js';
import type { BookingEvent } from './booking.events.js';
import { rowToBooking, type Booking } from './booking.model.js';
import { openGuestColumns, sealGuestColumns } from './booking.pii.js';
import type { BookingStatus } from './booking.states.js';
import type { BookingDB, BookingExecutor, BookingTable, BookingTrx } from './booking.tables.js';
import type { PiiVault } from '../../platform/pii/pii-vault.js';
import { writeOutbox } from '../../platform/events/outbox.js';

/** A row as read, guest data opened (booking.pii.ts). */
function toBooking(pii: PiiVault, row: Selectable<BookingTable>): Booking {
  return rowToBooking(openGuestColumns(pii, row));
}

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

export async function insertBooking(trx: BookingTrx, pii: PiiVault, row: NewBookingRow): Promise<Booking> {
  const inserted = await trx
    .insertInto('booking.booking')
    .values({ ...row, ...sealGuestColumns(pii, row) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toBooking(pii, inserted);
}

/**
 * Inserts a booking under a fresh reference and short id. References are random and a clash is
 * astronomically rare; it looks before inserting so that the unique indexes (the real guarantee)
 * practically never abort the transaction.
 */
export async function insertWithFreshReference(
  trx: BookingTrx,
  pii: PiiVault,
  row: Omit<NewBookingRow, 'booking_reference' | 'short_id'>,
): Promise<Booking> {
  for (let attempt = 0; ; attempt++) {
    const reference = newReference(row.created_at);
    const shortId = newShortId();
    const clash = await trx
      .selectFrom('booking.booking')
      .select('id')
      .where((eb) => eb.or([eb('booking_reference', '=', reference), eb('short_id', '=', shortId)]))
      .executeTakeFirst();
    if (clash === undefined || attempt >= 5) return insertBooking(trx, pii, { ...row, booking_reference: reference, short_id: shortId });
  }
}

/** Narrows a query on booking.booking to the bookings a caller's scope sees. */
function owned<Q extends SelectQueryBuilder<BookingDB, 'booking.booking', object>>(q: Q, scope: BookingScope): Q {
  switch (scope.kind) {
    case 'all':
      return q;
    case 'none':
      return q.where(sql<boolean>`false`) as Q;
    case 'guest':
      return (scope.bookingId === undefined ? q.where('guest_id', '=', scope.guestId) : q.where('id', '=', scope.bookingId)) as Q;
    case 'venues':
      return (scope.venueIds.length === 0 ? q.where(sql<boolean>`false`) : q.where('venue_id', 'in', [...scope.venueIds])) as Q;
  }
}

export async function findBooking(
  db: BookingExecutor,
  pii: PiiVault,
  id: string,
  lock = false,
  scope: BookingScope = ALL_BOOKINGS,
): Promise<Booking | undefined> {
  let q = owned(db.selectFrom('booking.booking').selectAll().where('id', '=', id), scope);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toBooking(pii, row);
}

/** The booking, or BOOKING_NOT_FOUND (also when it exists but is not within the caller's scope). */
export async function getBooking(db: BookingExecutor, pii: PiiVault, id: string, scope: BookingScope = ALL_BOOKINGS): Promise<Booking> {
  const booking = await findBooking(db, pii, id, false, scope);
  if (booking === undefined) throw bookingError('BOOKING_NOT_FOUND', `Booking ${id} does not exist.`);
  return booking;
}

export async function findByReference(
  db: BookingExecutor,
  pii: PiiVault,
  reference: string,
  scope: BookingScope = ALL_BOOKINGS,
): Promise<Booking | undefined> {
  const row = await owned(
    db.selectFrom('booking.booking').selectAll().where('booking_reference', '=', reference),
    scope,
  ).executeTakeFirst();
  return row && toBooking(pii, row);
}

/**
 * The booking with this reference whose guest email matches (through its blind index, compared in
 * constant time); undefined when either does not match, so a caller cannot tell which.
 */
export async function findByReferenceAndEmail(
  db: BookingExecutor,
  pii: PiiVault,
  reference: string,
  email: string,
): Promise<Booking | undefined> {
  const row = await db.selectFrom('booking.booking').selectAll().where('booking_reference', '=', reference).executeTakeFirst();
  const given = Buffer.from(pii.index('email', email), 'hex');
  const stored = Buffer.from(row?.guest_email_index ?? '', 'hex');
  const matches = stored.length === given.length && timingSafeEqual(stored, given);
  return row !== undefined && matches ? toBooking(pii, row) : undefined;
}

export async function findByShortId(db: BookingExecutor, pii: PiiVault, shortId: string): Promise<Booking | undefined> {
  const row = await db.selectFrom('booking.booking').selectAll().where('short_id', '=', shortId).executeTakeFirst();
  return row && toBooking(pii, row);
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
/** The columns a change may set (the version is the repository's). */
export type BookingUpdate = Omit<Updateable<BookingTable>, 'id' | 'version'>;

export async function updateBooking(
  trx: BookingTrx,
  pii: PiiVault,
  id: string,
  guard: Guard,
  changes: BookingUpdate,
): Promise<Booking | undefined> {
  let q = trx
    .updateTable('booking.booking')
    .set((eb) => ({ ...changes, ...sealGuestColumns(pii, changes), version: eb('version', '+', 1) }))
    .where('id', '=', id);
  if (guard.version !== undefined) q = q.where('version', '=', guard.version);
  if (guard.statuses !== undefined) q = q.where('status', 'in', guard.statuses);
  const row = await q.returningAll().executeTakeFirst();
  return row && toBooking(pii, row);
}

/**
 * Records what the booking's payment is now (its intent, its status, what was refunded) without a
 * new version: these follow a decision already versioned (the saga's own steps, a transition's
 * settlement), so a reader's expected version stays valid.
 */
export async function setPayment(
  trx: BookingTrx,
  pii: PiiVault,
  id: string,
  payment: Pick<Updateable<BookingTable>, 'payment_intent_id' | 'payment_status' | 'amount_refunded'>,
): Promise<Booking> {
  const row = await trx.updateTable('booking.booking').set(payment).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toBooking(pii, row);
}

export async function insertHistory(
  trx: BookingTrx,
  entry: {
    bookingId: string;
    from: BookingStatus | null;
    to: BookingStatus;
    by: string;
    reason: string | null;
    at: Date;
    /** The request that made the transition, when it came with an idempotency key. */
    requestId?: string;
  },
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
      request_id: entry.requestId ?? null,
    })
    .execute();
}

/** Did request `requestId` make the booking's transition to `to`? */
export async function transitionMadeBy(db: BookingExecutor, bookingId: string, to: BookingStatus, requestId: string): Promise<boolean> {
  const row = await db
    .selectFrom('booking.booking_status_history')
    .select('id')
    .where('booking_id', '=', bookingId)
    .where('to_status', '=', to)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return row !== undefined;
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
  /** A guest's email as given: found through its blind index (the normalised email's keyed HMAC). */
  readonly guestEmail?: string;
  /** Likewise a phone number (its normalised form's blind index). */
  readonly guestPhone?: string;
  readonly venueId?: string;
  readonly status?: BookingStatus;
  readonly fromDate?: string;
  readonly toDate?: string;
}

export async function listBookings(
  db: BookingExecutor,
  pii: PiiVault,
  filter: ListFilter,
  limit: number,
  offset: number,
  scope: BookingScope = ALL_BOOKINGS,
): Promise<{ bookings: Booking[]; total: number }> {
  let base = owned(db.selectFrom('booking.booking'), scope);
  if (filter.guestId !== undefined) base = base.where('guest_id', '=', filter.guestId);
  if (filter.guestEmail !== undefined) base = base.where('guest_email_index', '=', pii.index('email', filter.guestEmail));
  if (filter.guestPhone !== undefined) base = base.where('guest_phone_index', '=', pii.index('phone', filter.guestPhone));
  if (filter.venueId !== undefined) base = base.where('venue_id', '=', filter.venueId);
  if (filter.status !== undefined) base = base.where('status', '=', filter.status);
  if (filter.fromDate !== undefined) base = base.where('booking_date', '>=', filter.fromDate);
  if (filter.toDate !== undefined) base = base.where('booking_date', '<=', filter.toDate);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { bookings: rows.map((r) => toBooking(pii, r)), total: Number(count.n) };
}

/** Ids of PENDING bookings past their expiry, the longest expired first. */
export async function pendingPastExpiry(db: BookingExecutor, now: Date, limit: number): Promise<{ id: string }[]> {
  return db
    .selectFrom('booking.booking')
    .select('id')
    .where('status', '=', 'PENDING')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
}

/** Ids of hotel stays still CONFIRMED or CHECKED_IN on or after their check-out day (`today`, UTC). */
export async function staysPastCheckOut(db: BookingExecutor, today: string, limit: number): Promise<{ id: string }[]> {
  return db
    .selectFrom('booking.booking')
    .select('id')
    .where('status', 'in', ['CONFIRMED', 'CHECKED_IN'])
    .where('venue_type', '=', 'hotel')
    .where('check_out', '<=', today)
    .orderBy('check_out')
    .limit(limit)
    .execute();
}

/** Writes events to the outbox in the caller's transaction, the one that makes the change they describe. */
export async function writeEvents(trx: BookingTrx, aggregateId: string, events: readonly BookingEvent[]): Promise<void> {
  await writeOutbox(
    trx,
    'booking',
    events.map((e) => ({ ...e, aggregate_id: aggregateId })),
  );
}

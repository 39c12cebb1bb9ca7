/**
 * Booking use-cases. The booking service owns a booking's state and coordinates inventory, never owns
 * it: every unit a booking uses is a hold in the inventory service, reached over HTTP. No remote call
 * happens inside an open transaction (rule 7): a use-case is short local transactions around remote
 * calls, ordered so that a crash at any point leaves at worst a hold that expires, never a leak:
 *
 *   create:   hold (expires) → tx: booking PENDING + history + event → [confirm hold → tx: CONFIRMED]
 *   confirm:  confirm hold (idempotent) → tx: CONFIRMED + history + events
 *   cancel, expire, no-show:  tx: status + history + events + a release task → run the task
 *   complete: tx: COMPLETED (+ shortened stay) + a shorten task → run the task
 *   update:   new hold (confirmed if the booking is) → tx: versioned update + event + release task of
 *             the old hold → run the task; a lost race releases the new hold.
 *
 * Tasks are written in the same transaction as the change and retried by a job until done.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { addDays, daysBetween, isCalendarDate } from '../../platform/dates.js';
import type { InventoryClient, Hold } from './clients/inventory.client.js';
import { bookingError } from './booking.errors.js';
import { bookingPayload, event, statusChangedEvent, writeEvents, type BookingEvent } from './booking.events.js';
import type { Booking } from './booking.model.js';
import {
  claimInventoryTasks,
  finishInventoryTask,
  findBooking,
  insertBooking,
  insertHistory,
  insertInventoryTask,
  newReference,
  newShortId,
  updateBooking,
  type NewBookingRow,
} from './booking.repository.js';
import { ACTIVE_STATUSES, canTransition, inventoryEffect, transitionEvent, type BookingStatus } from './booking.states.js';
import type { BookingDb, BookingTrx, VenueType } from './booking.tables.js';

export interface BookingContext {
  readonly db: BookingDb;
  readonly clock: Clock;
  readonly inventory: InventoryClient;
  /** How long a PENDING booking lives before it expires (seed 004: 15 minutes). */
  readonly pendingTtlMs: number;
  readonly log?: { warn(obj: object, msg: string): void };
}

export const DEFAULT_PENDING_TTL_MS = 15 * 60_000;
/** A hold outlives its PENDING booking by this much, so the booking expires (and releases) first. */
const HOLD_GRACE_SECONDS = 5 * 60;
const TASK_LEASE_MS = 30_000;

export interface Actor {
  readonly id: string;
}

export interface CreateBookingInput {
  readonly guestId: string;
  readonly guestName: string;
  readonly guestEmail?: string;
  readonly guestPhone?: string;
  readonly venueId: string;
  readonly venueType: VenueType;
  readonly date: string;
  readonly time?: string;
  readonly durationMinutes?: number;
  readonly partySize: number;
  readonly roomTypeId?: string;
  readonly checkOut?: string;
  readonly nights?: number;
  readonly adults?: number;
  readonly children?: number;
  readonly specialRequests?: string;
  readonly internalNotes?: string;
  readonly source: string;
  readonly metadata?: Record<string, unknown>;
  readonly idempotencyKey?: string;
  readonly mealPlan?: string;
  readonly marketSegment?: string;
  readonly bookingChannel?: string;
  readonly isHoliday?: boolean;
}

export interface CreateOptions {
  /** The booking's id; a retry of a create that crashed passes the same id and resumes it. */
  readonly bookingId?: string;
  /** Confirm at once (no payment step), as the seed-001 surface does. */
  readonly autoConfirm: boolean;
  readonly actor: Actor;
}

/** Today's date where the venue is (falls back to UTC for an unknown zone). */
export function todayAt(now: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

function holdKey(bookingId: string, version: number): string {
  return `booking:${bookingId}:hold:v${version}`;
}

function versionConflict(current: Booking | undefined, expected: number | undefined): Error {
  if (current === undefined) return bookingError('BOOKING_NOT_FOUND');
  return bookingError(
    'BOOKING_VERSION_CONFLICT',
    expected !== undefined && current.version !== expected
      ? `The booking is at version ${current.version}, not ${expected}; read it again and retry.`
      : `The booking changed while this request ran (now ${current.status}, version ${current.version}); read it again and retry.`,
    { current_version: current.version, current_status: current.status },
  );
}

interface Stay {
  readonly checkIn: string;
  readonly checkOut: string;
  readonly nights: number;
}

function stayOf(input: { date: string; checkOut?: string; nights?: number }): Stay {
  if (input.checkOut !== undefined && input.nights !== undefined && addDays(input.date, input.nights) !== input.checkOut) {
    throw bookingError('BOOKING_INVALID', 'check_out and nights disagree; give one of them.');
  }
  const checkOut = input.checkOut ?? (input.nights !== undefined ? addDays(input.date, input.nights) : undefined);
  if (checkOut === undefined) throw bookingError('BOOKING_INVALID', 'A hotel stay needs check_out or nights.');
  if (!isCalendarDate(checkOut)) throw bookingError('BOOKING_INVALID', `check_out ${checkOut} is not a calendar date.`);
  const nights = daysBetween(input.date, checkOut);
  if (nights <= 0) throw bookingError('BOOKING_INVALID', 'check_out must be after the arrival date (booking_date).');
  if (nights > 365) throw bookingError('BOOKING_INVALID', 'A stay is at most 365 nights.');
  return { checkIn: input.date, checkOut, nights };
}

/** What the inventory must hold for a booking, and the fields it fixes on the booking row. */
interface Placement {
  readonly hold: Hold;
  readonly row: Partial<NewBookingRow>;
}

async function place(
  ctx: BookingContext,
  spec: {
    venueId: string;
    venueType: VenueType;
    date: string;
    time?: string | null;
    durationMinutes?: number | null;
    partySize: number;
    roomTypeId?: string | null;
    checkOut?: string | null;
    nights?: number;
    adults?: number | null;
  },
  key: string,
): Promise<Placement> {
  const ttlSeconds = Math.ceil(ctx.pendingTtlMs / 1000) + HOLD_GRACE_SECONDS;
  if (spec.venueType === 'hotel') {
    if (!spec.roomTypeId) throw bookingError('BOOKING_INVALID', 'A hotel booking needs room_type_id.');
    const stay = stayOf({ date: spec.date, checkOut: spec.checkOut ?? undefined, nights: spec.nights });
    const roomType = await ctx.inventory.getRoomType(spec.roomTypeId);
    if (roomType.venue_id !== spec.venueId) {
      throw bookingError('INVENTORY_NOT_FOUND', `Room type ${spec.roomTypeId} is not sold by venue ${spec.venueId}.`);
    }
    const adults = spec.adults ?? spec.partySize;
    if (adults > roomType.capacity_adults) {
      throw bookingError(
        'BOOKING_INVALID',
        `Room type ${roomType.id} sleeps at most ${roomType.capacity_adults} adults (asked for ${adults}).`,
      );
    }
    const hold = await ctx.inventory.holdRooms(
      { room_type_id: roomType.id, check_in: stay.checkIn, check_out: stay.checkOut, quantity: 1, ttl_seconds: ttlSeconds },
      key,
    );
    const total = roomType.price * stay.nights;
    return {
      hold,
      row: {
        room_type_id: roomType.id,
        room_type_name: roomType.name,
        check_in: stay.checkIn,
        check_out: stay.checkOut,
        nights: stay.nights,
        room_price: roomType.price,
        base_price: total,
        total_price: total,
        inventory_item_id: roomType.id,
        booking_time: null,
        duration_minutes: null,
        end_time: null,
      },
    };
  }
  if (!spec.time) throw bookingError('BOOKING_INVALID', `A ${spec.venueType} booking needs booking_time (HH:MM).`);
  const hold = await ctx.inventory.holdTable(
    {
      venue_id: spec.venueId,
      date: spec.date,
      time: spec.time,
      party_size: spec.partySize,
      ...(spec.durationMinutes ? { duration_minutes: spec.durationMinutes } : {}),
      ttl_seconds: ttlSeconds,
    },
    key,
  );
  const d = hold.details;
  const end = typeof d.end === 'string' ? new Date(d.end) : null;
  const duration = typeof d.duration_minutes === 'number' ? d.duration_minutes : (spec.durationMinutes ?? null);
  return {
    hold,
    row: {
      booking_time: spec.time,
      duration_minutes: duration,
      end_time: end,
      inventory_item_id: typeof d.table_id === 'string' ? d.table_id : null,
      base_price: null,
      total_price: null,
    },
  };
}

/** Releases a hold that no booking will use (a compensation); failures are left to the hold's expiry. */
async function abandonHold(ctx: BookingContext, holdId: string, reason: string): Promise<void> {
  try {
    await ctx.inventory.releaseHold(holdId, reason);
  } catch (err) {
    ctx.log?.warn({ err, holdId }, 'could not release an unused hold; it will expire');
  }
}

export async function getBooking(ctx: BookingContext, id: string): Promise<Booking> {
  const booking = await findBooking(ctx.db, id);
  if (booking === undefined) throw bookingError('BOOKING_NOT_FOUND', `Booking ${id} does not exist.`);
  return booking;
}

export async function createBooking(ctx: BookingContext, input: CreateBookingInput, options: CreateOptions): Promise<Booking> {
  const bookingId = options.bookingId ?? randomUUID();
  const existing = await findBooking(ctx.db, bookingId);
  if (existing !== undefined) {
    // A retried create whose first attempt got this far: finish it instead of starting another.
    if (options.autoConfirm && existing.status === 'PENDING')
      return changeStatus(ctx, existing.id, 'CONFIRMED', { actor: options.actor, reason: 'created' });
    return existing;
  }

  const venue = await ctx.inventory.getVenue(input.venueId);
  const expectedType = input.venueType === 'hotel' ? 'hotel' : input.venueType;
  if (venue.type !== expectedType) {
    throw bookingError('VENUE_TYPE_MISMATCH', `Venue ${venue.id} is a ${venue.type}, not a ${input.venueType}.`, {
      venue_type: venue.type,
    });
  }
  if (!venue.active) throw bookingError('INVENTORY_REJECTED', `Venue ${venue.id} is not taking bookings.`);
  const now = ctx.clock.now();
  if (input.date < todayAt(now, venue.time_zone)) throw bookingError('BOOKING_IN_PAST', 'Cannot book for a past date.');

  const placement = await place(
    ctx,
    {
      venueId: venue.id,
      venueType: input.venueType,
      date: input.date,
      time: input.time,
      durationMinutes: input.durationMinutes,
      partySize: input.partySize,
      roomTypeId: input.roomTypeId,
      checkOut: input.checkOut,
      nights: input.nights,
      adults: input.adults,
    },
    holdKey(bookingId, 1),
  );

  let booking: Booking;
  try {
    booking = await ctx.db.transaction().execute(async (trx) => {
      const created = await insertWithFreshReference(trx, {
        id: bookingId,
        idempotency_key: input.idempotencyKey ?? null,
        guest_id: input.guestId,
        guest_name: input.guestName,
        guest_email: input.guestEmail ?? null,
        guest_phone: input.guestPhone ?? null,
        venue_id: venue.id,
        venue_type: input.venueType,
        venue_name: venue.name,
        booking_date: input.date,
        party_size: input.partySize,
        status: 'PENDING',
        currency: venue.currency,
        payment_intent_id: null,
        payment_status: null,
        inventory_reservation_id: placement.hold.id,
        inventory_status: 'HELD',
        special_requests: input.specialRequests ?? null,
        internal_notes: input.internalNotes ?? null,
        adults: input.venueType === 'hotel' ? (input.adults ?? input.partySize) : null,
        children: input.venueType === 'hotel' ? (input.children ?? 0) : null,
        meal_plan: input.mealPlan ?? null,
        market_segment: input.marketSegment ?? null,
        booking_channel: input.bookingChannel ?? null,
        is_holiday: input.isHoliday ?? null,
        source: input.source,
        metadata: JSON.stringify({
          ...(input.metadata ?? {}),
          pricing_source: input.venueType === 'hotel' ? 'inventory_nightly_price' : 'unpriced',
        }),
        created_at: now,
        updated_at: now,
        expires_at: new Date(now.getTime() + ctx.pendingTtlMs),
        confirmed_at: null,
        cancelled_at: null,
        checked_in_at: null,
        completed_at: null,
        cancellation_reason: null,
        cancelled_by: null,
        room_type_id: null,
        room_type_name: null,
        check_in: null,
        check_out: null,
        nights: null,
        room_price: null,
        base_price: null,
        total_price: null,
        booking_time: null,
        duration_minutes: null,
        end_time: null,
        inventory_item_id: null,
        ...placement.row,
      });
      await insertHistory(trx, { bookingId, from: null, to: 'PENDING', by: options.actor.id, reason: 'created', at: now });
      await writeEvents(trx, bookingId, [event('booking.created', bookingPayload(created), now)]);
      return created;
    });
  } catch (err) {
    await abandonHold(ctx, placement.hold.id, 'booking not created');
    throw err;
  }
  if (options.autoConfirm) return changeStatus(ctx, booking.id, 'CONFIRMED', { actor: options.actor, reason: 'created' });
  return booking;
}

async function insertWithFreshReference(trx: BookingTrx, row: Omit<NewBookingRow, 'booking_reference' | 'short_id'>): Promise<Booking> {
  // References are random and a clash is astronomically rare; look before inserting so that the unique
  // indexes (the real guarantee) practically never abort the transaction.
  for (let attempt = 0; ; attempt++) {
    const reference = newReference(row.created_at);
    const shortId = newShortId();
    const clash = await trx
      .selectFrom('booking.booking')
      .select('id')
      .where((eb) => eb.or([eb('booking_reference', '=', reference), eb('short_id', '=', shortId)]))
      .executeTakeFirst();
    if (clash === undefined || attempt >= 5) return insertBooking(trx, { ...row, booking_reference: reference, short_id: shortId });
  }
}

export interface TransitionOptions {
  readonly actor: Actor;
  readonly reason?: string | null;
  readonly expectedVersion?: number;
  /** For cancellations: who cancelled (seed 004's cancelled_by). */
  readonly cancelledBy?: string;
}

/**
 * Moves a booking through the state machine, with the inventory effect the transition declares.
 * An illegal transition is BOOKING_INVALID_TRANSITION naming both states and changes nothing.
 */
export async function changeStatus(ctx: BookingContext, id: string, to: BookingStatus, options: TransitionOptions): Promise<Booking> {
  const current = await getBooking(ctx, id);
  if (options.expectedVersion !== undefined && current.version !== options.expectedVersion)
    throw versionConflict(current, options.expectedVersion);
  if (current.status === to && to !== 'PENDING') return current; // a retried transition is answered, not repeated
  if (!canTransition(current.status, to)) {
    throw bookingError('INVALID_STATUS_TRANSITION', `A booking cannot go from ${current.status} to ${to}.`, { from: current.status, to });
  }
  const effect = inventoryEffect(to);
  if (effect === 'confirm' && current.inventory.holdId !== null) {
    await ctx.inventory.confirmHold(current.inventory.holdId);
  }
  const now = ctx.clock.now();
  const reason = options.reason ?? null;
  const { booking, taskIds } = await ctx.db.transaction().execute(async (trx) => {
    const changes: Parameters<typeof updateBooking>[3] = { status: to, updated_at: now };
    switch (to) {
      case 'CONFIRMED':
        Object.assign(changes, {
          confirmed_at: now,
          expires_at: null,
          inventory_status: current.inventory.holdId ? 'CONFIRMED' : current.inventory.status,
        });
        break;
      case 'CHECKED_IN':
        Object.assign(changes, { checked_in_at: now });
        break;
      case 'COMPLETED':
        Object.assign(changes, { completed_at: now, ...earlyDeparture(current, now) });
        break;
      case 'CANCELLED':
        Object.assign(changes, {
          cancelled_at: now,
          cancellation_reason: reason,
          cancelled_by: options.cancelledBy ?? options.actor.id,
          expires_at: null,
        });
        break;
      case 'EXPIRED':
      case 'NO_SHOW':
        Object.assign(changes, { expires_at: null });
        break;
      case 'PENDING':
        break;
    }
    if (effect === 'release' && current.inventory.holdId !== null) Object.assign(changes, { inventory_status: 'RELEASED' });
    const updated = await updateBooking(
      trx,
      id,
      { version: options.expectedVersion ?? current.version, statuses: [current.status] },
      changes,
    );
    if (updated === undefined) throw versionConflict(await findBooking(trx, id), options.expectedVersion);
    await insertHistory(trx, { bookingId: id, from: current.status, to, by: options.actor.id, reason, at: now });
    const events: BookingEvent[] = [statusChangedEvent(updated, current.status, reason, options.actor.id, now)];
    const specific = transitionEvent(to);
    if (specific !== undefined) events.push(event(specific, { ...bookingPayload(updated), reason }, now));
    await writeEvents(trx, id, events);
    const tasks: number[] = [];
    if (current.inventory.holdId !== null) {
      if (effect === 'release') {
        tasks.push(
          await insertInventoryTask(trx, {
            bookingId: id,
            holdId: current.inventory.holdId,
            action: 'release',
            reason: to.toLowerCase(),
            at: now,
          }),
        );
      } else if (
        effect === 'return_unused' &&
        updated.stay !== null &&
        current.stay !== null &&
        updated.stay.checkOut < current.stay.checkOut
      ) {
        tasks.push(
          await insertInventoryTask(trx, {
            bookingId: id,
            holdId: current.inventory.holdId,
            action: 'shorten',
            checkOut: updated.stay.checkOut,
            reason: 'early departure',
            at: now,
          }),
        );
      }
    }
    return { booking: updated, taskIds: tasks };
  });
  await runInventoryTasks(ctx, taskIds);
  return booking;
}

/** Completing a stay before its check-out gives the unused nights back (at least one night is kept). */
function earlyDeparture(b: Booking, now: Date): Record<string, unknown> {
  if (b.stay === null) return {};
  const today = now.toISOString().slice(0, 10);
  const newCheckOut = [today, addDays(b.stay.checkIn, 1)].sort().at(-1)!;
  if (newCheckOut >= b.stay.checkOut) return {};
  return {
    check_out: newCheckOut,
    nights: daysBetween(b.stay.checkIn, newCheckOut),
    metadata: JSON.stringify({ ...b.metadata, early_departure: { booked_check_out: b.stay.checkOut, departed: newCheckOut } }),
  };
}

/** Carries out pending inventory tasks (those of `ids`, or any); failures stay pending for the job. */
export async function runInventoryTasks(
  ctx: BookingContext,
  ids?: readonly number[],
  limit = 100,
): Promise<{ done: number; failed: number }> {
  const now = ctx.clock.now();
  const tasks = await ctx.db.transaction().execute((trx) => claimInventoryTasks(trx, now, TASK_LEASE_MS, limit, ids));
  let done = 0;
  let failed = 0;
  for (const task of tasks) {
    try {
      if (task.action === 'release') await ctx.inventory.releaseHold(task.holdId, task.reason);
      else await ctx.inventory.shortenStay(task.holdId, task.checkOut!);
      await finishInventoryTask(ctx.db, task.id, ctx.clock.now());
      done++;
    } catch (err) {
      failed++;
      await finishInventoryTask(ctx.db, task.id, ctx.clock.now(), (err as Error).message);
      ctx.log?.warn({ err, task: task.id }, 'inventory task failed; it will be retried');
    }
  }
  return { done, failed };
}

export interface BookingChanges {
  readonly guestName?: string;
  readonly guestEmail?: string | null;
  readonly guestPhone?: string | null;
  readonly date?: string;
  readonly time?: string;
  readonly durationMinutes?: number;
  readonly partySize?: number;
  readonly roomTypeId?: string;
  readonly checkOut?: string;
  readonly nights?: number;
  readonly adults?: number;
  readonly children?: number;
  readonly specialRequests?: string | null;
  readonly internalNotes?: string | null;
  readonly metadata?: Record<string, unknown>;
}

const MODIFIABLE: readonly BookingStatus[] = ['PENDING', 'CONFIRMED'];

/**
 * Changes a booking, all or nothing. When what it occupies changes (dates, time, party size, room
 * type), a new hold is taken first; the old one is released only after the change commits.
 */
export async function updateBookingDetails(
  ctx: BookingContext,
  id: string,
  expectedVersion: number,
  changes: BookingChanges,
  actor: Actor,
): Promise<Booking> {
  const current = await getBooking(ctx, id);
  if (current.version !== expectedVersion) throw versionConflict(current, expectedVersion);
  if (!MODIFIABLE.includes(current.status)) {
    throw bookingError(
      'BOOKING_NOT_MODIFIABLE',
      current.status === 'CANCELLED'
        ? 'Booking has been cancelled and cannot be modified'
        : `A ${current.status} booking cannot be modified.`,
      { status: current.status },
    );
  }
  const now = ctx.clock.now();
  const date = changes.date ?? current.date;
  const stay = current.stay;
  const moves =
    (changes.date !== undefined && changes.date !== current.date) ||
    (changes.time !== undefined && changes.time !== current.time) ||
    (changes.durationMinutes !== undefined && changes.durationMinutes !== current.durationMinutes) ||
    (changes.partySize !== undefined && changes.partySize !== current.partySize && current.venue.type !== 'hotel') ||
    (changes.roomTypeId !== undefined && changes.roomTypeId !== stay?.roomTypeId) ||
    (changes.checkOut !== undefined && changes.checkOut !== stay?.checkOut) ||
    (changes.nights !== undefined && changes.nights !== stay?.nights) ||
    (changes.adults !== undefined && changes.adults !== stay?.adults);

  let placement: Placement | undefined;
  if (moves) {
    if (date !== current.date && date < now.toISOString().slice(0, 10))
      throw bookingError('BOOKING_IN_PAST', 'Cannot book for a past date.');
    const checkOut =
      changes.checkOut ??
      (changes.nights !== undefined ? undefined : stay && changes.date !== undefined ? addDays(date, stay.nights) : stay?.checkOut);
    placement = await place(
      ctx,
      {
        venueId: current.venue.id,
        venueType: current.venue.type,
        date,
        time: changes.time ?? current.time,
        durationMinutes: changes.durationMinutes ?? current.durationMinutes,
        partySize: changes.partySize ?? current.partySize,
        roomTypeId: changes.roomTypeId ?? stay?.roomTypeId,
        checkOut,
        nights: changes.nights,
        adults: changes.adults ?? stay?.adults,
      },
      holdKey(id, expectedVersion + 1),
    );
    if (current.status === 'CONFIRMED') {
      try {
        await ctx.inventory.confirmHold(placement.hold.id);
      } catch (err) {
        await abandonHold(ctx, placement.hold.id, 'booking update failed');
        throw err;
      }
    }
  }

  try {
    const { booking, taskIds } = await ctx.db.transaction().execute(async (trx) => {
      const row: Parameters<typeof updateBooking>[3] = { updated_at: now };
      if (changes.guestName !== undefined) row.guest_name = changes.guestName;
      if (changes.guestEmail !== undefined) row.guest_email = changes.guestEmail;
      if (changes.guestPhone !== undefined) row.guest_phone = changes.guestPhone;
      if (changes.specialRequests !== undefined) row.special_requests = changes.specialRequests;
      if (changes.internalNotes !== undefined) row.internal_notes = changes.internalNotes;
      if (changes.metadata !== undefined) row.metadata = JSON.stringify({ ...current.metadata, ...changes.metadata });
      if (changes.partySize !== undefined) row.party_size = changes.partySize;
      if (changes.children !== undefined) row.children = changes.children;
      if (changes.adults !== undefined) row.adults = changes.adults;
      if (stay !== null && (changes.adults !== undefined || changes.children !== undefined) && changes.partySize === undefined) {
        row.party_size = (changes.adults ?? stay.adults) + (changes.children ?? stay.children);
      }
      if (placement !== undefined) {
        Object.assign(row, placement.row, {
          booking_date: date,
          inventory_reservation_id: placement.hold.id,
          inventory_status: current.status === 'CONFIRMED' ? 'CONFIRMED' : 'HELD',
        });
      }
      const updated = await updateBooking(trx, id, { version: expectedVersion, statuses: MODIFIABLE }, row);
      if (updated === undefined) throw versionConflict(await findBooking(trx, id), expectedVersion);
      await writeEvents(trx, id, [
        event('booking.updated', { ...bookingPayload(updated), changed: Object.keys(changes), changed_by: actor.id }, now),
      ]);
      const tasks: number[] = [];
      if (placement !== undefined && current.inventory.holdId !== null) {
        tasks.push(
          await insertInventoryTask(trx, {
            bookingId: id,
            holdId: current.inventory.holdId,
            action: 'release',
            reason: 'booking changed',
            at: now,
          }),
        );
      }
      return { booking: updated, taskIds: tasks };
    });
    await runInventoryTasks(ctx, taskIds);
    return booking;
  } catch (err) {
    if (placement !== undefined) await abandonHold(ctx, placement.hold.id, 'booking update failed');
    throw err;
  }
}

/** Expires PENDING bookings past their expiry and returns what they held. */
export async function expirePendingBookings(ctx: BookingContext, limit = 200): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('booking.booking')
    .select('id')
    .where('status', '=', 'PENDING')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  let expired = 0;
  for (const { id } of due) {
    try {
      await changeStatus(ctx, id, 'EXPIRED', { actor: { id: 'system' }, reason: 'not confirmed before it expired' });
      expired++;
    } catch (err) {
      // Confirmed or cancelled meanwhile: the other change won, which is fine.
      ctx.log?.warn({ err, booking: id }, 'could not expire booking');
    }
  }
  return expired;
}

/** The seed-001 daily job: stays past check-out still CONFIRMED become COMPLETED. */
export async function completeFinishedStays(ctx: BookingContext, limit = 500): Promise<number> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const due = await ctx.db
    .selectFrom('booking.booking')
    .select('id')
    .where('status', 'in', ['CONFIRMED', 'CHECKED_IN'])
    .where('venue_type', '=', 'hotel')
    .where('check_out', '<=', today)
    .orderBy('check_out')
    .limit(limit)
    .execute();
  let completed = 0;
  for (const { id } of due) {
    try {
      await changeStatus(ctx, id, 'COMPLETED', { actor: { id: 'system' }, reason: 'stay ended' });
      completed++;
    } catch (err) {
      ctx.log?.warn({ err, booking: id }, 'could not complete stay');
    }
  }
  return completed;
}

export { ACTIVE_STATUSES };

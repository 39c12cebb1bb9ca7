/**
 * Booking use-cases. The booking service owns a booking's state and coordinates inventory, pricing
 * and payment, never owning them: every unit a booking uses is a hold in the inventory service, every
 * price a quote, every charge a payment intent, each reached over HTTP. No remote call happens inside
 * an open transaction (rule 7): a use-case is short local transactions around remote calls, ordered so
 * that a crash at any point leaves at worst a hold that expires, never a leak:
 *
 *   create:   the saga in saga/create-booking.saga.ts (hold → quote → book → pay → confirm)
 *   confirm:  confirm hold (idempotent) → tx: CONFIRMED + history + events
 *   cancel, expire, no-show:  fee from the policy → tx: status + history + events + tasks (release the
 *             hold, refund what the policy allows or void an authorization, give a promo use back)
 *   complete: tx: COMPLETED (+ shortened stay) + a shorten task
 *   update:   new hold (confirmed if the booking is) and a new price → tx: versioned update + event +
 *             tasks (release the old hold, refund a lower price) ; a lost race releases the new hold.
 *
 * Tasks are written in the same transaction as the change, run right after commit, and retried by the
 * `sync-inventory` job until done (booking.tasks.ts).
 */
import type { Clock } from '../../platform/clock.js';
import { addDays, daysBetween, isCalendarDate, localDate } from '../../platform/dates.js';
import type { Hold, InventoryClient } from './clients/inventory.client.js';
import type { PaymentClient, PaymentMethod } from './clients/payment.client.js';
import type { PricingClient } from './clients/pricing.client.js';
import { bookingError } from './booking.errors.js';
import { bookingPayload, event, statusChangedEvent, writeEvents, type BookingEvent } from './booking.events.js';
import { rowToBooking, type Booking } from './booking.model.js';
import { findBooking, insertHistory, insertTask, updateBooking, type NewBookingRow, type NewTask } from './booking.repository.js';
import { canTransition, inventoryEffect, transitionEvent, type BookingStatus } from './booking.states.js';
import type { BookingDb, VenueType } from './booking.tables.js';
import { priceColumns, priceFor, type PriceSnapshot } from './booking.pricing.js';
import { runTasks } from './booking.tasks.js';

export interface BookingContext {
  readonly db: BookingDb;
  readonly clock: Clock;
  readonly inventory: InventoryClient;
  readonly pricing: PricingClient;
  readonly payment: PaymentClient;
  /** How long a PENDING booking lives before it expires (seed 004: 15 minutes). */
  readonly pendingTtlMs: number;
  /** A saga untouched this long is finished or compensated by the recovery job. */
  readonly sagaRecoveryAfterMs: number;
  readonly log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export const DEFAULT_PENDING_TTL_MS = 15 * 60_000;
/** A hold outlives its PENDING booking by this much, so the booking expires (and releases) first. */
const HOLD_GRACE_SECONDS = 5 * 60;

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
  readonly promoCode?: string;
}

export interface CreateOptions {
  /** The booking's id; a retry of a create that crashed passes the same id and resumes it. */
  readonly bookingId?: string;
  /** Confirm at once (no payment step), as the seed-001 surface does. */
  readonly autoConfirm: boolean;
  readonly actor: Actor;
  /** Pay now: authorize and capture as part of the create saga (402 when declined). */
  readonly paymentMethod?: PaymentMethod;
}

/** Today's date where the venue is (UTC for an unknown zone). */
export function todayAt(now: Date, timeZone: string): string {
  return localDate(now, timeZone);
}

export function holdKey(bookingId: string, version: number): string {
  return `booking:${bookingId}:hold:v${version}`;
}

export function versionConflict(current: Booking | undefined, expected: number | undefined): Error {
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

/** A hold request exactly as sent (same body, same key), so that it can be replayed. */
export type HoldRequest =
  | { readonly kind: 'rooms'; readonly input: Parameters<InventoryClient['holdRooms']>[0]; readonly key: string }
  | { readonly kind: 'table'; readonly input: Parameters<InventoryClient['holdTable']>[0]; readonly key: string };

/** Sends a recorded hold request again: inventory answers the hold it made the first time (or its refusal). */
export function replayHoldRequest(ctx: BookingContext, request: HoldRequest): Promise<Hold> {
  return request.kind === 'rooms'
    ? ctx.inventory.holdRooms(request.input, request.key)
    : ctx.inventory.holdTable(request.input, request.key);
}

/** What the inventory must hold for a booking, and the fields it fixes on the booking row. */
export interface Placement {
  readonly hold: Hold;
  readonly row: Partial<NewBookingRow>;
}

export async function place(
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
  /** Told the exact hold request before it is sent, so a saga can replay it after a lost answer. */
  onHoldRequest?: (request: HoldRequest) => Promise<void>,
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
    const input = { room_type_id: roomType.id, check_in: stay.checkIn, check_out: stay.checkOut, quantity: 1, ttl_seconds: ttlSeconds };
    await onHoldRequest?.({ kind: 'rooms', input, key });
    const hold = await ctx.inventory.holdRooms(input, key);
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
  const input = {
    venue_id: spec.venueId,
    date: spec.date,
    time: spec.time,
    party_size: spec.partySize,
    ...(spec.durationMinutes ? { duration_minutes: spec.durationMinutes } : {}),
    ttl_seconds: ttlSeconds,
  };
  await onHoldRequest?.({ kind: 'table', input, key });
  const hold = await ctx.inventory.holdTable(input, key);
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
export async function abandonHold(ctx: BookingContext, holdId: string, reason: string): Promise<void> {
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

export interface TransitionOptions {
  readonly actor: Actor;
  readonly reason?: string | null;
  readonly expectedVersion?: number;
  /** For cancellations: who cancelled (seed 004's cancelled_by). */
  readonly cancelledBy?: string;
}

/** When a booking starts: a stay's arrival (14:00 UTC on the check-in date), or a seating's start. */
export function arrivalOf(b: Booking): Date {
  if (b.stay !== null) return new Date(`${b.stay.checkIn}T14:00:00Z`);
  if (b.endTime !== null && b.durationMinutes !== null) return new Date(b.endTime.getTime() - b.durationMinutes * 60_000);
  return new Date(`${b.date}T00:00:00Z`);
}

/**
 * What a cancellation or no-show keeps of what was paid, under the venue's policy (pricing service).
 * With pricing down: a cancellation is free and a no-show costs the first night (documented defaults).
 */
async function feeFor(ctx: BookingContext, b: Booking, noShow: boolean, now: Date): Promise<number> {
  const paid = b.amountCaptured - b.amountRefunded;
  if (paid <= 0) return 0;
  const firstNight = b.stay?.roomPrice ?? b.price.total ?? 0;
  const quoted = await ctx.pricing.cancellationFee({
    venue_id: b.venue.id,
    ...(b.stay ? { room_type_id: b.stay.roomTypeId } : {}),
    arrival: arrivalOf(b).toISOString(),
    at: now.toISOString(),
    total: b.price.total ?? paid,
    first_night: Math.min(firstNight, b.price.total ?? firstNight),
    currency: b.price.currency,
    no_show: noShow,
  });
  const fee = quoted?.fee ?? (noShow ? firstNight : 0);
  return Math.max(0, Math.min(fee, paid));
}

/** The calls a transition leaves to make: give back inventory, settle the payment, free the promo use. */
function settlementTasks(b: Booking, updated: Booking, to: BookingStatus, fee: number): { tasks: NewTask[]; refund: number } {
  const tasks: NewTask[] = [];
  const effect = inventoryEffect(to);
  const holdId = b.inventory.holdId;
  if (holdId !== null && effect === 'release') {
    tasks.push({ bookingId: b.id, action: 'release_hold', holdId, callKey: `release:${holdId}`, reason: to.toLowerCase() });
  }
  if (
    holdId !== null &&
    effect === 'return_unused' &&
    updated.stay !== null &&
    b.stay !== null &&
    updated.stay.checkOut < b.stay.checkOut
  ) {
    tasks.push({
      bookingId: b.id,
      action: 'shorten_stay',
      holdId,
      checkOut: updated.stay.checkOut,
      callKey: `shorten:${holdId}:${updated.stay.checkOut}`,
      reason: 'early departure',
    });
  }
  let refund = 0;
  const intentId = b.payment.intentId;
  if (intentId !== null && (to === 'CANCELLED' || to === 'NO_SHOW' || to === 'EXPIRED')) {
    const paid = b.amountCaptured - b.amountRefunded;
    if (paid > 0) {
      refund = paid - fee;
      if (refund > 0) {
        tasks.push({
          bookingId: b.id,
          action: 'refund_payment',
          intentId,
          amount: refund,
          callKey: `booking:${b.id}:refund:${to.toLowerCase()}`,
          reason: to.toLowerCase(),
        });
      }
    } else if (b.payment.status === 'requires_capture' || b.payment.status === 'requires_payment_method') {
      tasks.push({ bookingId: b.id, action: 'void_payment', intentId, callKey: `booking:${b.id}:void`, reason: to.toLowerCase() });
    }
  }
  if (b.promoCode !== null && (to === 'CANCELLED' || to === 'EXPIRED')) {
    tasks.push({
      bookingId: b.id,
      action: 'release_promo',
      promoCode: b.promoCode,
      callKey: `promo:${b.promoCode}:${b.id}:release`,
      reason: to.toLowerCase(),
    });
  }
  return { tasks, refund };
}

/**
 * Moves a booking through the state machine, with the inventory and payment effects the transition
 * declares. An illegal transition is INVALID_STATUS_TRANSITION naming both states and changes nothing.
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
  // What the policy keeps is asked before the transaction: no remote call inside one.
  const fee = to === 'CANCELLED' || to === 'NO_SHOW' ? await feeFor(ctx, current, to === 'NO_SHOW', now) : 0;
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
          cancellation_fee: fee,
        });
        break;
      case 'NO_SHOW':
        Object.assign(changes, { expires_at: null, cancellation_fee: fee });
        break;
      case 'EXPIRED':
        Object.assign(changes, { expires_at: null });
        break;
      case 'PENDING':
        break;
    }
    if (effect === 'release' && current.inventory.holdId !== null) Object.assign(changes, { inventory_status: 'RELEASED' });
    const guarded = await updateBooking(
      trx,
      id,
      { version: options.expectedVersion ?? current.version, statuses: [current.status] },
      changes,
    );
    if (guarded === undefined) throw versionConflict(await findBooking(trx, id), options.expectedVersion);
    const { tasks, refund } = settlementTasks(current, guarded, to, fee);
    let updated = guarded;
    if (refund > 0 || tasks.some((t) => t.action === 'void_payment')) {
      // The refund or void is decided here and carried out by its task: the booking says so now.
      const settled = await trx
        .updateTable('booking.booking')
        .set({
          amount_refunded: current.amountRefunded + refund,
          payment_status:
            refund > 0
              ? refund === current.amountCaptured - current.amountRefunded && fee === 0
                ? 'refunded'
                : 'partially_refunded'
              : 'canceled',
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      updated = rowToBooking(settled);
    }
    await insertHistory(trx, { bookingId: id, from: current.status, to, by: options.actor.id, reason, at: now });
    const events: BookingEvent[] = [statusChangedEvent(updated, current.status, reason, options.actor.id, now)];
    const specific = transitionEvent(to);
    if (specific !== undefined)
      events.push(
        event(specific, { ...bookingPayload(updated), reason, ...(fee > 0 ? { fee } : {}), ...(refund > 0 ? { refund } : {}) }, now),
      );
    await writeEvents(trx, id, events);
    const ids: number[] = [];
    for (const t of tasks) {
      const taskId = await insertTask(trx, t, now);
      if (taskId !== undefined) ids.push(taskId);
    }
    return { booking: updated, taskIds: ids };
  });
  await runTasks(ctx, taskIds);
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
  /** Pays the new total when a change costs more than was paid. */
  readonly paymentMethod?: PaymentMethod;
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
  let price: PriceSnapshot | undefined;
  let newIntent: { id: string; amount: number } | undefined;
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
    const held = placement;
    try {
      // Re-quoted without the promo code (its use is already this booking's); its discount carries over.
      const quoted = await priceFor(ctx, {
        venueId: current.venue.id,
        venueType: current.venue.type,
        currency: current.price.currency,
        roomTypeId: held.row.room_type_id,
        checkIn: held.row.check_in,
        checkOut: held.row.check_out,
        nightlyPrice: held.row.room_price,
        nights: held.row.nights,
        date,
        time: held.row.booking_time,
        partySize: changes.partySize ?? current.partySize,
      });
      const carried = Math.min(current.price.discount, quoted.total ?? 0);
      price = {
        ...quoted,
        discount: quoted.discount + carried,
        total: quoted.total === null ? null : quoted.total - carried,
        promoCode: current.promoCode,
      };
      const paid = current.amountCaptured - current.amountRefunded;
      if (paid > 0 && (price.total ?? 0) > paid) {
        // It costs more than was paid: charge the new total on a new payment, refund the old one in full.
        if (changes.paymentMethod === undefined) {
          throw bookingError(
            'PAYMENT_REQUIRED',
            `The changed booking costs ${price.total} ${price.currency}; ${paid} was paid. Send a payment_method to pay the new total.`,
            {
              new_total: price.total,
              paid,
            },
          );
        }
        const intent = await ctx.payment.createIntent(
          { amount: price.total!, currency: price.currency, booking_id: id, description: `Booking ${current.reference} (changed)` },
          `booking:${id}:intent:v${expectedVersion + 1}`,
        );
        await ctx.payment.authorize(intent.id, changes.paymentMethod, `booking:${id}:authorize:v${expectedVersion + 1}`);
        await ctx.payment.capture(intent.id, `booking:${id}:capture:v${expectedVersion + 1}`);
        newIntent = { id: intent.id, amount: price.total! };
      }
      if (current.status === 'CONFIRMED') await ctx.inventory.confirmHold(held.hold.id);
    } catch (err) {
      await abandonHold(ctx, held.hold.id, 'booking update failed');
      if (newIntent !== undefined)
        await ctx.payment
          .refund(newIntent.id, newIntent.amount, 'booking update failed', `booking:${id}:refund:v${expectedVersion + 1}`)
          .catch(() => undefined);
      throw err;
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
      let metadata: Record<string, unknown> =
        changes.metadata !== undefined ? { ...current.metadata, ...changes.metadata } : current.metadata;
      if (changes.partySize !== undefined) row.party_size = changes.partySize;
      if (changes.children !== undefined) row.children = changes.children;
      if (changes.adults !== undefined) row.adults = changes.adults;
      if (stay !== null && (changes.adults !== undefined || changes.children !== undefined) && changes.partySize === undefined) {
        row.party_size = (changes.adults ?? stay.adults) + (changes.children ?? stay.children);
      }
      const tasks: NewTask[] = [];
      if (placement !== undefined) {
        Object.assign(row, placement.row, {
          booking_date: date,
          inventory_reservation_id: placement.hold.id,
          inventory_status: current.status === 'CONFIRMED' ? 'CONFIRMED' : 'HELD',
        });
        if (current.inventory.holdId !== null) {
          tasks.push({
            bookingId: id,
            action: 'release_hold',
            holdId: current.inventory.holdId,
            callKey: `release:${current.inventory.holdId}`,
            reason: 'booking changed',
          });
        }
      }
      if (price !== undefined) {
        const columns = priceColumns(price, metadata, undefined);
        metadata = JSON.parse(columns.metadata) as Record<string, unknown>;
        Object.assign(row, {
          base_price: columns.base_price,
          discount_amount: columns.discount_amount,
          tax_amount: columns.tax_amount,
          total_price: columns.total_price,
        });
        const paid = current.amountCaptured - current.amountRefunded;
        const intentId = current.payment.intentId;
        if (newIntent !== undefined && intentId !== null) {
          tasks.push({
            bookingId: id,
            action: 'refund_payment',
            intentId,
            amount: paid,
            callKey: `booking:${id}:refund:v${expectedVersion + 1}`,
            reason: 'replaced by a new payment',
          });
          metadata = {
            ...metadata,
            replaced_payment_intents: [...((metadata.replaced_payment_intents as string[] | undefined) ?? []), intentId],
          };
          Object.assign(row, {
            payment_intent_id: newIntent.id,
            payment_status: 'succeeded',
            amount_captured: newIntent.amount,
            amount_refunded: 0,
          });
        } else if (paid > 0 && intentId !== null && price.total !== null && price.total < paid) {
          const refund = paid - price.total;
          tasks.push({
            bookingId: id,
            action: 'refund_payment',
            intentId,
            amount: refund,
            callKey: `booking:${id}:refund:v${expectedVersion + 1}`,
            reason: 'booking changed',
          });
          Object.assign(row, { amount_refunded: current.amountRefunded + refund, payment_status: 'partially_refunded' });
        }
      }
      if (changes.metadata !== undefined || price !== undefined) row.metadata = JSON.stringify(metadata);
      const updated = await updateBooking(trx, id, { version: expectedVersion, statuses: MODIFIABLE }, row);
      if (updated === undefined) throw versionConflict(await findBooking(trx, id), expectedVersion);
      await writeEvents(trx, id, [
        event(
          'booking.updated',
          { ...bookingPayload(updated), changed: Object.keys(changes).filter((k) => k !== 'paymentMethod'), changed_by: actor.id },
          now,
        ),
      ]);
      const ids: number[] = [];
      for (const t of tasks) {
        const taskId = await insertTask(trx, t, now);
        if (taskId !== undefined) ids.push(taskId);
      }
      return { booking: updated, taskIds: ids };
    });
    await runTasks(ctx, taskIds);
    return booking;
  } catch (err) {
    if (placement !== undefined) await abandonHold(ctx, placement.hold.id, 'booking update failed');
    if (newIntent !== undefined)
      await ctx.payment
        .refund(newIntent.id, newIntent.amount, 'booking update failed', `booking:${id}:refund:v${expectedVersion + 1}`)
        .catch(() => undefined);
    throw err;
  }
}

/**
 * Moves each booking to `to` on the system's behalf; one that another change moved meanwhile is
 * skipped (the other change won, which is fine). Returns how many moved.
 */
async function transitionEach(ctx: BookingContext, ids: readonly { id: string }[], to: BookingStatus, reason: string): Promise<number> {
  let moved = 0;
  for (const { id } of ids) {
    try {
      await changeStatus(ctx, id, to, { actor: { id: 'system' }, reason });
      moved++;
    } catch (err) {
      ctx.log?.warn({ err, booking: id, to }, 'a scheduled status change was skipped');
    }
  }
  return moved;
}

/** Expires PENDING bookings past their expiry and returns what they held. */
export async function expirePendingBookings(ctx: BookingContext, limit = 200): Promise<number> {
  const due = await ctx.db
    .selectFrom('booking.booking')
    .select('id')
    .where('status', '=', 'PENDING')
    .where('expires_at', '<=', ctx.clock.now())
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return transitionEach(ctx, due, 'EXPIRED', 'not confirmed before it expired');
}

/** The seed-001 daily job: stays past check-out still CONFIRMED (or checked in) become COMPLETED. */
export async function completeFinishedStays(ctx: BookingContext, limit = 500): Promise<number> {
  const due = await ctx.db
    .selectFrom('booking.booking')
    .select('id')
    .where('status', 'in', ['CONFIRMED', 'CHECKED_IN'])
    .where('venue_type', '=', 'hotel')
    .where('check_out', '<=', ctx.clock.now().toISOString().slice(0, 10))
    .orderBy('check_out')
    .limit(limit)
    .execute();
  return transitionEach(ctx, due, 'COMPLETED', 'stay ended');
}

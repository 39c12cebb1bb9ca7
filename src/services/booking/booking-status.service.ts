/**
 * Status transitions: every move through the state machine (booking.states.ts), with what the
 * transition records (`STAMPS`), the inventory and payment effects it declares, its history row and
 * its events. The fee a policy keeps is asked before the transaction (no remote call inside one);
 * the calls left to make (release the hold, refund or void, give a promo use back) are tasks written
 * in the same transaction and run right after commit (booking.tasks.ts).
 *
 *   confirm:  confirm hold (idempotent) → tx: CONFIRMED + history + events
 *   cancel, expire, no-show:  fee from the policy → tx: status + history + events + tasks
 *   complete: tx: COMPLETED (+ shortened stay) + a shorten task
 */
import { addDays, daysBetween } from '../../platform/dates.js';
import { crashPoint } from '../../platform/faults.js';
import type { Actor, BookingContext } from './booking.context.js';
import { bookingError, versionConflict } from './booking.errors.js';
import { bookingPayload, event, statusChangedEvent, type BookingEvent } from './booking.events.js';
import type { Booking } from './booking.model.js';
import {
  findBooking,
  getBooking,
  insertHistory,
  setPayment,
  transitionMadeBy,
  updateBooking,
  writeEvents,
  type BookingUpdate,
} from './booking.repository.js';
import { canTransition, inventoryEffect, STAMPS, transitionEvent, type BookingStatus } from './booking.states.js';
import { runTasks } from './booking.tasks.js';
import { insertTasks, openTaskIds, type NewTask } from './task.repository.js';

export interface TransitionOptions {
  readonly actor: Actor;
  readonly reason?: string | null;
  readonly expectedVersion?: number;
  /** For cancellations: who cancelled (seed 004's cancelled_by). */
  readonly cancelledBy?: string;
  /** The request making the transition (its idempotency key's resource id), recorded in the history. */
  readonly requestId?: string;
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

/** Completing a stay before its check-out gives the unused nights back (at least one night is kept). */
function earlyDeparture(b: Booking, now: Date): BookingUpdate {
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

/** The columns entering `to` sets, from the stamps table and the inventory effect of the transition. */
function transitionColumns(current: Booking, to: BookingStatus, options: TransitionOptions, fee: number, now: Date): BookingUpdate {
  const stamps = STAMPS[to];
  const changes: BookingUpdate = { status: to, updated_at: now };
  if (stamps.at !== null) changes[stamps.at] = now;
  if (stamps.recordsCanceller) {
    changes.cancellation_reason = options.reason ?? null;
    changes.cancelled_by = options.cancelledBy ?? options.actor.id;
  }
  if (stamps.clearsExpiry) changes.expires_at = null;
  if (stamps.keepsFee) changes.cancellation_fee = fee;
  const holdId = current.inventory.holdId;
  switch (inventoryEffect(to)) {
    case 'confirm':
      changes.inventory_status = holdId ? 'CONFIRMED' : current.inventory.status;
      break;
    case 'return_unused':
      Object.assign(changes, earlyDeparture(current, now));
      break;
    case 'release':
      if (holdId !== null) changes.inventory_status = 'RELEASED';
      break;
    case 'keep':
      break;
  }
  return changes;
}

/**
 * Moves a booking through the state machine, with the inventory and payment effects the transition
 * declares. An illegal transition is INVALID_STATUS_TRANSITION naming both states and changes nothing.
 */
export async function changeStatus(ctx: BookingContext, id: string, to: BookingStatus, options: TransitionOptions): Promise<Booking> {
  const current = await getBooking(ctx.db, ctx.pii, id);
  // Seed 004's state machine has no transition from a status to itself: a second cancel is refused.
  // A retry with the same idempotency key replays the first answer at the route edge; a retry whose
  // first attempt died after its commit (nothing stored under the key) finds its own transition here.
  if (current.status === to && options.requestId !== undefined && (await transitionMadeBy(ctx.db, id, to, options.requestId))) {
    await runTasks(ctx, await openTaskIds(ctx.db, id));
    return current;
  }
  if (options.expectedVersion !== undefined && current.version !== options.expectedVersion)
    throw versionConflict(current, options.expectedVersion);
  if (!canTransition(current.status, to)) {
    throw bookingError('INVALID_STATUS_TRANSITION', `A booking cannot go from ${current.status} to ${to}.`, { from: current.status, to });
  }
  if (inventoryEffect(to) === 'confirm' && current.inventory.holdId !== null) {
    await ctx.inventory.confirmHold(current.inventory.holdId);
  }
  const now = ctx.clock.now();
  // What the policy keeps is asked before the transaction: no remote call inside one.
  const fee = STAMPS[to].keepsFee ? await feeFor(ctx, current, to === 'NO_SHOW', now) : 0;
  const reason = options.reason ?? null;
  const { booking, taskIds } = await ctx.db.transaction().execute(async (trx) => {
    const guarded = await updateBooking(
      trx,
      ctx.pii,
      id,
      { version: options.expectedVersion ?? current.version, statuses: [current.status] },
      transitionColumns(current, to, options, fee, now),
    );
    if (guarded === undefined) throw versionConflict(await findBooking(trx, ctx.pii, id), options.expectedVersion);
    const { tasks, refund } = settlementTasks(current, guarded, to, fee);
    let updated = guarded;
    if (refund > 0 || tasks.some((t) => t.action === 'void_payment')) {
      // The refund or void is decided here and carried out by its task: the booking says so now.
      updated = await setPayment(trx, ctx.pii, id, {
        amount_refunded: current.amountRefunded + refund,
        payment_status:
          refund > 0
            ? refund === current.amountCaptured - current.amountRefunded && fee === 0
              ? 'refunded'
              : 'partially_refunded'
            : 'canceled',
      });
    }
    await insertHistory(trx, {
      bookingId: id,
      from: current.status,
      to,
      by: options.actor.id,
      reason,
      at: now,
      requestId: options.requestId,
    });
    const events: BookingEvent[] = [statusChangedEvent(updated, current.status, reason, options.actor.id, now)];
    const specific = transitionEvent(to);
    if (specific !== undefined)
      events.push(
        event(specific, { ...bookingPayload(updated), reason, ...(fee > 0 ? { fee } : {}), ...(refund > 0 ? { refund } : {}) }, now),
      );
    await writeEvents(trx, id, events);
    return { booking: updated, taskIds: await insertTasks(trx, tasks, now) };
  });
  crashPoint(`status:${to.toLowerCase()}`);
  await runTasks(ctx, taskIds);
  return booking;
}

/**
 * The create-booking saga: short local steps, each idempotent (a stable key per remote call, so a
 * retried step is answered, not repeated), each with its compensation, with its progress stored in
 * `booking.saga` so that a crash at any point ends consistent — the recovery job (`recover-sagas`)
 * finishes a saga that got as far as an authorized payment and compensates one that did not.
 *
 *   started → held (inventory hold) → quoted (pricing, or the default price, flagged) → promo_redeemed
 *   → booked (booking PENDING + history + event, one transaction) → intent_created → authorized
 *   → completed (hold confirmed, payment captured, booking CONFIRMED, one transaction)
 *
 * Compensation: void the authorization, release the hold, give the promo use back, and — when the
 * booking row exists — cancel it with the reason (so a declined card leaves a CANCELLED booking that
 * says why, no active hold, no uncaptured intent).
 */
import { randomUUID } from 'node:crypto';
import { localDate } from '../../../platform/dates.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import type { PaymentMethod } from '../clients/payment.client.js';
import { SYSTEM, type Actor, type BookingContext } from '../booking.context.js';
import { bookingError } from '../booking.errors.js';
import { bookingPayload, event, statusChangedEvent } from '../booking.events.js';
import type { CreateBookingInput } from '../booking.inputs.js';
import type { Booking } from '../booking.model.js';
import { holdKey, place, replayHoldRequest, type HoldRequest } from '../booking.placement.js';
import { priceColumns, priceFor } from '../booking.pricing.js';
import { findBooking, insertHistory, insertWithFreshReference, setPayment, updateBooking, writeEvents } from '../booking.repository.js';
import { changeStatus } from '../booking-status.service.js';
import { endSaga, findSaga, findStuckSagas, insertSaga, recordStep, type SagaRecord } from './saga.repository.js';

export const CREATE_STEPS = ['started', 'held', 'quoted', 'promo_redeemed', 'booked', 'intent_created', 'authorized', 'completed'] as const;
export type CreateStep = (typeof CREATE_STEPS)[number];

interface SagaData {
  /** The hold request as sent: replayed by recovery when its answer was lost (a timeout). */
  hold_request?: HoldRequest;
  hold_id?: string;
  promo_code?: string | null;
  intent_id?: string;
  payment_required?: boolean;
  auto_confirm?: boolean;
  actor?: string;
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

/**
 * Fault injection for the crash tests: with INNKEEPER_FAULT_CRASH_AFTER=<step>, the process kills
 * itself (SIGKILL, no cleanup) right after that step is recorded. Never set in production.
 */
function crashPoint(step: CreateStep): void {
  if (process.env.INNKEEPER_FAULT_CRASH_AFTER === step) process.kill(process.pid, 'SIGKILL');
}

export async function createBooking(ctx: BookingContext, input: CreateBookingInput, options: CreateOptions): Promise<Booking> {
  const bookingId = options.bookingId ?? randomUUID();
  const prior = await findSaga(ctx.db, bookingId, 'create');
  if (prior !== undefined) {
    // A retry of a create whose first attempt died: finish or compensate it, then answer as it ended.
    await settleSaga(ctx, prior);
    const booking = await findBooking(ctx.db, bookingId);
    if (booking === undefined)
      throw bookingError('BOOKING_INVALID', 'This booking request could not be completed; send it again with a new idempotency key.');
    return booking;
  }

  const venue = await ctx.inventory.getVenue(input.venue_id);
  if (venue.type !== input.venue_type) {
    throw bookingError('VENUE_TYPE_MISMATCH', `Venue ${venue.id} is a ${venue.type}, not a ${input.venue_type}.`, {
      venue_type: venue.type,
    });
  }
  if (!venue.active) throw bookingError('INVENTORY_REJECTED', `Venue ${venue.id} is not taking bookings.`);
  const now = ctx.clock.now();
  if (input.booking_date < localDate(now, venue.time_zone)) throw bookingError('BOOKING_IN_PAST', 'Cannot book for a past date.');

  const sagaId = randomUUID();
  const data: SagaData = {
    payment_required: options.paymentMethod !== undefined,
    auto_confirm: options.autoConfirm,
    actor: options.actor.id,
  };
  await insertSaga(ctx.db, { id: sagaId, bookingId, kind: 'create', step: 'started', data, at: now });

  // 1. hold — compensation: release it (it also expires by itself).
  let placement;
  try {
    placement = await place(
      ctx,
      {
        venueId: venue.id,
        venueType: input.venue_type,
        date: input.booking_date,
        time: input.booking_time,
        durationMinutes: input.duration_minutes,
        partySize: input.party_size,
        roomTypeId: input.room_type_id,
        checkOut: input.check_out,
        nights: input.nights,
        adults: input.adults,
      },
      holdKey(bookingId, 1),
      async (request) => {
        data.hold_request = request;
        await recordStep(ctx.db, sagaId, 'started', data, ctx.clock.now());
      },
    );
  } catch (err) {
    // Unreachable inventory may still have made the hold (the answer was lost): leave the saga to
    // recovery, which replays the request by its key and releases what it finds.
    if (isAppError(err, 'INVENTORY_SERVICE_UNAVAILABLE') && data.hold_request !== undefined) throw err;
    await endSaga(ctx.db, sagaId, 'compensated', `not held: ${(err as Error).message}`, ctx.clock.now());
    throw err;
  }
  data.hold_id = placement.hold.id;
  await recordStep(ctx.db, sagaId, 'held', data, ctx.clock.now());
  crashPoint('held');

  try {
    // 2. quote — no compensation; pricing down means the default price, flagged.
    const price = await priceFor(ctx, {
      venueId: venue.id,
      venueType: input.venue_type,
      currency: venue.currency,
      roomTypeId: placement.row.room_type_id,
      checkIn: placement.row.check_in,
      checkOut: placement.row.check_out,
      nightlyPrice: placement.row.room_price,
      nights: placement.row.nights,
      date: input.booking_date,
      time: placement.row.booking_time,
      partySize: input.party_size,
      promoCode: input.promo_code,
    });
    await recordStep(ctx.db, sagaId, 'quoted', data, ctx.clock.now());
    crashPoint('quoted');

    // 3. promo — compensation: give the use back.
    if (price.promoCode !== null) {
      data.promo_code = price.promoCode;
      await recordStep(ctx.db, sagaId, 'quoted', data, ctx.clock.now());
      await ctx.pricing.redeemPromo(price.promoCode, bookingId);
      await recordStep(ctx.db, sagaId, 'promo_redeemed', data, ctx.clock.now());
      crashPoint('promo_redeemed');
    }

    // 4. book — one transaction: the booking, its history, its event, and the saga's progress.
    const at = ctx.clock.now();
    const columns = priceColumns(price, input.metadata ?? {}, input.promo_code);
    await ctx.db.transaction().execute(async (trx) => {
      const created = await insertWithFreshReference(trx, {
        id: bookingId,
        idempotency_key: input.idempotency_key ?? null,
        guest_id: input.guest_id,
        guest_name: input.guest_name,
        guest_email: input.guest_email ?? null,
        guest_phone: input.guest_phone ?? null,
        venue_id: venue.id,
        venue_type: input.venue_type,
        venue_name: venue.name,
        booking_date: input.booking_date,
        party_size: input.party_size,
        status: 'PENDING',
        payment_intent_id: null,
        payment_status: null,
        inventory_reservation_id: placement.hold.id,
        inventory_status: 'HELD',
        special_requests: input.special_requests ?? null,
        internal_notes: input.internal_notes ?? null,
        adults: input.venue_type === 'hotel' ? (input.adults ?? input.party_size) : null,
        children: input.venue_type === 'hotel' ? (input.children ?? 0) : null,
        meal_plan: input.meal_plan ?? null,
        market_segment: input.market_segment ?? null,
        booking_channel: input.booking_channel ?? null,
        is_holiday: input.is_holiday ?? null,
        source: input.source,
        created_at: at,
        updated_at: at,
        expires_at: new Date(at.getTime() + ctx.pendingTtlMs),
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
        booking_time: null,
        duration_minutes: null,
        end_time: null,
        inventory_item_id: null,
        ...placement.row,
        ...columns,
      });
      await insertHistory(trx, { bookingId, from: null, to: 'PENDING', by: options.actor.id, reason: 'created', at });
      await writeEvents(trx, bookingId, [
        event(
          'booking.created',
          {
            ...bookingPayload(created),
            pricing_source: columns.base_price === null && price.source === 'default' ? 'unpriced' : price.source,
            ...(price.source === 'default' ? { pricing_fallback: true } : {}),
          },
          at,
        ),
      ]);
      await recordStep(trx, sagaId, 'booked', data, at);
    });
    crashPoint('booked');
  } catch (err) {
    await compensate(ctx, sagaId, bookingId, data, reasonOf(err));
    throw err;
  }

  // 5. pay — compensation: void the authorization (and everything before).
  const booking = (await findBooking(ctx.db, bookingId))!;
  const amount = booking.price.total ?? 0;
  if (options.paymentMethod !== undefined && amount > 0) {
    try {
      const intent = await ctx.payment.createIntent(
        { amount, currency: booking.price.currency, booking_id: bookingId, description: `Booking ${booking.reference}` },
        `booking:${bookingId}:intent`,
      );
      data.intent_id = intent.id;
      await ctx.db.transaction().execute(async (trx) => {
        await setPayment(trx, bookingId, { payment_intent_id: intent.id, payment_status: intent.status });
        await recordStep(trx, sagaId, 'intent_created', data, ctx.clock.now());
      });
      crashPoint('intent_created');
      const authorized = await ctx.payment.authorize(intent.id, options.paymentMethod, `booking:${bookingId}:authorize`);
      await ctx.db.transaction().execute(async (trx) => {
        await setPayment(trx, bookingId, { payment_status: authorized.status });
        await recordStep(trx, sagaId, 'authorized', data, ctx.clock.now());
      });
      crashPoint('authorized');
    } catch (err) {
      await compensate(ctx, sagaId, bookingId, data, reasonOf(err));
      throw err;
    }
    return finish(ctx, sagaId, bookingId, data);
  }
  if (options.autoConfirm) return finish(ctx, sagaId, bookingId, data);
  // Not paid now: the booking waits PENDING for confirmation (or expires and gives everything back).
  await endSaga(ctx.db, sagaId, 'completed', 'pending confirmation', ctx.clock.now());
  return booking;
}

function reasonOf(err: unknown): string {
  if (err instanceof AppError) {
    const d = err.details as { decline_code?: string } | undefined;
    return d?.decline_code ? `${err.message} (${d.decline_code})` : err.message;
  }
  return (err as Error).message;
}

/**
 * The last step: confirm the hold, capture the payment, and move the booking to CONFIRMED. A hold that
 * was lost meanwhile (expired) makes the saga compensate: the payment is voided or refunded.
 */
async function finish(ctx: BookingContext, sagaId: string, bookingId: string, data: SagaData): Promise<Booking> {
  const booking = (await findBooking(ctx.db, bookingId))!;
  if (booking.status !== 'PENDING') {
    await endSaga(
      ctx.db,
      sagaId,
      booking.status === 'CANCELLED' || booking.status === 'EXPIRED' ? 'compensated' : 'completed',
      `booking ${booking.status}`,
      ctx.clock.now(),
    );
    return booking;
  }
  try {
    if (booking.inventory.holdId !== null) await ctx.inventory.confirmHold(booking.inventory.holdId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'INVENTORY_HOLD_LOST') {
      await compensate(ctx, sagaId, bookingId, data, 'the inventory hold expired before the booking was confirmed');
      throw err;
    }
    throw err; // inventory unavailable: the saga stays running; recovery finishes it
  }
  let captured = 0;
  let paymentStatus = booking.payment.status;
  if (data.intent_id !== undefined) {
    const intent = await ctx.payment.capture(data.intent_id, `booking:${bookingId}:capture`);
    captured = intent.amount_received;
    paymentStatus = intent.status;
  }
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await updateBooking(
      trx,
      bookingId,
      { statuses: ['PENDING'] },
      {
        status: 'CONFIRMED',
        confirmed_at: now,
        updated_at: now,
        expires_at: null,
        inventory_status: booking.inventory.holdId !== null ? 'CONFIRMED' : booking.inventory.status,
        amount_captured: captured,
        payment_status: paymentStatus,
      },
    );
    if (updated === undefined) {
      // Expired or cancelled while we paid: the other change won; its tasks return what it held.
      await endSaga(trx, sagaId, 'compensated', 'booking changed while confirming', now);
      return (await findBooking(trx, bookingId))!;
    }
    const by = data.actor ?? 'system';
    await insertHistory(trx, { bookingId, from: 'PENDING', to: 'CONFIRMED', by, reason: 'created', at: now });
    await writeEvents(trx, bookingId, [
      statusChangedEvent(updated, 'PENDING', 'created', by, now),
      event('booking.confirmed', { ...bookingPayload(updated), reason: 'created' }, now),
    ]);
    await endSaga(trx, sagaId, 'completed', 'confirmed', now);
    return updated;
  });
}

/** Undoes what the saga did, newest first. Failures leave the saga running for the recovery job. */
async function compensate(ctx: BookingContext, sagaId: string, bookingId: string, data: SagaData, reason: string): Promise<void> {
  const booking = await findBooking(ctx.db, bookingId);
  if (booking !== undefined && (booking.status === 'PENDING' || booking.status === 'CONFIRMED')) {
    // Cancelling writes the tasks that void the payment, release the hold and give the promo back.
    await changeStatus(ctx, bookingId, 'CANCELLED', { actor: SYSTEM, reason, cancelledBy: 'system' }).catch((err: unknown) =>
      ctx.log?.error({ err, booking: bookingId }, 'compensation could not cancel the booking; recovery will retry'),
    );
    if (booking.payment.intentId === null && data.intent_id !== undefined) {
      await ctx.payment.cancel(data.intent_id, reason, `booking:${bookingId}:void`).catch(() => undefined);
    }
  } else if (booking === undefined) {
    if (data.intent_id !== undefined) await ctx.payment.cancel(data.intent_id, reason, `booking:${bookingId}:void`);
    if (data.hold_id !== undefined) await ctx.inventory.releaseHold(data.hold_id, reason);
    if (data.promo_code) await ctx.pricing.releasePromo(data.promo_code, bookingId);
  }
  const after = await findBooking(ctx.db, bookingId);
  if (after === undefined || after.status !== 'PENDING') await endSaga(ctx.db, sagaId, 'compensated', reason, ctx.clock.now());
}

/** Brings one unfinished saga to an end: forward when it was paid (or needs no payment), back otherwise. */
export async function settleSaga(ctx: BookingContext, saga: SagaRecord): Promise<'completed' | 'compensated' | 'unchanged'> {
  if (saga.status !== 'running') return 'unchanged';
  const data = saga.data as SagaData;
  const step = saga.step as CreateStep;
  try {
    if (step === 'authorized') {
      await finish(ctx, saga.id, saga.booking_id, data);
      return 'completed';
    }
    if (step === 'intent_created' && data.intent_id !== undefined) {
      const intent = await ctx.payment.getIntent(data.intent_id);
      if (intent.status === 'requires_capture' || intent.status === 'succeeded') {
        await finish(ctx, saga.id, saga.booking_id, data);
        return 'completed';
      }
    }
    if (step === 'booked' && data.payment_required !== true) {
      if (data.auto_confirm === true) await finish(ctx, saga.id, saga.booking_id, data);
      else await endSaga(ctx.db, saga.id, 'completed', 'pending confirmation', ctx.clock.now());
      return 'completed';
    }
    if (step === 'started' && data.hold_id === undefined) {
      if (data.hold_request === undefined) {
        await endSaga(ctx.db, saga.id, 'compensated', 'stopped before any hold was requested', ctx.clock.now());
        return 'compensated';
      }
      // The hold's answer was lost: ask again with the same key; inventory answers the hold it made.
      try {
        data.hold_id = (await replayHoldRequest(ctx, data.hold_request)).id;
      } catch (err) {
        const code = err instanceof AppError ? (err.details as { inventory_code?: string } | undefined)?.inventory_code : undefined;
        if (isAppError(err, 'INVENTORY_SERVICE_UNAVAILABLE') || code === 'IDEMPOTENCY_IN_PROGRESS') throw err;
        // Refused the first time too (no availability …): nothing was held.
        await endSaga(ctx.db, saga.id, 'compensated', `not held: ${(err as Error).message}`, ctx.clock.now());
        return 'compensated';
      }
    }
    // Before a successful authorization (the card is never stored, so it cannot be retried): undo.
    await compensate(ctx, saga.id, saga.booking_id, data, `the booking could not be completed (stopped after step ${step})`);
    return 'compensated';
  } catch (err) {
    ctx.log?.warn({ err, saga: saga.id }, 'saga recovery failed; it will be retried');
    return 'unchanged';
  }
}

/** The recovery job: sagas untouched for `sagaRecoveryAfterMs` are finished or compensated. */
export async function recoverSagas(ctx: BookingContext, limit = 100): Promise<{ completed: number; compensated: number; pending: number }> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.sagaRecoveryAfterMs);
  const stuck = await findStuckSagas(ctx.db, cutoff, limit);
  const result = { completed: 0, compensated: 0, pending: 0 };
  for (const saga of stuck) {
    const outcome = await settleSaga(ctx, saga);
    if (outcome === 'completed') result.completed++;
    else if (outcome === 'compensated') result.compensated++;
    else result.pending++;
  }
  return result;
}

/**
 * The create-booking saga, on the saga runner (saga.runner.ts): short local steps, each idempotent (a
 * stable key per remote call, so a retried step is answered, not repeated), each with its
 * compensation, its progress recorded in `booking.saga` so that a crash at any point ends consistent.
 *
 *   started → held (inventory hold) → quoted (pricing, or the default price, flagged) → promo_redeemed
 *   → booked (booking PENDING + history + event, one transaction) → intent_created → authorized
 *   → completed (hold confirmed, payment captured, booking CONFIRMED, one transaction)
 *
 * The pivot is `authorized` when the booking is paid now (the card is never stored, so a saga that
 * stopped before its authorization cannot finish and is undone), `booked` when it is not. Undoing:
 * void the authorization, cancel the booking when its row exists (its tasks release the hold, void the
 * payment, give the promo use back, and the booking says why: a declined card leaves a CANCELLED
 * booking with the reason, no active hold, no uncaptured intent), or else release the hold and the
 * promo use directly.
 */
import { randomUUID } from 'node:crypto';
import { localDate } from '../../../platform/dates.js';
import { crashPoint } from '../../../platform/faults.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import type { Venue } from '../clients/inventory.client.js';
import type { PaymentMethod } from '../clients/payment.client.js';
import { SYSTEM, type Actor, type BookingContext } from '../booking.context.js';
import { bookingError } from '../booking.errors.js';
import { bookingPayload, event, statusChangedEvent } from '../booking.events.js';
import { pendingBookingRow, type CreateBookingInput } from '../booking.inputs.js';
import type { Booking } from '../booking.model.js';
import { holdKey, place, type HoldRequest, type Placement } from '../booking.placement.js';
import { priceColumns, priceFor, type PriceSnapshot } from '../booking.pricing.js';
import { findBooking, insertHistory, insertWithFreshReference, setPayment, updateBooking, writeEvents } from '../booking.repository.js';
import { changeStatus } from '../booking-status.service.js';
import { defineSaga, type Run, type SagaStep } from './saga.runner.js';
import { holdInDoubt, probeHold } from './hold.steps.js';
import { findSaga } from './saga.repository.js';

/** The steps a create saga's record can name (`booking.saga.step`), in order. */
export const CREATE_STEPS = ['started', 'held', 'quoted', 'promo_redeemed', 'booked', 'intent_created', 'authorized', 'completed'] as const;
export type CreateStep = (typeof CREATE_STEPS)[number];

export interface CreateOptions {
  /** The booking's id; a retry of a create that crashed passes the same id and resumes it. */
  readonly bookingId?: string;
  /** Confirm at once (no payment step), as the seed-001 surface does. */
  readonly autoConfirm: boolean;
  readonly actor: Actor;
  /** Pay now: authorize and capture as part of the create saga (402 when declined). */
  readonly paymentMethod?: PaymentMethod;
}

/** What the saga records: what its compensations and its recovery need. */
interface CreateData {
  /** The hold request as sent: replayed by recovery when its answer was lost (a timeout). */
  hold_request?: HoldRequest;
  hold_id?: string;
  promo_code?: string | null;
  intent_id?: string;
  payment_required?: boolean;
  auto_confirm?: boolean;
  actor?: string;
}

/** The first run's input (the card lives only here, never in the record). */
interface CreateRequest {
  readonly input: CreateBookingInput;
  readonly options: CreateOptions;
  readonly venue: Venue;
}

/** The steps' results, for the later steps of the same run. */
interface CreateState {
  placement: Placement;
  price: PriceSnapshot;
  booking: Booking;
}

type CreateRun = Run<CreateRequest, CreateData, CreateState>;
/** A step of this saga, named as the record names it. */
interface CreateStepDef extends SagaStep<CreateRequest, CreateData, CreateState> {
  readonly name: Exclude<CreateStep, 'started'>;
}

/** The first run's input; the steps before the pivot never run in recovery. */
function request(run: CreateRun): CreateRequest {
  if (run.input === undefined) throw new Error(`create saga ${run.sagaId}: a step before the pivot cannot run in recovery`);
  return run.input;
}

function need<T>(value: T | undefined, what: keyof CreateState): T {
  if (value === undefined) throw new Error(`create saga: ${what} is not known yet`);
  return value;
}

function reasonOf(err: unknown): string {
  if (err instanceof AppError) {
    const d = err.details as { decline_code?: string } | undefined;
    return d?.decline_code ? `${err.message} (${d.decline_code})` : err.message;
  }
  return (err as Error).message;
}

const PAY_NOW = (run: CreateRun): boolean => run.input?.options.paymentMethod !== undefined && (run.state.booking?.price.total ?? 0) > 0;

/** 1. hold — compensation: release it when no booking row took it over (it also expires by itself). */
const held: CreateStepDef = {
  name: 'held',
  invoke: async (run) => {
    const { input, venue } = request(run);
    const placement = await place(
      run.ctx,
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
      holdKey(run.bookingId, 1),
      (holdRequest) => run.note({ hold_request: holdRequest }),
    );
    return { result: { placement }, record: { hold_id: placement.hold.id } };
  },
  // Unreachable inventory may still have made the hold (the answer was lost): recovery replays the
  // request by its key and releases what it finds.
  inDoubt: (err, run) => holdInDoubt(err, run.data.hold_request),
  failureReason: (err) => `not held: ${(err as Error).message}`,
  probe: (run) => probeHold(run.ctx, run.data.hold_request),
  compensate: async (run, reason) => {
    if (run.data.hold_id === undefined || (await findBooking(run.ctx.db, run.ctx.pii, run.bookingId)) !== undefined) return;
    await run.ctx.inventory.releaseHold(run.data.hold_id, reason);
  },
};

/** 2. quote — no compensation; pricing down means the default price, flagged. */
const quoted: CreateStepDef = {
  name: 'quoted',
  invoke: async (run) => {
    const { input, venue } = request(run);
    const placement = need(run.state.placement, 'placement');
    const price = await priceFor(run.ctx, {
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
    return { result: { price } };
  },
};

/** 3. promo — compensation: give the use back when no booking row took it over. */
const promoRedeemed: CreateStepDef = {
  name: 'promo_redeemed',
  applies: (run) => run.state.price !== undefined && run.state.price.promoCode !== null,
  invoke: async (run) => {
    const code = need(run.state.price, 'price').promoCode!;
    await run.note({ promo_code: code }); // before the call: a lost answer still gets the use back
    await run.ctx.pricing.redeemPromo(code, run.bookingId);
    return {};
  },
  compensate: async (run) => {
    if (!run.data.promo_code || (await findBooking(run.ctx.db, run.ctx.pii, run.bookingId)) !== undefined) return;
    await run.ctx.pricing.releasePromo(run.data.promo_code, run.bookingId);
  },
};

/** 4. book — one transaction: the booking, its history, its event, and the saga's progress. Compensation: cancel it. */
const booked: CreateStepDef = {
  name: 'booked',
  invoke: async (run) => {
    const { input, options, venue } = request(run);
    const placement = need(run.state.placement, 'placement');
    const price = need(run.state.price, 'price');
    const at = run.ctx.clock.now();
    const columns = priceColumns(price, input.metadata ?? {}, input.promo_code);
    const id = run.bookingId;
    return {
      write: async (trx) => {
        const created = await insertWithFreshReference(
          trx,
          run.ctx.pii,
          pendingBookingRow(id, input, venue, placement, columns, at, new Date(at.getTime() + run.ctx.pendingTtlMs)),
        );
        await insertHistory(trx, { bookingId: id, from: null, to: 'PENDING', by: options.actor.id, reason: 'created', at });
        await writeEvents(trx, id, [
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
        return { result: { booking: created } };
      },
    };
  },
  compensate: async (run, reason) => {
    const booking = await findBooking(run.ctx.db, run.ctx.pii, run.bookingId);
    if (booking === undefined) return;
    if (booking.status === 'PENDING' || booking.status === 'CONFIRMED') {
      // Cancelling writes the tasks that void the payment, release the hold and give the promo back.
      await changeStatus(run.ctx, run.bookingId, 'CANCELLED', { actor: SYSTEM, reason, cancelledBy: 'system' }).catch((err: unknown) =>
        run.ctx.log?.error({ err, booking: run.bookingId }, 'compensation could not cancel the booking; recovery will retry'),
      );
    }
    // Still PENDING: the cancellation failed; the saga stays running and recovery tries again.
    if ((await findBooking(run.ctx.db, run.ctx.pii, run.bookingId))?.status === 'PENDING') return 'unfinished';
  },
};

/** 5. pay: the intent — compensation: void it when the booking does not know it (else its cancellation does). */
const intentCreated: CreateStepDef = {
  name: 'intent_created',
  applies: PAY_NOW,
  invoke: async (run) => {
    const booking = need(run.state.booking, 'booking');
    const intent = await run.ctx.payment.createIntent(
      {
        amount: booking.price.total ?? 0,
        currency: booking.price.currency,
        booking_id: run.bookingId,
        // So that the venue's organization may read what its guests paid (payment reads are scoped by venue).
        venue_id: booking.venue.id,
        description: `Booking ${booking.reference}`,
      },
      `booking:${run.bookingId}:intent`,
    );
    return {
      record: { intent_id: intent.id },
      write: async (trx) => {
        await setPayment(trx, run.ctx.pii, run.bookingId, { payment_intent_id: intent.id, payment_status: intent.status });
      },
    };
  },
  compensate: async (run, reason) => {
    const intentId = run.data.intent_id;
    if (intentId === undefined) return;
    const booking = await findBooking(run.ctx.db, run.ctx.pii, run.bookingId);
    const key = `booking:${run.bookingId}:void`;
    if (booking === undefined) await run.ctx.payment.cancel(intentId, reason, key);
    else if ((booking.status === 'PENDING' || booking.status === 'CONFIRMED') && booking.payment.intentId === null)
      await run.ctx.payment.cancel(intentId, reason, key).catch(() => undefined);
  },
};

/** 6. pay: the authorization — the pivot of a paid booking; undone with the intent. */
const authorized: CreateStepDef = {
  name: 'authorized',
  applies: PAY_NOW,
  invoke: async (run) => {
    const authorization = await run.ctx.payment.authorize(
      run.data.intent_id!,
      request(run).options.paymentMethod!,
      `booking:${run.bookingId}:authorize`,
    );
    return {
      write: async (trx) => {
        await setPayment(trx, run.ctx.pii, run.bookingId, { payment_status: authorization.status });
      },
    };
  },
  // A crash while authorizing: the payment service knows whether the authorization happened.
  probe: async (run) => {
    if (run.data.intent_id === undefined) return { tookEffect: false };
    const intent = await run.ctx.payment.getIntent(run.data.intent_id);
    return { tookEffect: intent.status === 'requires_capture' || intent.status === 'succeeded' };
  },
};

/**
 * 7. The last step: confirm the hold, capture the payment, and move the booking to CONFIRMED — when it
 * was paid or is confirmed at once; otherwise it waits PENDING for confirmation (or expires and gives
 * everything back). A hold that was lost meanwhile (expired) makes the saga compensate: the payment is
 * voided or refunded. Any other failure leaves the saga running; recovery finishes it.
 */
const completed: CreateStepDef = {
  name: 'completed',
  invoke: async (run) => {
    const { ctx, bookingId, data } = run;
    const booking = (await findBooking(ctx.db, ctx.pii, bookingId))!;
    if (data.intent_id === undefined && data.auto_confirm !== true) {
      return { result: { booking }, end: { status: 'completed', outcome: 'pending confirmation' } };
    }
    if (booking.status !== 'PENDING') {
      const status = booking.status === 'CANCELLED' || booking.status === 'EXPIRED' ? 'compensated' : 'completed';
      return { result: { booking }, end: { status, outcome: `booking ${booking.status}` } };
    }
    if (booking.inventory.holdId !== null) await ctx.inventory.confirmHold(booking.inventory.holdId);
    crashPoint('create:completed:hold_confirmed');
    let captured = 0;
    let paymentStatus = booking.payment.status;
    if (data.intent_id !== undefined) {
      const intent = await ctx.payment.capture(data.intent_id, `booking:${bookingId}:capture`);
      captured = intent.amount_received;
      paymentStatus = intent.status;
      crashPoint('create:completed:captured');
    }
    const now = ctx.clock.now();
    return {
      write: async (trx) => {
        const updated = await updateBooking(
          trx,
          run.ctx.pii,
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
          return {
            result: { booking: (await findBooking(trx, run.ctx.pii, bookingId))! },
            end: { status: 'compensated', outcome: 'booking changed while confirming' },
          };
        }
        const by = data.actor ?? 'system';
        await insertHistory(trx, { bookingId, from: 'PENDING', to: 'CONFIRMED', by, reason: 'created', at: now });
        await writeEvents(trx, bookingId, [
          statusChangedEvent(updated, 'PENDING', 'created', by, now),
          event('booking.confirmed', { ...bookingPayload(updated), reason: 'created' }, now),
        ]);
        return { result: { booking: updated }, end: { status: 'completed', outcome: 'confirmed' } };
      },
    };
  },
  inDoubt: (err) => !isAppError(err, 'INVENTORY_HOLD_LOST'),
  failureReason: () => 'the inventory hold expired before the booking was confirmed',
};

export const createBookingSaga = defineSaga<CreateRequest, CreateData, CreateState>({
  kind: 'create',
  initial: CREATE_STEPS[0],
  steps: [held, quoted, promoRedeemed, booked, intentCreated, authorized, completed],
  pivot: (data) => (data.payment_required === true ? 'authorized' : 'booked'),
  reasonOf,
  stoppedReason: (step) => `the booking could not be completed (stopped after step ${step})`,
});

export async function createBooking(ctx: BookingContext, input: CreateBookingInput, options: CreateOptions): Promise<Booking> {
  const bookingId = options.bookingId ?? randomUUID();
  const prior = await findSaga(ctx.db, ctx.pii, bookingId, 'create');
  if (prior !== undefined) {
    // A retry of a create whose first attempt died: finish or compensate it, then answer as it ended.
    await createBookingSaga.settle(ctx, prior);
    const booking = await findBooking(ctx.db, ctx.pii, bookingId);
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
  if (input.booking_date < localDate(ctx.clock.now(), venue.time_zone))
    throw bookingError('BOOKING_IN_PAST', 'Cannot book for a past date.');

  const state = await createBookingSaga.start(
    ctx,
    bookingId,
    { input, options, venue },
    { payment_required: options.paymentMethod !== undefined, auto_confirm: options.autoConfirm, actor: options.actor.id },
  );
  return need(state.booking, 'booking');
}

/**
 * Why one file of ~530 lines: the steps, their compensations and the commit read one ChangeData record;
 * kept together, a step and the compensation that undoes it are read side by side.
 *
 * Changing a booking (PUT /api/v1/bookings/:id, PATCH /bookings/:id), all or nothing across services,
 * as a recorded saga on the runner (saga.runner.ts), so that a crash at any point ends consistent:
 *
 *   started → held (a new hold, when what the booking occupies moves) → quoted (re-priced; costing
 *   more than was paid needs a card) → intent_created → authorized → captured (the new total on a new
 *   payment) → hold_confirmed (for a CONFIRMED booking) → committed (one transaction: the versioned
 *   update, its event, the tasks that release the old hold and refund the old payment or the
 *   difference, and the saga's end)
 *
 * The pivot is `authorized` when the change pays (the card is never stored: a saga that stopped before
 * its authorization cannot finish and is undone); otherwise `committed`, so a change that stopped
 * anywhere before its commit is undone. Undoing releases the new hold and voids or refunds the new
 * payment; the booking keeps what it had. A lost race at the commit (someone else changed the booking)
 * is undone the same way and answered 409.
 *
 * Every remote call carries a key of this change (the saga's id), never of the booking's next version:
 * a refused change stores its refusal under keys no later change uses, so a booking refused one change
 * accepts the next. A retry of a request whose first run died (same idempotency key, so the same
 * change id) settles that run first, then answers as it ended or runs the change again.
 *
 * A change that moves nothing (names, notes, metadata) calls no other service: it is the commit alone.
 */
import { randomUUID } from 'node:crypto';
import { addDays } from '../../../platform/dates.js';
import { AppError, isAppError, platformError } from '../../../platform/errors.js';
import type { PaymentMethod } from '../clients/payment.client.js';
import type { Actor, BookingContext } from '../booking.context.js';
import { bookingError, versionConflict } from '../booking.errors.js';
import { bookingPayload, event } from '../booking.events.js';
import type { Booking } from '../booking.model.js';
import { place, type HoldRequest, type Placement, type PlacementSpec } from '../booking.placement.js';
import { priceColumns, priceFor, type PriceSnapshot } from '../booking.pricing.js';
import { findBooking, getBooking, updateBooking, writeEvents, type BookingUpdate } from '../booking.repository.js';
import type { BookingStatus } from '../booking.states.js';
import type { BookingTrx } from '../booking.tables.js';
import { runTasks } from '../booking.tasks.js';
import { insertTasks, openTaskIds, type NewTask } from '../task.repository.js';
import { holdInDoubt, probeHold } from './hold.steps.js';
import { findSagaById } from './saga.repository.js';
import type { PiiVault } from '../../../platform/pii/pii-vault.js';
import { defineSaga, type Run, type SagaStep } from './saga.runner.js';

/**
 * What a change sets, as each surface maps its body. Kept by name: the `booking.updated` event lists
 * the keys that were given (`changed`), so renaming them would change the event.
 */
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

/** The changes as recorded: everything but the card, which is never stored. */
type RecordedChanges = Omit<BookingChanges, 'paymentMethod'>;

/** The steps a change saga's record can name (`booking.saga.step`), in order. */
export const CHANGE_STEPS = [
  'started',
  'held',
  'quoted',
  'intent_created',
  'authorized',
  'captured',
  'hold_confirmed',
  'committed',
] as const;
export type ChangeStep = (typeof CHANGE_STEPS)[number];

const MODIFIABLE: readonly BookingStatus[] = ['PENDING', 'CONFIRMED'];

/** What the new hold fixes on the booking row, as recorded (the seating's end as an ISO string). */
interface RecordedPlacement {
  readonly hold_id: string;
  readonly row: Omit<Placement['row'], 'end_time'>;
  readonly end_time: string | null | undefined;
}

/** What the saga records: enough to commit the change, or undo it, from the record alone. */
interface ChangeData {
  readonly expected_version: number;
  /** The booking's status when the change began (a CONFIRMED booking's new hold is confirmed). */
  readonly booking_status: BookingStatus;
  readonly changes: RecordedChanges;
  /** The keys given a value (the event's `changed`). */
  readonly changed: readonly string[];
  readonly moves: boolean;
  readonly actor: string;
  hold_request?: HoldRequest;
  placement?: RecordedPlacement;
  date?: string;
  price?: PriceSnapshot;
  /** The change costs more than was paid: the new total is charged on a new payment. */
  payment_required?: boolean;
  new_amount?: number;
  intent_id?: string;
}

/** The first run's input: the booking as read, and the card (never recorded). */
interface ChangeRequest {
  readonly current: Booking;
  readonly paymentMethod: PaymentMethod | undefined;
}

/** The steps' results, for the caller. */
interface ChangeState {
  booking: Booking;
  taskIds: readonly number[];
}

type ChangeRun = Run<ChangeRequest, ChangeData, ChangeState>;
interface ChangeStepDef extends SagaStep<ChangeRequest, ChangeData, ChangeState> {
  readonly name: Exclude<ChangeStep, 'started'>;
}

function request(run: ChangeRun): ChangeRequest {
  if (run.input === undefined) throw new Error(`change saga ${run.sagaId}: a step before the pivot cannot run in recovery`);
  return run.input;
}

/** The key of one remote call of this change: unique to the change, stable across its retries. */
function callKey(run: { bookingId: string; sagaId: string }, call: string): string {
  return `booking:${run.bookingId}:change:${run.sagaId}:${call}`;
}

/** Does the change move what the booking occupies (and so need a new hold)? */
function movesInventory(current: Booking, c: RecordedChanges): boolean {
  const stay = current.stay;
  return (
    (c.date !== undefined && c.date !== current.date) ||
    (c.time !== undefined && c.time !== current.time) ||
    (c.durationMinutes !== undefined && c.durationMinutes !== current.durationMinutes) ||
    (c.partySize !== undefined && c.partySize !== current.partySize && current.venue.type !== 'hotel') ||
    (c.roomTypeId !== undefined && c.roomTypeId !== stay?.roomTypeId) ||
    (c.checkOut !== undefined && c.checkOut !== stay?.checkOut) ||
    (c.nights !== undefined && c.nights !== stay?.nights) ||
    (c.adults !== undefined && c.adults !== stay?.adults)
  );
}

/** What the booking must hold after the change. */
function placementSpec(current: Booking, c: RecordedChanges): PlacementSpec {
  const date = c.date ?? current.date;
  const stay = current.stay;
  const checkOut =
    c.checkOut ?? (c.nights !== undefined ? undefined : stay && c.date !== undefined ? addDays(date, stay.nights) : stay?.checkOut);
  return {
    venueId: current.venue.id,
    venueType: current.venue.type,
    date,
    time: c.time ?? current.time,
    durationMinutes: c.durationMinutes ?? current.durationMinutes,
    partySize: c.partySize ?? current.partySize,
    roomTypeId: c.roomTypeId ?? stay?.roomTypeId,
    checkOut,
    nights: c.nights,
    adults: c.adults ?? stay?.adults,
  };
}

/** Releases the new hold unless the booking took it over (the change committed). */
async function releaseNewHold(run: ChangeRun, reason: string): Promise<void> {
  const holdId = run.data.placement?.hold_id;
  if (holdId === undefined) return;
  const booking = await findBooking(run.ctx.db, run.ctx.pii, run.bookingId);
  if (booking?.inventory.holdId === holdId) return;
  await run.ctx.inventory.releaseHold(holdId, reason);
}

/** Gives the new payment back: voids an authorization, refunds a capture. */
async function undoNewPayment(run: ChangeRun, reason: string): Promise<void> {
  const intentId = run.data.intent_id;
  if (intentId === undefined) return;
  const booking = await findBooking(run.ctx.db, run.ctx.pii, run.bookingId);
  if (booking?.payment.intentId === intentId) return; // the change committed: the payment is the booking's
  const intent = await run.ctx.payment.getIntent(intentId);
  if (intent.status === 'succeeded' && intent.amount_received > intent.amount_refunded) {
    await run.ctx.payment.refund(intentId, intent.amount_received - intent.amount_refunded, reason, callKey(run, 'refund-new'));
  } else if (intent.status === 'requires_capture' || intent.status === 'requires_payment_method') {
    await run.ctx.payment.cancel(intentId, reason, callKey(run, 'void-new'));
  }
}

/** An error that retrying cannot change (a refusal): the saga is undone rather than left for recovery. */
const isRefusal = (err: unknown): boolean => err instanceof AppError && err.status < 500;

/** 1. the new hold — compensation: release it. */
const held: ChangeStepDef = {
  name: 'held',
  applies: (run) => run.data.moves,
  invoke: async (run) => {
    const { current } = request(run);
    const spec = placementSpec(current, run.data.changes);
    const placement = await place(run.ctx, spec, callKey(run, 'hold'), (holdRequest) => run.note({ hold_request: holdRequest }));
    const { end_time, ...row } = placement.row;
    return {
      record: {
        date: spec.date,
        placement: { hold_id: placement.hold.id, row, end_time: end_time instanceof Date ? end_time.toISOString() : end_time },
      },
    };
  },
  inDoubt: (err, run) => holdInDoubt(err, run.data.hold_request),
  probe: async (run) => {
    const found = await probeHold(run.ctx, run.data.hold_request);
    // Only the hold's id is known from a replay; that is all the compensation needs.
    return found.tookEffect
      ? { tookEffect: true, record: { placement: { hold_id: found.record!.hold_id!, row: {}, end_time: null } } }
      : found;
  },
  compensate: (run, reason) => releaseNewHold(run, reason),
};

/** 2. the new price (the promo's discount carries over); more than was paid needs a card. */
const quoted: ChangeStepDef = {
  name: 'quoted',
  applies: (run) => run.data.moves,
  invoke: async (run) => {
    const { current, paymentMethod } = request(run);
    const row = run.data.placement!.row;
    const quote = await priceFor(run.ctx, {
      venueId: current.venue.id,
      venueType: current.venue.type,
      currency: current.price.currency,
      roomTypeId: row.room_type_id,
      checkIn: row.check_in,
      checkOut: row.check_out,
      nightlyPrice: row.room_price,
      nights: row.nights,
      date: run.data.date!,
      time: row.booking_time,
      partySize: run.data.changes.partySize ?? current.partySize,
    });
    // Re-quoted without the promo code (its use is already this booking's); its discount carries over.
    const carried = Math.min(current.price.discount, quote.total ?? 0);
    const price: PriceSnapshot = {
      ...quote,
      discount: quote.discount + carried,
      total: quote.total === null ? null : quote.total - carried,
      promoCode: current.promoCode,
    };
    const paid = current.amountCaptured - current.amountRefunded;
    const paymentRequired = paid > 0 && (price.total ?? 0) > paid;
    if (paymentRequired && paymentMethod === undefined) {
      throw bookingError(
        'PAYMENT_REQUIRED',
        `The changed booking costs ${price.total} ${price.currency}; ${paid} was paid. Send a payment_method to pay the new total.`,
        { new_total: price.total, paid },
      );
    }
    return { record: { price, payment_required: paymentRequired, ...(paymentRequired ? { new_amount: price.total! } : {}) } };
  },
};

const PAYS = (run: ChangeRun): boolean => run.data.payment_required === true;

/** 3. the new payment's intent — compensation: void or refund it. */
const intentCreated: ChangeStepDef = {
  name: 'intent_created',
  applies: PAYS,
  invoke: async (run) => {
    const { current } = request(run);
    const intent = await run.ctx.payment.createIntent(
      {
        amount: run.data.new_amount!,
        currency: current.price.currency,
        booking_id: run.bookingId,
        venue_id: current.venue.id,
        description: `Booking ${current.reference} (changed)`,
      },
      callKey(run, 'intent'),
    );
    return { record: { intent_id: intent.id } };
  },
  compensate: (run, reason) => undoNewPayment(run, reason),
};

/** 4. the authorization — the pivot of a change that pays. */
const authorized: ChangeStepDef = {
  name: 'authorized',
  applies: PAYS,
  invoke: async (run) => {
    await run.ctx.payment.authorize(run.data.intent_id!, request(run).paymentMethod!, callKey(run, 'authorize'));
    return {};
  },
  // A crash while authorizing: the payment service knows whether the authorization happened.
  probe: async (run) => {
    if (run.data.intent_id === undefined) return { tookEffect: false };
    const intent = await run.ctx.payment.getIntent(run.data.intent_id);
    return { tookEffect: intent.status === 'requires_capture' || intent.status === 'succeeded' };
  },
};

/** 5. the capture; past the pivot, a payment service that cannot answer leaves it to recovery. */
const captured: ChangeStepDef = {
  name: 'captured',
  applies: PAYS,
  invoke: async (run) => {
    await run.ctx.payment.capture(run.data.intent_id!, callKey(run, 'capture'));
    return {};
  },
  inDoubt: (err) => !isRefusal(err),
};

/** 6. a CONFIRMED booking's new hold is confirmed before the booking points at it. */
const holdConfirmed: ChangeStepDef = {
  name: 'hold_confirmed',
  applies: (run) => run.data.moves && run.data.booking_status === 'CONFIRMED',
  invoke: async (run) => {
    await run.ctx.inventory.confirmHold(run.data.placement!.hold_id);
    return {};
  },
  // Past the pivot an unanswered confirm is retried by recovery; a lost hold undoes the change.
  inDoubt: (err, run) => PAYS(run) && !isRefusal(err),
  failureReason: (err) =>
    isAppError(err, 'INVENTORY_HOLD_LOST') ? 'the new hold expired before the change was confirmed' : (err as Error).message,
};

/** 7. the commit: the versioned update, its event and its tasks, with the saga's end. */
const committed: ChangeStepDef = {
  name: 'committed',
  invoke: async (run) => ({
    write: async (trx) => {
      const { booking, taskIds } = await commitChange(trx, run.ctx.pii, run.ctx.clock.now(), run.bookingId, run.data, (call) =>
        callKey(run, call),
      );
      return { result: { booking, taskIds } };
    },
  }),
};

/** The booking row's new columns and the tasks the change leaves, from the record alone. */
function changeOf(current: Booking, data: ChangeData, key: (call: string) => string, now: Date): { row: BookingUpdate; tasks: NewTask[] } {
  const c = data.changes;
  const stay = current.stay;
  const row: BookingUpdate = { updated_at: now };
  if (c.guestName !== undefined) row.guest_name = c.guestName;
  if (c.guestEmail !== undefined) row.guest_email = c.guestEmail;
  if (c.guestPhone !== undefined) row.guest_phone = c.guestPhone;
  if (c.specialRequests !== undefined) row.special_requests = c.specialRequests;
  if (c.internalNotes !== undefined) row.internal_notes = c.internalNotes;
  let metadata: Record<string, unknown> = c.metadata !== undefined ? { ...current.metadata, ...c.metadata } : current.metadata;
  if (c.partySize !== undefined) row.party_size = c.partySize;
  if (c.children !== undefined) row.children = c.children;
  if (c.adults !== undefined) row.adults = c.adults;
  if (stay !== null && (c.adults !== undefined || c.children !== undefined) && c.partySize === undefined) {
    row.party_size = (c.adults ?? stay.adults) + (c.children ?? stay.children);
  }
  const tasks: NewTask[] = [];
  const placement = data.placement;
  if (placement !== undefined) {
    Object.assign(row, placement.row, {
      ...(placement.end_time !== undefined ? { end_time: placement.end_time === null ? null : new Date(placement.end_time) } : {}),
      booking_date: data.date,
      inventory_reservation_id: placement.hold_id,
      inventory_status: current.status === 'CONFIRMED' ? 'CONFIRMED' : 'HELD',
    });
    if (current.inventory.holdId !== null) {
      const holdId = current.inventory.holdId;
      tasks.push({ bookingId: current.id, action: 'release_hold', holdId, callKey: `release:${holdId}`, reason: 'booking changed' });
    }
  }
  const price = data.price;
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
    if (data.intent_id !== undefined && intentId !== null) {
      // Paid anew in full: the old payment is refunded in full.
      tasks.push({
        bookingId: current.id,
        action: 'refund_payment',
        intentId,
        amount: paid,
        callKey: key('refund-old'),
        reason: 'replaced by a new payment',
      });
      metadata = {
        ...metadata,
        replaced_payment_intents: [...((metadata.replaced_payment_intents as string[] | undefined) ?? []), intentId],
      };
      Object.assign(row, {
        payment_intent_id: data.intent_id,
        payment_status: 'succeeded',
        amount_captured: data.new_amount!,
        amount_refunded: 0,
      });
    } else if (paid > 0 && intentId !== null && price.total !== null && price.total < paid) {
      const refund = paid - price.total;
      tasks.push({
        bookingId: current.id,
        action: 'refund_payment',
        intentId,
        amount: refund,
        callKey: key('refund'),
        reason: 'booking changed',
      });
      Object.assign(row, { amount_refunded: current.amountRefunded + refund, payment_status: 'partially_refunded' });
    }
  }
  if (c.metadata !== undefined || price !== undefined) row.metadata = JSON.stringify(metadata);
  return { row, tasks };
}

/** One transaction: the versioned update (409 when the booking moved on), its event and its tasks. */
async function commitChange(
  trx: BookingTrx,
  pii: PiiVault,
  now: Date,
  id: string,
  data: ChangeData,
  key: (call: string) => string,
): Promise<{ booking: Booking; taskIds: number[] }> {
  const current = await findBooking(trx, pii, id, true);
  if (current === undefined || current.version !== data.expected_version || !MODIFIABLE.includes(current.status)) {
    throw versionConflict(current, data.expected_version);
  }
  const { row, tasks } = changeOf(current, data, key, now);
  const updated = await updateBooking(trx, pii, id, { version: data.expected_version, statuses: MODIFIABLE }, row);
  if (updated === undefined) throw versionConflict(await findBooking(trx, pii, id), data.expected_version);
  await writeEvents(trx, id, [
    event('booking.updated', { ...bookingPayload(updated), changed: data.changed, changed_by: data.actor }, now),
  ]);
  return { booking: updated, taskIds: await insertTasks(trx, tasks, now) };
}

export const changeBookingSaga = defineSaga<ChangeRequest, ChangeData, ChangeState>({
  kind: 'change',
  initial: CHANGE_STEPS[0],
  steps: [held, quoted, intentCreated, authorized, captured, holdConfirmed, committed],
  pivot: (data) => (data.payment_required === true ? 'authorized' : 'committed'),
  reasonOf: (err) => `booking change failed: ${(err as Error).message}`,
  stoppedReason: (step) => `the booking change could not be completed (stopped after step ${step})`,
});

export interface ChangeOptions {
  /** The change's id; a retry of a change whose first run died passes the same id (the idempotency key's resource). */
  readonly changeId?: string;
}

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
  options: ChangeOptions = {},
): Promise<Booking> {
  let changeId = options.changeId ?? randomUUID();
  const prior = options.changeId === undefined ? undefined : await findSagaById(ctx.db, ctx.pii, options.changeId);
  if (prior !== undefined) {
    // A retry of a change whose first run died: finish or undo that run, then answer as it ended.
    if (prior.booking_id !== id || prior.kind !== 'change') throw bookingError('BOOKING_INVALID', 'This change id names another request.');
    if (prior.status === 'running') await changeBookingSaga.settle(ctx, prior);
    // How it ended is what the record says (another settlement may have ended it first).
    const settled = (await findSagaById(ctx.db, ctx.pii, prior.id))?.status;
    if (settled === 'running') throw platformError('IDEMPOTENCY_IN_PROGRESS');
    if (settled === 'completed') {
      await runTasks(ctx, await openTaskIds(ctx.db, id)); // what the commit left, if the first run died before it ran them
      return getBooking(ctx.db, ctx.pii, id);
    }
    changeId = randomUUID(); // undone: the change runs again, as a new saga
  }

  const current = await getBooking(ctx.db, ctx.pii, id);
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
  const { paymentMethod, ...recorded } = changes;
  const date = changes.date ?? current.date;
  if (date !== current.date && date < ctx.clock.now().toISOString().slice(0, 10)) {
    throw bookingError('BOOKING_IN_PAST', 'Cannot book for a past date.');
  }
  const data: ChangeData = {
    expected_version: expectedVersion,
    booking_status: current.status,
    changes: recorded,
    changed: Object.entries(changes)
      .filter(([k, v]) => k !== 'paymentMethod' && v !== undefined)
      .map(([k]) => k),
    moves: movesInventory(current, recorded),
    actor: actor.id,
  };

  let result: { booking: Booking; taskIds: readonly number[] };
  if (!data.moves) {
    // Nothing moves: no other service is called, so the commit alone is the change.
    result = await ctx.db
      .transaction()
      .execute((trx) => commitChange(trx, ctx.pii, ctx.clock.now(), id, data, (call) => `booking:${id}:change:${changeId}:${call}`));
  } else {
    const state = await changeBookingSaga.start(ctx, id, { current, paymentMethod }, data, changeId);
    result = { booking: state.booking!, taskIds: state.taskIds ?? [] };
  }
  await runTasks(ctx, result.taskIds);
  return result.booking;
}

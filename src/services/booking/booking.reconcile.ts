/**
 * Read-only facts of the booking schema for the operator's reconciliation (`src/ops/reconcile.ts`):
 * what each booking says it holds, pays with and uses, and the work still open (tasks not done, sagas
 * still running). The ids are references into other services, read here as the booking stores them;
 * nothing here reads another schema or writes anything.
 */
import { sql } from 'kysely';
import type { BookingStatus } from './booking.states.js';
import type { BookingExecutor, TaskAction } from './booking.tables.js';

export interface BookingFact {
  readonly id: string;
  readonly status: BookingStatus;
  /** The inventory hold (`inventory_reservation_id`). */
  readonly holdId: string | null;
  /** The payment intent paying for it now (`payment_intent_id`). */
  readonly intentId: string | null;
  /** Intents a change replaced (`metadata.replaced_payment_intents`); each was (or is to be) refunded. */
  readonly replacedIntentIds: readonly string[];
  readonly promoCode: string | null;
  /** What the booking says its current intent captured and what it decided to refund of it. */
  readonly amountCaptured: number;
  readonly amountRefunded: number;
}

export interface OpenTask {
  readonly id: number;
  readonly bookingId: string;
  readonly action: TaskAction;
  readonly holdId: string | null;
  readonly intentId: string | null;
  readonly amount: number | null;
  readonly promoCode: string | null;
  readonly createdAt: Date;
  readonly attempts: number;
  readonly lastError: string | null;
}

export interface RunningSaga {
  readonly id: string;
  readonly bookingId: string;
  readonly kind: string;
  readonly step: string;
  /** The holds the saga took that its booking may not name yet (a change's new hold). */
  readonly holdIds: readonly string[];
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

export async function bookingFacts(db: BookingExecutor): Promise<BookingFact[]> {
  const { rows } = await sql<{
    id: string;
    status: BookingStatus;
    hold_id: string | null;
    intent_id: string | null;
    replaced: unknown;
    promo_code: string | null;
    amount_captured: number;
    amount_refunded: number;
  }>`
    select id, status, inventory_reservation_id as hold_id, payment_intent_id as intent_id,
           metadata -> 'replaced_payment_intents' as replaced, promo_code, amount_captured, amount_refunded
    from booking.booking order by created_at, id`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    holdId: r.hold_id,
    intentId: r.intent_id,
    replacedIntentIds: Array.isArray(r.replaced) ? r.replaced.filter((x): x is string => typeof x === 'string') : [],
    promoCode: r.promo_code,
    amountCaptured: Number(r.amount_captured),
    amountRefunded: Number(r.amount_refunded),
  }));
}

/** Tasks not done yet (a task refused by the callee is closed: `done_at` set, with `last_error`). */
export async function openTasks(db: BookingExecutor): Promise<OpenTask[]> {
  const rows = await db
    .selectFrom('booking.task')
    .select(['id', 'booking_id', 'action', 'hold_id', 'intent_id', 'amount', 'promo_code', 'created_at', 'attempts', 'last_error'])
    .where('done_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    bookingId: r.booking_id,
    action: r.action,
    holdId: r.hold_id,
    intentId: r.intent_id,
    amount: r.amount === null ? null : Number(r.amount),
    promoCode: r.promo_code,
    createdAt: r.created_at,
    attempts: r.attempts,
    lastError: r.last_error,
  }));
}

/** The hold ids a saga's record names: the create saga's `hold_id`, a change's `placement.hold_id`. */
function sagaHolds(data: Record<string, unknown>): string[] {
  const placement = data.placement as { hold_id?: unknown } | undefined;
  return [data.hold_id, placement?.hold_id].filter((x): x is string => typeof x === 'string');
}

export async function runningSagas(db: BookingExecutor): Promise<RunningSaga[]> {
  const rows = await db
    .selectFrom('booking.saga')
    .select(['id', 'booking_id', 'kind', 'step', 'data', 'started_at', 'updated_at'])
    .where('status', '=', 'running')
    .orderBy('started_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    bookingId: r.booking_id,
    kind: r.kind,
    step: r.step,
    holdIds: sagaHolds(r.data),
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  }));
}

/**
 * SQL of payment intents and refunds. Every change of an intent is one conditional UPDATE whose WHERE
 * carries the guard (status and version, or the amount still available), so a concurrent duplicate
 * finds zero rows instead of over-capturing or over-refunding; the CHECKs of the table back it.
 */
import type { Insertable } from 'kysely';
import type { CardSummary } from './payment.card.js';
import { ALL_INTENTS, venueIn, type IntentScope } from './payment.access.js';
import { rowToIntent, rowToRefund, type PaymentIntent, type Refund } from './payment.model.js';
import type { IntentStatus } from './payment.states.js';
import type { PaymentExecutor, PaymentIntentTable, PaymentTrx, RefundTable } from './payment.tables.js';
import { randomId } from '../../platform/random-id.js';

export const newIntentId = (): string => `pi_${randomId()}`;
export const newRefundId = (): string => `re_${randomId()}`;
/** Names one effect (an authorization, a capture…) in the ledger and at the provider. */
export const newOperationId = (): string => `op_${randomId()}`;

export async function insertIntent(trx: PaymentTrx, row: Insertable<PaymentIntentTable>): Promise<PaymentIntent> {
  return rowToIntent(await trx.insertInto('payment.payment_intent').values(row).returningAll().executeTakeFirstOrThrow());
}

/** The intent, if it is within `scope` (the reads; what moves money is for admin and service, who see all). */
export async function findIntent(db: PaymentExecutor, id: string, scope: IntentScope = ALL_INTENTS): Promise<PaymentIntent | undefined> {
  const row = await db.selectFrom('payment.payment_intent').selectAll().where('id', '=', id).where(venueIn(scope)).executeTakeFirst();
  return row && rowToIntent(row);
}

export async function listIntents(
  db: PaymentExecutor,
  filter: { bookingId?: string; limit: number },
  scope: IntentScope = ALL_INTENTS,
): Promise<PaymentIntent[]> {
  let q = db.selectFrom('payment.payment_intent').selectAll().where(venueIn(scope));
  if (filter.bookingId !== undefined) q = q.where('booking_id', '=', filter.bookingId);
  const rows = await q.orderBy('seq').limit(filter.limit).execute();
  return rows.map(rowToIntent);
}

/** The intent, locked until the transaction ends: what is decided on it stays true until the decision commits. */
export async function lockIntent(trx: PaymentTrx, id: string): Promise<PaymentIntent | undefined> {
  const row = await trx.selectFrom('payment.payment_intent').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row && rowToIntent(row);
}

/**
 * An authorization the provider answered: approved → `requires_capture` with the whole amount
 * capturable; declined → the decline recorded, still `requires_payment_method`. Either way the card
 * tried is recorded. Undefined if the intent is no longer awaiting a payment method.
 */
export async function settleAuthorization(
  trx: PaymentTrx,
  intentId: string,
  card: CardSummary,
  outcome: { approved: true; reference: string } | { approved: false; declineCode: string; message: string },
  now: Date,
): Promise<PaymentIntent | undefined> {
  const row = await trx
    .updateTable('payment.payment_intent')
    .set((eb) => ({
      card_brand: card.brand,
      card_last4: card.last4,
      card_exp_month: card.expMonth,
      card_exp_year: card.expYear,
      ...(outcome.approved
        ? {
            status: 'requires_capture' as const,
            amount_capturable: eb.ref('amount'),
            provider_reference: outcome.reference,
            authorized_at: now,
            decline_code: null,
            decline_message: null,
          }
        : { decline_code: outcome.declineCode, decline_message: outcome.message }),
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', intentId)
    .where('status', '=', 'requires_payment_method')
    .returningAll()
    .executeTakeFirst();
  return row && rowToIntent(row);
}

/** Captures `amount` of an authorization of `amount + released`; the rest is released. */
export async function markCaptured(
  trx: PaymentTrx,
  intentId: string,
  amount: number,
  released: number,
  now: Date,
): Promise<PaymentIntent | undefined> {
  const row = await trx
    .updateTable('payment.payment_intent')
    .set((eb) => ({
      status: 'succeeded',
      amount_received: amount,
      amount_capturable: 0,
      captured_at: now,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', intentId)
    .where('status', '=', 'requires_capture')
    .where('amount_capturable', '=', amount + released)
    .returningAll()
    .executeTakeFirst();
  return row && rowToIntent(row);
}

/** Cancels an authorized intent whose authorization was voided. */
export async function markVoided(trx: PaymentTrx, intentId: string, reason: string | null, now: Date): Promise<PaymentIntent | undefined> {
  const row = await trx
    .updateTable('payment.payment_intent')
    .set((eb) => ({
      status: 'canceled',
      amount_capturable: 0,
      canceled_at: now,
      cancellation_reason: reason,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', intentId)
    .where('status', '=', 'requires_capture')
    .returningAll()
    .executeTakeFirst();
  return row && rowToIntent(row);
}

export async function markCanceled(
  trx: PaymentTrx,
  intent: PaymentIntent,
  reason: string | null,
  now: Date,
): Promise<PaymentIntent | undefined> {
  const row = await trx
    .updateTable('payment.payment_intent')
    .set((eb) => ({
      status: 'canceled',
      amount_capturable: 0,
      canceled_at: now,
      cancellation_reason: reason,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', intent.id)
    .where('status', '=', intent.status satisfies IntentStatus)
    .where('version', '=', intent.version)
    .returningAll()
    .executeTakeFirst();
  return row && rowToIntent(row);
}

/** Adds `amount` to what was refunded, only while it stays within what was captured. */
export async function addRefunded(trx: PaymentTrx, intentId: string, amount: number, now: Date): Promise<PaymentIntent | undefined> {
  const row = await trx
    .updateTable('payment.payment_intent')
    .set((eb) => ({ amount_refunded: eb('amount_refunded', '+', amount), updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', intentId)
    .where('status', '=', 'succeeded')
    .where((eb) => eb(eb('amount_refunded', '+', amount), '<=', eb.ref('amount_received')))
    .returningAll()
    .executeTakeFirst();
  return row && rowToIntent(row);
}

export async function findRefundByOperation(db: PaymentExecutor, operationId: string): Promise<Refund | undefined> {
  const row = await db.selectFrom('payment.refund').selectAll().where('operation_id', '=', operationId).executeTakeFirst();
  return row && rowToRefund(row);
}

export async function insertRefund(trx: PaymentTrx, row: Insertable<RefundTable>): Promise<Refund> {
  return rowToRefund(await trx.insertInto('payment.refund').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function listRefunds(db: PaymentExecutor, intentId: string): Promise<Refund[]> {
  const rows = await db.selectFrom('payment.refund').selectAll().where('intent_id', '=', intentId).orderBy('seq').execute();
  return rows.map(rowToRefund);
}

/**
 * Payment use-cases. Each mutation is one local transaction, run once per idempotency key
 * (platform `runOnce`; the routes scope keys as `anonymous:payment.<op>:<intent id>`), in this order:
 *
 *   read the intent → decide (state table, amounts; refusals say why)
 *   → conditional UPDATE guarded by status and version, or by the amount still available
 *     (zero rows: someone else changed it first → read again and decide again)
 *   → the provider call (only the winner of the UPDATE gets here; the row stays locked until commit)
 *   → the ledger rows (and the refund) in the same transaction; the database checks at commit that the
 *     ledger balances.
 *
 * A refusal (4xx) rolls everything back and is stored as the key's answer; a decline is not a
 * refusal of the request: the intent records it (it stays `requires_payment_method`), the transaction
 * commits (a `CommittedRefusal`), and the 402 is the stored answer.
 *
 * Use-cases return domain values (intents, refunds, a ledger); the routes render them.
 */
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { CommittedRefusal, onceKey, runOnce, type Answer, type OnceStore, type Output } from '../../platform/idempotency/once.js';
import { insertLedgerEntries, listLedger, totalsOf } from './ledger.repository.js';
import { cardFingerprintPart, summarizeCard, type CardDetails } from './payment.card.js';
import { paymentError } from './payment.errors.js';
import { formatMoney, ledgerBalances, type LedgerEntry, type LedgerTotals, type PaymentIntent, type Refund } from './payment.model.js';
import {
  addRefunded,
  claimForAuthorization,
  findIntent,
  insertIntent,
  insertRefund,
  listIntents,
  listRefunds,
  markCanceled,
  markCaptured,
  newIntentId,
  newOperationId,
  newRefundId,
  settleAuthorization,
} from './payment.repository.js';
import { canTransition, statusesLeadingTo, type IntentStatus } from './payment.states.js';
import type { PaymentDB, PaymentDb, PaymentTrx } from './payment.tables.js';
import type { PaymentProvider } from './providers/payment.provider.js';

export interface PaymentContext {
  readonly db: PaymentDb;
  readonly clock: Clock;
  readonly provider: PaymentProvider;
  readonly idempotencyTtlMs: number;
  readonly log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** Where payment keeps its idempotency keys (`payment.idempotency_key`). */
function paymentKeys(ctx: PaymentContext): OnceStore<PaymentDB> {
  return { db: ctx.db, schema: 'payment', clock: ctx.clock, ttlMs: ctx.idempotencyTtlMs };
}

/** How many times an operation re-reads an intent that a concurrent operation changed under it. */
const MAX_ATTEMPTS = 5;

function notFound(id: string): AppError {
  return paymentError('PAYMENT_INTENT_NOT_FOUND', `No payment intent has id ${id}.`, { intent_id: id });
}

function invalidState(intent: PaymentIntent, operation: string, message: string): AppError {
  return paymentError('PAYMENT_INTENT_INVALID_STATE', message, { intent_id: intent.id, status: intent.status, operation });
}

/**
 * Reads the intent and runs `attempt` on it; `attempt` answers undefined when its conditional UPDATE
 * found the intent changed, and runs again on a fresh read (each statement sees the latest commit).
 */
async function onFreshIntent<T>(trx: PaymentTrx, id: string, attempt: (intent: PaymentIntent) => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const intent = await findIntent(trx, id);
    if (intent === undefined) throw notFound(id);
    const done = await attempt(intent);
    if (done !== undefined) return done;
  }
  throw paymentError('PAYMENT_INTENT_CONFLICT', undefined, { intent_id: id });
}

/** A provider that fails (network, outage) fails the operation as a 503; nothing is stored or kept. */
async function atProvider<T>(ctx: PaymentContext, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AppError) throw err;
    ctx.log?.warn({ provider: ctx.provider.name, operation: what, err: (err as Error).message }, 'payment provider call failed');
    throw paymentError('PAYMENT_PROVIDER_UNAVAILABLE', `The payment provider did not complete the ${what}; nothing was changed.`);
  }
}

const SUPPORTED_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export interface CreateIntentInput {
  readonly amount: number;
  readonly currency: string;
  readonly bookingId?: string;
  readonly description?: string;
  readonly metadata?: Record<string, unknown>;
}

export async function createIntent<R>(ctx: PaymentContext, input: CreateIntentInput, out: Output<PaymentIntent, R>): Promise<Answer<R>> {
  return runOnce(paymentKeys(ctx), onceKey(out.key, input), out.render, async (trx, now) => {
    if (!SUPPORTED_CURRENCIES.has(input.currency)) {
      throw paymentError('CURRENCY_NOT_SUPPORTED', `${input.currency} is not an ISO 4217 currency code.`, { currency: input.currency });
    }
    return insertIntent(trx, {
      id: newIntentId(),
      status: 'requires_payment_method',
      amount: input.amount,
      currency: input.currency,
      booking_id: input.bookingId ?? null,
      description: input.description ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
      provider: ctx.provider.name,
      created_at: now,
      updated_at: now,
    });
  });
}

export async function getIntent(ctx: PaymentContext, id: string): Promise<PaymentIntent> {
  const intent = await findIntent(ctx.db, id);
  if (intent === undefined) throw notFound(id);
  return intent;
}

export async function findIntents(ctx: PaymentContext, filter: { bookingId?: string; limit: number }): Promise<PaymentIntent[]> {
  return listIntents(ctx.db, filter);
}

/**
 * Authorizes the intent's full amount on a card. Approved → `requires_capture`, amount_capturable =
 * amount, ledger `authorization`. Declined → 402 PAYMENT_DECLINED; the intent keeps the decline and
 * stays `requires_payment_method`.
 */
export async function authorizeIntent<R>(
  ctx: PaymentContext,
  id: string,
  card: CardDetails,
  out: Output<PaymentIntent, R>,
): Promise<Answer<R>> {
  // The fingerprint of the request knows the card only by its truncation (first six, last four).
  const request = { card: cardFingerprintPart(card) };
  return runOnce(paymentKeys(ctx), onceKey(out.key, request), out.render, async (trx, now) => {
    const operationId = newOperationId();
    return onFreshIntent(trx, id, async (intent) => {
      if (!canTransition(intent.status, 'requires_capture')) {
        throw invalidState(
          intent,
          'authorize',
          intent.status === 'canceled'
            ? `Payment intent ${id} was canceled; create a new one.`
            : `Payment intent ${id} is already authorized (${intent.status}).`,
        );
      }
      const claimed = await claimForAuthorization(trx, intent, summarizeCard(card), now);
      if (claimed === undefined) return undefined;
      const result = await atProvider(ctx, 'authorization', () =>
        ctx.provider.authorize({ operationId, intentId: id, amount: intent.amount, currency: intent.currency, card }),
      );
      if (result.outcome === 'declined') {
        await settleAuthorization(trx, claimed, { approved: false, declineCode: result.declineCode, message: result.message });
        ctx.log?.info({ intent_id: id, decline_code: result.declineCode }, 'card declined');
        // The decline stays recorded on the intent: the refusal commits with it.
        return new CommittedRefusal(
          paymentError('PAYMENT_DECLINED', result.message, { decline_code: result.declineCode, message: result.message }),
        );
      }
      const authorized = await settleAuthorization(trx, claimed, { approved: true, reference: result.reference, at: now });
      await insertLedgerEntries(trx, [
        {
          intentId: id,
          kind: 'authorization',
          amount: intent.amount,
          currency: intent.currency,
          operationId,
          idempotencyKey: out.key?.key ?? null,
          providerReference: result.reference,
          at: now,
        },
      ]);
      return authorized;
    });
  });
}

/**
 * Captures `amount` (default: everything capturable) → `succeeded`; a smaller amount releases the rest
 * of the authorization, as card processors do (ledger `capture` + `authorization_release`).
 */
export async function captureIntent<R>(
  ctx: PaymentContext,
  id: string,
  amount: number | undefined,
  out: Output<PaymentIntent, R>,
): Promise<Answer<R>> {
  return runOnce(paymentKeys(ctx), onceKey(out.key, { amount: amount ?? null }), out.render, async (trx, now) => {
    const operationId = newOperationId();
    return onFreshIntent(trx, id, async (intent) => {
      if (!canTransition(intent.status, 'succeeded')) {
        throw invalidState(intent, 'capture', stateMessage(intent, 'capture'));
      }
      const toCapture = amount ?? intent.amountCapturable;
      if (toCapture > intent.amountCapturable) {
        throw paymentError(
          'CAPTURE_EXCEEDS_AUTHORIZED',
          `Cannot capture ${formatMoney(toCapture, intent.currency)}: only ${formatMoney(intent.amountCapturable, intent.currency)} is authorized.`,
          { intent_id: id, requested: toCapture, capturable: intent.amountCapturable },
        );
      }
      const captured = await markCaptured(trx, intent, toCapture, now);
      if (captured === undefined) return undefined;
      const reference = intent.providerReference!;
      const { reference: captureRef } = await atProvider(ctx, 'capture', () =>
        ctx.provider.capture({ operationId, reference, amount: toCapture, currency: intent.currency }),
      );
      const base = { intentId: id, currency: intent.currency, operationId, idempotencyKey: out.key?.key ?? null, at: now };
      await insertLedgerEntries(trx, [
        { ...base, kind: 'capture', amount: toCapture, providerReference: captureRef },
        { ...base, kind: 'authorization_release', amount: intent.amountCapturable - toCapture, providerReference: reference },
      ]);
      return captured;
    });
  });
}

/**
 * Cancels an intent that was not captured; an authorization is voided at the provider and released in
 * the ledger. Canceling a canceled intent answers it as it is (a retried compensation succeeds).
 */
export async function cancelIntent<R>(
  ctx: PaymentContext,
  id: string,
  reason: string | undefined,
  out: Output<PaymentIntent, R>,
): Promise<Answer<R>> {
  return runOnce(paymentKeys(ctx), onceKey(out.key, { reason: reason ?? null }), out.render, async (trx, now) => {
    const operationId = newOperationId();
    return onFreshIntent(trx, id, async (intent) => {
      if (intent.status === 'canceled') return intent;
      if (!canTransition(intent.status, 'canceled')) throw invalidState(intent, 'cancel', stateMessage(intent, 'cancel'));
      const canceled = await markCanceled(trx, intent, reason ?? null, now);
      if (canceled === undefined) return undefined;
      if (intent.amountCapturable > 0) {
        const reference = intent.providerReference!;
        await atProvider(ctx, 'void', () => ctx.provider.cancel({ operationId, reference }));
        await insertLedgerEntries(trx, [
          {
            intentId: id,
            kind: 'authorization_release',
            amount: intent.amountCapturable,
            currency: intent.currency,
            operationId,
            idempotencyKey: out.key?.key ?? null,
            providerReference: reference,
            at: now,
          },
        ]);
      }
      return canceled;
    });
  });
}

/**
 * Refunds `amount` (default: everything captured and not yet refunded) of a succeeded intent. Several
 * partial refunds are allowed; one that would take the total past what was captured is refused (400)
 * and changes nothing.
 */
export async function refundIntent<R>(
  ctx: PaymentContext,
  id: string,
  input: { amount?: number; reason?: string },
  out: Output<Refund, R>,
): Promise<Answer<R>> {
  const request = { amount: input.amount ?? null, reason: input.reason ?? null };
  return runOnce(paymentKeys(ctx), onceKey(out.key, request), out.render, async (trx, now) => {
    const operationId = newOperationId();
    return onFreshIntent(trx, id, async (intent) => {
      if (intent.status !== 'succeeded') {
        throw invalidState(
          intent,
          'refund',
          `Nothing was captured on payment intent ${id} (${intent.status}); there is nothing to refund.`,
        );
      }
      const refundable = intent.amountReceived - intent.amountRefunded;
      const toRefund = input.amount ?? refundable;
      if (toRefund <= 0 || toRefund > refundable) {
        const money = (n: number) => formatMoney(n, intent.currency);
        throw paymentError(
          'REFUND_EXCEEDS_CAPTURED',
          refundable === 0
            ? `Everything captured on payment intent ${id} (${money(intent.amountReceived)}) has already been refunded.`
            : `Cannot refund ${money(toRefund)}: ${money(intent.amountReceived)} was captured and ${money(intent.amountRefunded)} already refunded, so at most ${money(refundable)} can be.`,
          { intent_id: id, requested: toRefund, captured: intent.amountReceived, refunded: intent.amountRefunded, refundable },
        );
      }
      const updated = await addRefunded(trx, id, toRefund, now);
      if (updated === undefined) return undefined;
      const { reference } = await atProvider(ctx, 'refund', () =>
        ctx.provider.refund({ operationId, reference: intent.providerReference!, amount: toRefund, currency: intent.currency }),
      );
      const refund = await insertRefund(trx, {
        id: newRefundId(),
        intent_id: id,
        amount: toRefund,
        currency: intent.currency,
        reason: input.reason ?? null,
        provider_reference: reference,
        operation_id: operationId,
        idempotency_key: out.key?.key ?? null,
        created_at: now,
      });
      await insertLedgerEntries(trx, [
        {
          intentId: id,
          kind: 'refund',
          amount: toRefund,
          currency: intent.currency,
          operationId,
          idempotencyKey: out.key?.key ?? null,
          refundId: refund.id,
          providerReference: reference,
          at: now,
        },
      ]);
      return refund;
    });
  });
}

export async function getRefunds(ctx: PaymentContext, id: string): Promise<Refund[]> {
  if ((await findIntent(ctx.db, id)) === undefined) throw notFound(id);
  return listRefunds(ctx.db, id);
}

/** An intent's ledger as of one snapshot: its entries, their totals and whether they agree with the intent. */
export interface Ledger {
  readonly intent: PaymentIntent;
  readonly entries: readonly LedgerEntry[];
  readonly totals: LedgerTotals;
  readonly balanced: boolean;
}

export async function getLedger(ctx: PaymentContext, id: string): Promise<Ledger> {
  return ctx.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const intent = await findIntent(trx, id);
      if (intent === undefined) throw notFound(id);
      const entries = await listLedger(trx, id);
      const refunds = await listRefunds(trx, id);
      const totals = totalsOf(entries);
      const refundsTotal = refunds.reduce((s, r) => s + r.amount, 0);
      return { intent, entries, totals, balanced: ledgerBalances(intent, totals, refundsTotal) };
    });
}

function stateMessage(intent: PaymentIntent, operation: 'capture' | 'cancel'): string {
  const from = statusesLeadingTo(operation === 'capture' ? 'succeeded' : 'canceled');
  const why: Record<IntentStatus, string> = {
    requires_payment_method: 'it has not been authorized yet',
    requires_capture: 'it is authorized and not captured',
    succeeded: operation === 'cancel' ? 'it was already captured (refund it instead)' : 'it was already captured',
    canceled: 'it was canceled',
  };
  return `Cannot ${operation} payment intent ${intent.id}: ${why[intent.status]}; ${operation} needs ${from.join(' or ')}.`;
}

/**
 * Payment use-cases. Each mutation is one local transaction, run once per idempotency key
 * (`runLocal`, scope `anonymous:payment.<op>:<intent id>`), in this order:
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
 * commits, and the 402 is the stored answer.
 */
import type { Clock } from '../../platform/clock.js';
import { isStoredError, runLocal } from '../../platform/db/idempotency.js';
import { AppError } from '../../platform/errors.js';
import { errorBody } from '../../platform/http/error-handler.js';
import { insertLedgerEntries, listLedger, totalsOf } from './ledger.repository.js';
import { cardFingerprintPart, summarizeCard, type CardDetails } from './payment.card.js';
import { paymentError } from './payment.errors.js';
import { formatMoney, ledgerBalances, type PaymentIntent } from './payment.model.js';
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
import { intentToReply, ledgerToReply, refundToReply, type IntentReply, type LedgerReply, type RefundReply } from './payment.schemas.js';
import { canTransition, statusesLeadingTo, type IntentStatus } from './payment.states.js';
import type { PaymentDb, PaymentTrx } from './payment.tables.js';
import type { PaymentProvider } from './providers/payment.provider.js';

export interface PaymentContext {
  readonly db: PaymentDb;
  readonly clock: Clock;
  readonly provider: PaymentProvider;
  readonly idempotencyTtlMs: number;
  readonly log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** The caller's idempotency key, if any (without one, a retry acts again). */
export interface Idempotency {
  readonly key?: string;
}

export interface Outcome<B> {
  readonly status: number;
  readonly body: B;
  /** This answer was stored by an earlier request with the same key. */
  readonly replayed: boolean;
}

type Effect<B> = (trx: PaymentTrx, now: Date) => Promise<{ status: number; body: B | ErrorBody }>;
type ErrorBody = ReturnType<typeof errorBody>;

/** How many times an operation re-reads an intent that a concurrent operation changed under it. */
const MAX_ATTEMPTS = 5;

async function once<B>(ctx: PaymentContext, scope: string, idem: Idempotency, request: unknown, effect: Effect<B>): Promise<Outcome<B>> {
  const now = ctx.clock.now();
  const outcome =
    idem.key === undefined
      ? { ...(await ctx.db.transaction().execute((trx) => effect(trx, now))), replayed: false }
      : await runLocal<B | ErrorBody>(
          ctx.db,
          'payment',
          { scope: `anonymous:${scope}`, key: idem.key, request, now, ttlMs: ctx.idempotencyTtlMs },
          (trx) => effect(trx as unknown as PaymentTrx, now),
        );
  // A refusal committed as an answer (a decline), or replayed from the key: raise it as it was first raised.
  if (isStoredError(outcome.body)) {
    const err = new AppError(outcome.body.error.code, outcome.body.error.message, outcome.body.error.details);
    if (outcome.replayed) replayedErrors.add(err);
    throw err;
  }
  return outcome as Outcome<B>;
}

const replayedErrors = new WeakSet<Error>();

/** Whether a refusal was replayed from an earlier request with the same idempotency key. */
export function wasReplayed(err: unknown): boolean {
  return err instanceof Error && replayedErrors.has(err);
}

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

export async function createIntent(ctx: PaymentContext, input: CreateIntentInput, idem: Idempotency): Promise<Outcome<IntentReply>> {
  return once<IntentReply>(ctx, 'payment.create', idem, input, async (trx, now) => {
    if (!SUPPORTED_CURRENCIES.has(input.currency)) {
      throw paymentError('CURRENCY_NOT_SUPPORTED', `${input.currency} is not an ISO 4217 currency code.`, { currency: input.currency });
    }
    const intent = await insertIntent(trx, {
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
    return { status: 201, body: intentToReply(intent) };
  });
}

export async function getIntent(ctx: PaymentContext, id: string): Promise<IntentReply> {
  const intent = await findIntent(ctx.db, id);
  if (intent === undefined) throw notFound(id);
  return intentToReply(intent);
}

export async function findIntents(ctx: PaymentContext, filter: { bookingId?: string; limit: number }): Promise<IntentReply[]> {
  return (await listIntents(ctx.db, filter)).map(intentToReply);
}

/**
 * Authorizes the intent's full amount on a card. Approved → `requires_capture`, amount_capturable =
 * amount, ledger `authorization`. Declined → 402 PAYMENT_DECLINED; the intent keeps the decline and
 * stays `requires_payment_method`.
 */
export async function authorizeIntent(
  ctx: PaymentContext,
  id: string,
  card: CardDetails,
  idem: Idempotency,
): Promise<Outcome<IntentReply>> {
  // The fingerprint of the request knows the card only by its truncation (first six, last four).
  const request = { card: cardFingerprintPart(card) };
  return once<IntentReply>(ctx, `payment.authorize:${id}`, idem, request, async (trx, now) => {
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
        const declined = paymentError('PAYMENT_DECLINED', result.message, { decline_code: result.declineCode, message: result.message });
        return { status: declined.status, body: errorBody(declined) };
      }
      const authorized = await settleAuthorization(trx, claimed, { approved: true, reference: result.reference, at: now });
      await insertLedgerEntries(trx, [
        {
          intentId: id,
          kind: 'authorization',
          amount: intent.amount,
          currency: intent.currency,
          operationId,
          idempotencyKey: idem.key ?? null,
          providerReference: result.reference,
          at: now,
        },
      ]);
      return { status: 200, body: intentToReply(authorized) };
    });
  });
}

/**
 * Captures `amount` (default: everything capturable) → `succeeded`; a smaller amount releases the rest
 * of the authorization, as card processors do (ledger `capture` + `authorization_release`).
 */
export async function captureIntent(
  ctx: PaymentContext,
  id: string,
  amount: number | undefined,
  idem: Idempotency,
): Promise<Outcome<IntentReply>> {
  return once<IntentReply>(ctx, `payment.capture:${id}`, idem, { amount: amount ?? null }, async (trx, now) => {
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
      const base = { intentId: id, currency: intent.currency, operationId, idempotencyKey: idem.key ?? null, at: now };
      await insertLedgerEntries(trx, [
        { ...base, kind: 'capture', amount: toCapture, providerReference: captureRef },
        { ...base, kind: 'authorization_release', amount: intent.amountCapturable - toCapture, providerReference: reference },
      ]);
      return { status: 200, body: intentToReply(captured) };
    });
  });
}

/**
 * Cancels an intent that was not captured; an authorization is voided at the provider and released in
 * the ledger. Canceling a canceled intent answers it as it is (a retried compensation succeeds).
 */
export async function cancelIntent(
  ctx: PaymentContext,
  id: string,
  reason: string | undefined,
  idem: Idempotency,
): Promise<Outcome<IntentReply>> {
  return once<IntentReply>(ctx, `payment.cancel:${id}`, idem, { reason: reason ?? null }, async (trx, now) => {
    const operationId = newOperationId();
    return onFreshIntent(trx, id, async (intent) => {
      if (intent.status === 'canceled') return { status: 200, body: intentToReply(intent) };
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
            idempotencyKey: idem.key ?? null,
            providerReference: reference,
            at: now,
          },
        ]);
      }
      return { status: 200, body: intentToReply(canceled) };
    });
  });
}

/**
 * Refunds `amount` (default: everything captured and not yet refunded) of a succeeded intent. Several
 * partial refunds are allowed; one that would take the total past what was captured is refused (400)
 * and changes nothing.
 */
export async function refundIntent(
  ctx: PaymentContext,
  id: string,
  input: { amount?: number; reason?: string },
  idem: Idempotency,
): Promise<Outcome<RefundReply>> {
  const request = { amount: input.amount ?? null, reason: input.reason ?? null };
  return once<RefundReply>(ctx, `payment.refund:${id}`, idem, request, async (trx, now) => {
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
        idempotency_key: idem.key ?? null,
        created_at: now,
      });
      await insertLedgerEntries(trx, [
        {
          intentId: id,
          kind: 'refund',
          amount: toRefund,
          currency: intent.currency,
          operationId,
          idempotencyKey: idem.key ?? null,
          refundId: refund.id,
          providerReference: reference,
          at: now,
        },
      ]);
      return { status: 201, body: refundToReply(refund) };
    });
  });
}

export async function getRefunds(ctx: PaymentContext, id: string): Promise<RefundReply[]> {
  if ((await findIntent(ctx.db, id)) === undefined) throw notFound(id);
  return (await listRefunds(ctx.db, id)).map(refundToReply);
}

/** The intent's ledger, its totals and whether they agree with the intent (one snapshot). */
export async function getLedger(ctx: PaymentContext, id: string): Promise<LedgerReply> {
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
      return ledgerToReply(intent, entries, totals, ledgerBalances(intent, totals, refundsTotal));
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

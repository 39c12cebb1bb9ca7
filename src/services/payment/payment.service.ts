/**
 * Why one file of ~550 lines: every operation here shares one state table and one record → call →
 * settle shape; split per operation, each would repeat the decide/settle plumbing it now shares.
 *
 * Payment use-cases. Creating an intent is one local transaction (platform `runOnce`). Every operation
 * that calls the provider (authorize, capture, cancel with an authorization to void, refund) runs
 * around the call (platform `runOnceAroundCall`, docs/adr/0007), with no transaction open during it:
 *
 *   1. record (committed): lock the intent → wait while another call on it is in flight → decide
 *      (state table, amounts; refusals say why) → insert the attempt `pending`, naming the provider's
 *      idempotency key;
 *   2. call the provider under that key;
 *   3. settle (committed with the stored answer): the attempt, the intent (a conditional UPDATE), the
 *      ledger rows and the refund; the database checks at commit that the ledger balances.
 *
 * Keys are scoped by the routes as `anonymous:payment.<op>:<intent id>` and pin the operation id, so a
 * retry after a lost answer resumes the same attempt under the same provider key and never charges
 * twice. A refusal (4xx) changes nothing and is stored as the key's answer; a decline is not a refusal
 * of the request: the intent records it (it stays `requires_payment_method`) and the 402 is stored with
 * it. A provider that does not answer is a 503: the attempt stays pending, and the recovery job
 * (`recover-payment-attempts`) settles it from the provider's records if no retry does first.
 *
 * Use-cases return domain values (intents, refunds, a ledger); the routes render them.
 */
import { recordAudit, type AuditActor } from '../../platform/audit/audit.repository.js';
import type { Insertable } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import {
  CommittedRefusal,
  onceKey,
  runOnce,
  type Answer,
  type OnceKey,
  type OnceStore,
  type Output,
} from '../../platform/idempotency/once.js';
import { runOnceAroundCall, type AroundCall, type Recorded } from '../../platform/idempotency/once-around-call.js';
import type { VenueDirectory } from './clients/inventory.client.js';
import { listLedger, totalsOf } from './ledger.repository.js';
import type { IntentScope } from './payment.access.js';
import { cardFingerprintPart, summarizeCard, type CardDetails } from './payment.card.js';
import { paymentError } from './payment.errors.js';
import { paymentEvent, writePaymentEvents } from './payment.events.js';
import {
  formatMoney,
  ledgerBalances,
  type LedgerEntry,
  type LedgerTotals,
  type PaymentIntent,
  type ProviderAttempt,
  type Refund,
} from './payment.model.js';
import {
  findIntent,
  insertIntent,
  listIntents,
  listRefunds,
  lockIntent,
  markCanceled,
  newIntentId,
  newOperationId,
} from './payment.repository.js';
import { canTransition, statusesLeadingTo, type IntentStatus } from './payment.states.js';
import type { PaymentDB, PaymentDb, PaymentTrx, ProviderAttemptTable } from './payment.tables.js';
import { findAttempt, hasCallInFlight, insertAttempt, pendingRefundTotal, touchAttempt } from './provider-attempt.repository.js';
import { intentAfter, PROVIDER_CALL_DEADLINE_MS, providerKeyFor, refundOf, settleFromProvider } from './provider-call.service.js';
import type { PaymentProvider, ProviderOperation, ProviderOutcome } from './providers/payment.provider.js';

export interface PaymentContext {
  readonly db: PaymentDb;
  /** Which venues an organization has (the inventory service): whose intents a business user reads. */
  readonly venues: VenueDirectory;
  readonly clock: Clock;
  readonly provider: PaymentProvider;
  readonly idempotencyTtlMs: number;
  readonly log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** How long (real time, ms) a request waits for another call on the same intent or key; 5 s by default. */
  readonly waitMs?: number;
}

/** Where payment keeps its idempotency keys (`payment.idempotency_key`). */
function paymentKeys(ctx: PaymentContext): OnceStore<PaymentDB> {
  return { db: ctx.db, schema: 'payment', clock: ctx.clock, ttlMs: ctx.idempotencyTtlMs };
}

function notFound(id: string): AppError {
  return paymentError('PAYMENT_INTENT_NOT_FOUND', `No payment intent has id ${id}.`, { intent_id: id });
}

function invalidState(intent: PaymentIntent, operation: string, message: string): AppError {
  return paymentError('PAYMENT_INTENT_INVALID_STATE', message, { intent_id: intent.id, status: intent.status, operation });
}

function declined(decline: { declineCode: string; message: string }): AppError {
  return paymentError('PAYMENT_DECLINED', decline.message, { decline_code: decline.declineCode, message: decline.message });
}

const WHAT: Readonly<Record<ProviderOperation, string>> = {
  authorize: 'authorization',
  capture: 'capture',
  cancel: 'void',
  refund: 'refund',
};

/**
 * The steps every provider operation shares around its own decision (`decide`), call and answer:
 * resuming the attempt a retry's key names, waiting while another call on the intent is in flight,
 * and settling the call's outcome.
 */
function aroundProvider<T>(
  ctx: PaymentContext,
  id: string,
  op: {
    readonly operation: ProviderOperation;
    /** With the intent locked and no other call in flight: refuse, answer at once (`done`), or describe the call. */
    readonly decide: (trx: PaymentTrx, intent: PaymentIntent, now: Date) => Promise<Recorded<AttemptSpec, T>>;
    readonly call: (attempt: ProviderAttempt) => Promise<ProviderOutcome>;
    /** What a settled attempt answers (throw a decline's refusal). */
    readonly answer: (trx: PaymentTrx, attempt: ProviderAttempt) => Promise<T>;
  },
  callerKey: OnceKey | undefined,
): AroundCall<PaymentDB, ProviderAttempt, ProviderOutcome, T> {
  return {
    record: async (trx, operationId, now) => {
      // A retry that took the caller's key over resumes the attempt the key names.
      const earlier = await findAttempt(trx, operationId);
      if (earlier !== undefined) {
        if (earlier.intentId !== id || earlier.operation !== op.operation) {
          throw new Error(`operation ${operationId} is a ${earlier.operation} of ${earlier.intentId}, not a ${op.operation} of ${id}`);
        }
        switch (earlier.status) {
          case 'pending':
            return { kind: 'call', pending: (await touchAttempt(trx, earlier.id, now)) ?? earlier };
          case 'succeeded':
          case 'declined':
            return { kind: 'done', value: await op.answer(trx, earlier) };
          case 'failed':
            throw unanswered(ctx, earlier, new Error('the provider never received the call'));
        }
      }
      const intent = await lockIntent(trx, id);
      if (intent === undefined) throw notFound(id);
      // The row lock orders concurrent decisions; a call in flight is waited for (not held across).
      if (await hasCallInFlight(trx, id)) return { kind: 'busy' };
      const decided = await op.decide(trx, intent, now);
      if (decided.kind !== 'call') return decided;
      const spec = decided.pending;
      const attempt = await insertAttempt(trx, {
        ...spec,
        id: operationId,
        intent_id: id,
        currency: intent.currency,
        operation: op.operation,
        provider: ctx.provider.name,
        provider_key: providerKeyFor(id, op.operation, operationId),
        status: 'pending',
        idempotency_scope: callerKey?.scope ?? null,
        idempotency_key: callerKey?.key ?? null,
        created_at: now,
        attempted_at: now,
      });
      return { kind: 'call', pending: attempt };
    },
    call: op.call,
    settle: async (trx, attempt, outcome, now) => {
      const { attempt: settled } = await settleFromProvider(trx, attempt, outcome, now);
      if (settled.status === 'declined') {
        ctx.log?.info({ intent_id: id, decline_code: settled.decline?.declineCode }, 'card declined');
        // The decline stays recorded on the intent: the refusal commits with it.
        return new CommittedRefusal(declined(settled.decline!));
      }
      return op.answer(trx, settled);
    },
    unanswered: (attempt, err) => unanswered(ctx, attempt, err),
    busy: () =>
      paymentError(
        'PAYMENT_INTENT_CONFLICT',
        `Another payment operation on intent ${id} is still waiting for the payment provider; retry shortly.`,
        { intent_id: id },
      ),
  };
}

/** What an operation's decision says about the call it records (the rest of the attempt is common). */
type AttemptSpec = Pick<
  Insertable<ProviderAttemptTable>,
  'amount' | 'released' | 'authorization_reference' | 'card_brand' | 'card_last4' | 'card_exp_month' | 'card_exp_year' | 'reason'
>;

/** A provider that did not answer (network, outage) fails the request as a 503; the attempt stays pending. */
function unanswered(ctx: PaymentContext, attempt: ProviderAttempt, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const what = WHAT[attempt.operation];
  ctx.log?.warn(
    { provider: ctx.provider.name, operation: what, attempt_id: attempt.id, err: (err as Error).message },
    'payment provider call failed',
  );
  return paymentError(
    'PAYMENT_PROVIDER_UNAVAILABLE',
    `The payment provider did not complete the ${what}; nothing was changed. A retry with the same Idempotency-Key resumes it without charging twice.`,
  );
}

function runAround<T, R>(
  ctx: PaymentContext,
  key: OnceKey | undefined,
  render: Output<T, R>['render'],
  steps: AroundCall<PaymentDB, ProviderAttempt, ProviderOutcome, T>,
): Promise<Answer<R>> {
  return runOnceAroundCall(
    paymentKeys(ctx),
    key,
    render,
    { newOperationId, takeOverAfterMs: PROVIDER_CALL_DEADLINE_MS, ...(ctx.waitMs !== undefined ? { waitMs: ctx.waitMs } : {}) },
    steps,
  );
}

const SUPPORTED_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export interface CreateIntentInput {
  readonly amount: number;
  readonly currency: string;
  readonly bookingId?: string;
  readonly venueId?: string;
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
      venue_id: input.venueId ?? null,
      description: input.description ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
      provider: ctx.provider.name,
      created_at: now,
      updated_at: now,
    });
  });
}

/** The intent, if it is within the caller's scope (another organization's is not found, like a missing one). */
export async function getIntent(ctx: PaymentContext, id: string, scope: IntentScope): Promise<PaymentIntent> {
  const intent = await findIntent(ctx.db, id, scope);
  if (intent === undefined) throw notFound(id);
  return intent;
}

export async function findIntents(
  ctx: PaymentContext,
  filter: { bookingId?: string; limit: number },
  scope: IntentScope,
): Promise<PaymentIntent[]> {
  return listIntents(ctx.db, filter, scope);
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
  const key = onceKey(out.key, { card: cardFingerprintPart(card) });
  const summary = summarizeCard(card);
  return runAround(
    ctx,
    key,
    out.render,
    aroundProvider<PaymentIntent>(
      ctx,
      id,
      {
        operation: 'authorize',
        decide: async (_trx, intent) => {
          if (!canTransition(intent.status, 'requires_capture')) {
            throw invalidState(
              intent,
              'authorize',
              intent.status === 'canceled'
                ? `Payment intent ${id} was canceled; create a new one.`
                : `Payment intent ${id} is already authorized (${intent.status}).`,
            );
          }
          return {
            kind: 'call',
            pending: {
              amount: intent.amount,
              card_brand: summary.brand,
              card_last4: summary.last4,
              card_exp_month: summary.expMonth,
              card_exp_year: summary.expYear,
            },
          };
        },
        // The card's number and CVC exist only here, in memory, for this call.
        call: (a) =>
          ctx.provider.authorize({
            operationId: a.id,
            idempotencyKey: a.providerKey,
            intentId: id,
            amount: a.amount,
            currency: a.currency,
            card,
          }),
        answer: async (trx, a) => {
          if (a.status === 'declined') throw declined(a.decline!);
          return intentAfter(trx, a);
        },
      },
      key,
    ),
  );
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
  const key = onceKey(out.key, { amount: amount ?? null });
  return runAround(
    ctx,
    key,
    out.render,
    aroundProvider<PaymentIntent>(
      ctx,
      id,
      {
        operation: 'capture',
        decide: async (_trx, intent) => {
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
          return {
            kind: 'call',
            pending: {
              amount: toCapture,
              released: intent.amountCapturable - toCapture,
              authorization_reference: intent.providerReference!,
            },
          };
        },
        call: async (a) => ({
          outcome: 'approved',
          ...(await ctx.provider.capture({
            operationId: a.id,
            idempotencyKey: a.providerKey,
            reference: a.authorizationReference!,
            amount: a.amount,
            currency: a.currency,
          })),
        }),
        answer: intentAfter,
      },
      key,
    ),
  );
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
  const key = onceKey(out.key, { reason: reason ?? null });
  return runAround(
    ctx,
    key,
    out.render,
    aroundProvider<PaymentIntent>(
      ctx,
      id,
      {
        operation: 'cancel',
        decide: async (trx, intent, now) => {
          if (intent.status === 'canceled') return { kind: 'done', value: intent };
          if (!canTransition(intent.status, 'canceled')) throw invalidState(intent, 'cancel', stateMessage(intent, 'cancel'));
          if (intent.amountCapturable === 0) {
            // Nothing authorized: nothing to void, so no provider call; one local change.
            const canceled = await markCanceled(trx, intent, reason ?? null, now);
            if (canceled === undefined) throw new Error(`payment intent ${id} changed while locked`);
            await writePaymentEvents(trx, [
              paymentEvent('payment.canceled', canceled, { released_amount: 0, reason: reason ?? null }, now),
            ]);
            return { kind: 'done', value: canceled };
          }
          return {
            kind: 'call',
            pending: { amount: intent.amountCapturable, authorization_reference: intent.providerReference!, reason: reason ?? null },
          };
        },
        call: async (a) => ({
          outcome: 'approved',
          ...(await ctx.provider.cancel({ operationId: a.id, idempotencyKey: a.providerKey, reference: a.authorizationReference! })),
        }),
        answer: intentAfter,
      },
      key,
    ),
  );
}

/**
 * Refunds `amount` (default: everything captured and not yet refunded) of a succeeded intent. Several
 * partial refunds are allowed, concurrently too (each reserves its amount while its call is in flight);
 * one that would take the total past what was captured is refused (400) and changes nothing.
 */
export async function refundIntent<R>(
  ctx: PaymentContext,
  id: string,
  input: { amount?: number; reason?: string; actor?: AuditActor; requestId?: string },
  out: Output<Refund, R>,
): Promise<Answer<R>> {
  const key = onceKey(out.key, { amount: input.amount ?? null, reason: input.reason ?? null });
  return runAround(
    ctx,
    key,
    out.render,
    aroundProvider<Refund>(
      ctx,
      id,
      {
        operation: 'refund',
        decide: async (trx, intent) => {
          if (intent.status !== 'succeeded') {
            throw invalidState(
              intent,
              'refund',
              `Nothing was captured on payment intent ${id} (${intent.status}); there is nothing to refund.`,
            );
          }
          const inFlight = await pendingRefundTotal(trx, id);
          const refundable = intent.amountReceived - intent.amountRefunded - inFlight;
          const toRefund = input.amount ?? refundable;
          if (toRefund <= 0 || toRefund > refundable) {
            const money = (n: number) => formatMoney(n, intent.currency);
            const refunded =
              inFlight === 0
                ? `${money(intent.amountRefunded)} already refunded`
                : `${money(intent.amountRefunded)} already refunded (and ${money(inFlight)} being refunded)`;
            throw paymentError(
              'REFUND_EXCEEDS_CAPTURED',
              refundable === 0
                ? `Everything captured on payment intent ${id} (${money(intent.amountReceived)}) has already been refunded${inFlight === 0 ? '' : ' or is being refunded'}.`
                : `Cannot refund ${money(toRefund)}: ${money(intent.amountReceived)} was captured and ${refunded}, so at most ${money(refundable)} can be.`,
              { intent_id: id, requested: toRefund, captured: intent.amountReceived, refunded: intent.amountRefunded, refundable },
            );
          }
          // The decision to refund is audited with the attempt it records (same transaction).
          await recordAudit(trx, {
            actor: input.actor ?? { id: 'unknown', role: 'unknown' },
            action: 'payment.refunded',
            objectType: 'payment_intent',
            objectId: id,
            requestId: input.requestId,
            details: { amount: toRefund, currency: intent.currency },
            at: ctx.clock.now(),
          });
          return {
            kind: 'call',
            pending: { amount: toRefund, authorization_reference: intent.providerReference!, reason: input.reason ?? null },
          };
        },
        call: async (a) => ({
          outcome: 'approved',
          ...(await ctx.provider.refund({
            operationId: a.id,
            idempotencyKey: a.providerKey,
            reference: a.authorizationReference!,
            amount: a.amount,
            currency: a.currency,
          })),
        }),
        answer: refundOf,
      },
      key,
    ),
  );
}

export async function getRefunds(ctx: PaymentContext, id: string, scope: IntentScope): Promise<Refund[]> {
  if ((await findIntent(ctx.db, id, scope)) === undefined) throw notFound(id);
  return listRefunds(ctx.db, id);
}

/** An intent's ledger as of one snapshot: its entries, their totals and whether they agree with the intent. */
export interface Ledger {
  readonly intent: PaymentIntent;
  readonly entries: readonly LedgerEntry[];
  readonly totals: LedgerTotals;
  readonly balanced: boolean;
}

export async function getLedger(ctx: PaymentContext, id: string, scope: IntentScope): Promise<Ledger> {
  return ctx.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const intent = await findIntent(trx, id, scope);
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

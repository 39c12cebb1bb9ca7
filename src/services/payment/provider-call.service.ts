/**
 * Provider calls that survive a crash (docs/adr/0007). Every call to the provider is
 *
 *   recorded (`payment.provider_attempt`, `pending`, committed) → made with no transaction open,
 *   under an idempotency key the provider sees → settled in a second transaction (attempt, intent,
 *   ledger rows, refund, and the caller's stored answer).
 *
 * This file holds the settlement, which the request that made the call, a retry that resumes it, the
 * recovery job and (later) a processor's webhook all apply through `settleFromProvider`: once per
 * attempt, whoever comes first, since the attempt leaves `pending` in the same conditional UPDATE.
 * While an authorization, capture or void is pending nothing else changes the intent (the use-cases
 * wait for it), so the settlement's conditional updates always find the intent as the attempt left it.
 */
import type { PaymentTrx } from './payment.tables.js';
import { abandonKey } from '../../platform/idempotency/saga-key.js';
import { insertLedgerEntries } from './ledger.repository.js';
import { paymentEvent, refundedEvent, writePaymentEvents } from './payment.events.js';
import type { PaymentIntent, ProviderAttempt, Refund } from './payment.model.js';
import {
  addRefunded,
  findIntent,
  findRefundByOperation,
  insertRefund,
  markCaptured,
  markVoided,
  newRefundId,
  settleAuthorization,
} from './payment.repository.js';
import type { PaymentContext } from './payment.service.js';
import { findAttempt, listOverdueAttempts, settleAttemptRow, type AttemptSettlement } from './provider-attempt.repository.js';
import type { ProviderOperation, ProviderOutcome } from './providers/payment.provider.js';

/**
 * How long a provider call may stay unanswered before the recovery job asks the provider what became
 * of it (and a retry may take over the caller's key). Adapters time their calls out well within it.
 */
export const PROVIDER_CALL_DEADLINE_MS = 60_000;

/** The idempotency key the provider sees: stable for the operation (the caller's key pins the operation id). */
export function providerKeyFor(intentId: string, operation: ProviderOperation, operationId: string): string {
  return `${intentId}:${operation}:${operationId}`;
}

/** What the provider says it did with an attempt's call; `unknown` when it never received it. */
export type ProviderTruth = ProviderOutcome | { readonly outcome: 'unknown' };

function settlementOf(attempt: ProviderAttempt, truth: ProviderTruth): AttemptSettlement {
  switch (truth.outcome) {
    case 'approved':
      return { status: 'succeeded', reference: truth.reference };
    case 'declined':
      if (attempt.operation !== 'authorize')
        throw new Error(`the provider declined a ${attempt.operation} (${attempt.id}); only authorizations are declined`);
      return { status: 'declined', declineCode: truth.declineCode, message: truth.message };
    case 'unknown':
      return { status: 'failed' };
  }
}

/** Thrown when the intent is not as its pending attempt left it: a bug, never a refusal (500, rolled back). */
function moved(attempt: ProviderAttempt): Error {
  return new Error(`payment intent ${attempt.intentId} changed while its ${attempt.operation} ${attempt.id} was pending`);
}

export interface Settled {
  readonly attempt: ProviderAttempt;
  /** False when a concurrent settler got there first (and this one changed nothing). */
  readonly applied: boolean;
}

/**
 * Settles `attempt` with the provider's truth, once, in `trx`: the attempt leaves `pending`, and a
 * success is applied to the intent, the ledger (and the refund). Answers the attempt as settled — by
 * this call, or by a concurrent settler that got there first.
 */
export async function settleFromProvider(trx: PaymentTrx, attempt: ProviderAttempt, truth: ProviderTruth, now: Date): Promise<Settled> {
  const settled = await settleAttemptRow(trx, attempt.id, settlementOf(attempt, truth), now);
  if (settled === undefined) {
    const current = await findAttempt(trx, attempt.id);
    if (current === undefined) throw new Error(`provider attempt ${attempt.id} does not exist`);
    if (current.status === 'failed' && truth.outcome === 'approved') {
      // The provider did act on a call the recovery job found unknown to it: the deadline was shorter
      // than the call. Refuse to settle silently; this needs reconciling by hand.
      throw new Error(`provider attempt ${attempt.id} was settled failed, but the provider approved it (${truth.reference})`);
    }
    return { attempt: current, applied: false };
  }
  await apply(trx, settled, now);
  return { attempt: settled, applied: true };
}

/** What a settled attempt changes: the intent, the ledger, the refund (nothing when it failed). */
async function apply(trx: PaymentTrx, settled: ProviderAttempt, now: Date): Promise<void> {
  const base = {
    intentId: settled.intentId,
    currency: settled.currency,
    operationId: settled.id,
    idempotencyKey: settled.callerKey?.key ?? null,
    at: now,
  };
  const reference = settled.providerReference;
  if (settled.status === 'pending' || settled.status === 'failed') return;
  if (settled.status === 'declined') {
    const decline = settled.decline!;
    const intent = await settleAuthorization(trx, settled.intentId, settled.card!, { approved: false, ...decline }, now);
    if (intent === undefined) throw moved(settled);
    await writePaymentEvents(trx, [
      paymentEvent('payment.failed', intent, { attempted_amount: settled.amount, decline_code: decline.declineCode }, now),
    ]);
    return;
  }
  switch (settled.operation) {
    case 'authorize': {
      const intent = await settleAuthorization(trx, settled.intentId, settled.card!, { approved: true, reference: reference! }, now);
      if (intent === undefined) throw moved(settled);
      await insertLedgerEntries(trx, [{ ...base, kind: 'authorization', amount: settled.amount, providerReference: reference! }]);
      await writePaymentEvents(trx, [paymentEvent('payment.authorized', intent, { authorized_amount: settled.amount }, now)]);
      return;
    }
    case 'capture': {
      const intent = await markCaptured(trx, settled.intentId, settled.amount, settled.released, now);
      if (intent === undefined) throw moved(settled);
      await insertLedgerEntries(trx, [
        { ...base, kind: 'capture', amount: settled.amount, providerReference: reference! },
        { ...base, kind: 'authorization_release', amount: settled.released, providerReference: settled.authorizationReference! },
      ]);
      await writePaymentEvents(trx, [
        paymentEvent('payment.captured', intent, { captured_amount: settled.amount, released_amount: settled.released }, now),
      ]);
      return;
    }
    case 'cancel': {
      const intent = await markVoided(trx, settled.intentId, settled.reason, now);
      if (intent === undefined) throw moved(settled);
      await insertLedgerEntries(trx, [
        { ...base, kind: 'authorization_release', amount: settled.amount, providerReference: settled.authorizationReference! },
      ]);
      await writePaymentEvents(trx, [
        paymentEvent('payment.canceled', intent, { released_amount: settled.amount, reason: settled.reason }, now),
      ]);
      return;
    }
    case 'refund': {
      const intent = await addRefunded(trx, settled.intentId, settled.amount, now);
      if (intent === undefined) throw moved(settled);
      const refund = await insertRefund(trx, {
        id: newRefundId(),
        intent_id: settled.intentId,
        amount: settled.amount,
        currency: settled.currency,
        reason: settled.reason,
        provider_reference: reference!,
        operation_id: settled.id,
        idempotency_key: settled.callerKey?.key ?? null,
        created_at: now,
      });
      await insertLedgerEntries(trx, [
        { ...base, kind: 'refund', amount: settled.amount, refundId: refund.id, providerReference: reference! },
      ]);
      await writePaymentEvents(trx, [refundedEvent(intent, refund, now)]);
      return;
    }
  }
}

/** The intent as a settled attempt left it (and as it is now). */
export async function intentAfter(trx: PaymentTrx, attempt: ProviderAttempt): Promise<PaymentIntent> {
  const intent = await findIntent(trx, attempt.intentId);
  if (intent === undefined) throw new Error(`payment intent ${attempt.intentId} of attempt ${attempt.id} does not exist`);
  return intent;
}

/** The refund a settled refund attempt made. */
export async function refundOf(trx: PaymentTrx, attempt: ProviderAttempt): Promise<Refund> {
  const refund = await findRefundByOperation(trx, attempt.id);
  if (refund === undefined) throw new Error(`refund attempt ${attempt.id} (${attempt.status}) made no refund`);
  return refund;
}

export interface RecoveryReport {
  readonly settled: number;
  readonly failed: number;
  /** Still pending: the provider could not be asked (it is asked again on the next run). */
  readonly unreachable: number;
}

/**
 * The recovery job: every attempt still pending `PROVIDER_CALL_DEADLINE_MS` after its last call (a lost
 * answer, a crash between record and settle) is settled from what the provider says it did under the
 * attempt's key. One the provider never received is `failed`, and the caller's key is freed, so that a
 * retry of the request runs afresh. Provider lookups happen with no transaction open.
 */
export async function recoverPendingAttempts(ctx: PaymentContext, now: Date, batch = 100): Promise<RecoveryReport> {
  const overdue = await listOverdueAttempts(ctx.db, new Date(now.getTime() - PROVIDER_CALL_DEADLINE_MS), batch);
  let settled = 0;
  let failed = 0;
  let unreachable = 0;
  for (const attempt of overdue) {
    let truth: ProviderTruth;
    try {
      const record = await ctx.provider.retrieve(attempt.providerKey);
      truth = record?.result ?? { outcome: 'unknown' };
    } catch (err) {
      unreachable++;
      ctx.log?.warn({ attempt_id: attempt.id, err: (err as Error).message }, 'payment provider lookup failed; the attempt stays pending');
      continue;
    }
    const done = await ctx.db.transaction().execute(async (trx) => {
      const { attempt: result, applied } = await settleFromProvider(trx, attempt, truth, now);
      // Nothing happened at the provider: the caller's key (left in progress) is freed for a fresh retry.
      if (applied && result.status === 'failed' && result.callerKey !== null) {
        await abandonKey(trx, { schema: 'payment', scope: result.callerKey.scope, key: result.callerKey.key });
      }
      return result;
    });
    if (done.status === 'failed') failed++;
    else settled++;
    ctx.log?.info(
      { attempt_id: attempt.id, intent_id: attempt.intentId, operation: attempt.operation, status: done.status },
      'pending provider call settled',
    );
  }
  return { settled, failed, unreachable };
}

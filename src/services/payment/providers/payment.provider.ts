/**
 * The boundary to a card processor: the adapter interface every provider implements. The payment
 * service decides what may happen (states, amounts, idempotency) and records it; a provider only moves
 * money at the processor. What a Stripe-like remote processor needs from us, and what we need from it
 * (docs/adr/0007):
 *
 * - **No transaction is open during a call.** The service records the call first (`pending`, committed,
 *   in `payment.provider_attempt`), calls, then settles in a second transaction. A call may take as
 *   long as the network does and hold nothing.
 * - **An idempotency key on every call** (`idempotencyKey`, ≤ 255 characters, stable for the operation:
 *   the intent, the operation and the operation id that the caller's Idempotency-Key pins). The
 *   processor must treat a second call under a key as the first: same result, no second charge (Stripe:
 *   the `Idempotency-Key` header). A retry after a lost answer, and the recovery job, call again under
 *   the same key and never move money twice.
 * - **Retrieve by key.** `retrieve(key)` answers what the processor did under a key, or `undefined` when
 *   it never received a call with it. The recovery job settles a call left `pending` (its answer was
 *   lost, or the process died) from this truth. An adapter whose processor has no lookup by key stores
 *   the key in the charge's metadata and searches by it (Stripe: `metadata[...]` + search, or listing a
 *   PaymentIntent's charges). It must answer `undefined` only when the processor certainly never
 *   processed the call, and must throw when it cannot tell (network, outage): the attempt then stays
 *   pending and is asked again on the next run.
 * - **A bounded call.** An adapter times its calls out well within `PROVIDER_CALL_DEADLINE_MS`
 *   (provider-call.service.ts), so a call the recovery job finds unknown to the processor is not still
 *   on its way there.
 * - **Outcomes that arrive later** (3-D Secure, bank transfers, a capture that settles asynchronously):
 *   the adapter throws from the call (outcome unknown), the attempt stays `pending`, and the outcome
 *   arrives either by `retrieve` on the next recovery run or by the processor's webhook, whose handler
 *   settles the attempt found by its key with `settleFromProvider` — the same settlement the recovery
 *   job uses, once per attempt whichever comes first.
 * - **Errors.** A decline is an answer (`outcome: 'declined'`), not an error. Anything thrown means
 *   "did not answer": the service keeps the attempt pending and answers 503 PAYMENT_PROVIDER_UNAVAILABLE.
 */
import type { CardDetails } from '../payment.card.js';

export const PROVIDER_OPERATIONS = ['authorize', 'capture', 'cancel', 'refund'] as const;
export type ProviderOperation = (typeof PROVIDER_OPERATIONS)[number];

/** Why a card was refused, as card processors name it. */
export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'expired_card' | 'incorrect_cvc' | 'invalid_number';

/** What the processor did with one call. Only an authorization can be declined. */
export type ProviderOutcome =
  | { readonly outcome: 'approved'; readonly reference: string }
  | { readonly outcome: 'declined'; readonly declineCode: DeclineCode; readonly message: string };

export type AuthorizeResult = ProviderOutcome;

/** What every call carries. */
interface ProviderCall {
  /** Our name of the effect (the ledger's operation_id). */
  readonly operationId: string;
  /** The processor's idempotency key for this call: a repeat under it returns the first result. */
  readonly idempotencyKey: string;
}

export interface AuthorizeRequest extends ProviderCall {
  readonly intentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly card: CardDetails;
}

export interface CaptureRequest extends ProviderCall {
  /** The authorization's reference at the provider. */
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
}

export interface CancelRequest extends ProviderCall {
  readonly reference: string;
}

export interface RefundRequest extends ProviderCall {
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
}

/** What the processor holds under one idempotency key. */
export interface ProviderRecord {
  readonly idempotencyKey: string;
  readonly operation: ProviderOperation;
  readonly result: ProviderOutcome;
}

export interface PaymentProvider {
  /** Shown on every intent (`provider`) so that nobody mistakes test money for real money. */
  readonly name: string;
  /** False for anything that does not move real money; the service warns at start-up. */
  readonly live: boolean;
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Captures `amount` (≤ authorized) and releases the rest of the authorization. */
  capture(request: CaptureRequest): Promise<{ readonly reference: string }>;
  /** Voids an authorization that was not captured. */
  cancel(request: CancelRequest): Promise<{ readonly reference: string }>;
  refund(request: RefundRequest): Promise<{ readonly reference: string }>;
  /** What the processor did under `idempotencyKey`; undefined when it never received a call with it. */
  retrieve(idempotencyKey: string): Promise<ProviderRecord | undefined>;
}

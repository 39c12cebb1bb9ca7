/**
 * The boundary to a card processor. The payment service decides what may happen (states, amounts,
 * idempotency) and records it; a provider only moves money at the processor. Every call carries the
 * operation's id, unique per effect, for the processor's own idempotency.
 *
 * Calls happen inside the operation's transaction, after the conditional UPDATE that claimed the
 * change (so a concurrent duplicate never reaches the provider) and before the ledger is written; a
 * provider failure rolls the whole operation back. That is right for the in-process local provider; an
 * adapter to a remote processor must keep rule 7 (no remote call in an open transaction) by recording
 * the pending operation first and settling it after the call (see the README).
 */
import type { CardDetails } from '../payment.card.js';

export interface AuthorizeRequest {
  readonly operationId: string;
  readonly intentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly card: CardDetails;
}

export type AuthorizeResult =
  | { readonly outcome: 'approved'; readonly reference: string }
  | { readonly outcome: 'declined'; readonly declineCode: DeclineCode; readonly message: string };

/** Why a card was refused, as card processors name it. */
export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'expired_card' | 'incorrect_cvc' | 'invalid_number';

export interface CaptureRequest {
  readonly operationId: string;
  /** The authorization's reference at the provider. */
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
}

export interface CancelRequest {
  readonly operationId: string;
  readonly reference: string;
}

export interface RefundRequest {
  readonly operationId: string;
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
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
  cancel(request: CancelRequest): Promise<void>;
  refund(request: RefundRequest): Promise<{ readonly reference: string }>;
}

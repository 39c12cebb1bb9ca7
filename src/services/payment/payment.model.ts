/** Payment intents, refunds and ledger entries as the domain sees them; one mapper per table. */
import type { Selectable } from 'kysely';
import type { CardSummary } from './payment.card.js';
import type { AttemptStatus, IntentStatus, LedgerKind } from './payment.states.js';
import type { LedgerEntryTable, PaymentIntentTable, ProviderAttemptTable, RefundTable } from './payment.tables.js';
import type { DeclineCode, ProviderOperation } from './providers/payment.provider.js';

export interface PaymentIntent {
  readonly id: string;
  readonly status: IntentStatus;
  readonly amount: number;
  readonly currency: string;
  /** Authorized and not yet captured or released. */
  readonly amountCapturable: number;
  /** Captured. */
  readonly amountReceived: number;
  readonly amountRefunded: number;
  readonly bookingId: string | null;
  /** The venue it pays for: decides which business users may read it. */
  readonly venueId: string | null;
  readonly description: string | null;
  readonly metadata: Record<string, unknown>;
  readonly card: CardSummary | null;
  readonly provider: string;
  readonly providerReference: string | null;
  readonly lastError: { readonly declineCode: string; readonly message: string } | null;
  readonly cancellationReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly authorizedAt: Date | null;
  readonly capturedAt: Date | null;
  readonly canceledAt: Date | null;
  readonly version: number;
}

export function rowToIntent(r: Selectable<PaymentIntentTable>): PaymentIntent {
  return {
    id: r.id,
    status: r.status,
    amount: r.amount,
    currency: r.currency,
    amountCapturable: r.amount_capturable,
    amountReceived: r.amount_received,
    amountRefunded: r.amount_refunded,
    bookingId: r.booking_id,
    venueId: r.venue_id,
    description: r.description,
    metadata: r.metadata,
    card:
      r.card_brand !== null && r.card_last4 !== null && r.card_exp_month !== null && r.card_exp_year !== null
        ? { brand: r.card_brand, last4: r.card_last4, expMonth: r.card_exp_month, expYear: r.card_exp_year }
        : null,
    provider: r.provider,
    providerReference: r.provider_reference,
    lastError: r.decline_code !== null ? { declineCode: r.decline_code, message: r.decline_message ?? '' } : null,
    cancellationReason: r.cancellation_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    authorizedAt: r.authorized_at,
    capturedAt: r.captured_at,
    canceledAt: r.canceled_at,
    version: r.version,
  };
}

export interface Refund {
  readonly id: string;
  readonly intentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly reason: string | null;
  readonly createdAt: Date;
}

export function rowToRefund(r: Selectable<RefundTable>): Refund {
  return { id: r.id, intentId: r.intent_id, amount: r.amount, currency: r.currency, reason: r.reason, createdAt: r.created_at };
}

export interface LedgerEntry {
  readonly id: number;
  readonly intentId: string;
  readonly kind: LedgerKind;
  readonly amount: number;
  readonly currency: string;
  readonly operationId: string;
  readonly idempotencyKey: string | null;
  readonly refundId: string | null;
  readonly createdAt: Date;
}

export function rowToLedgerEntry(r: Selectable<LedgerEntryTable>): LedgerEntry {
  return {
    id: r.id,
    intentId: r.intent_id,
    kind: r.kind,
    amount: r.amount,
    currency: r.currency,
    operationId: r.operation_id,
    idempotencyKey: r.idempotency_key,
    refundId: r.refund_id,
    createdAt: r.created_at,
  };
}

/** One provider call as recorded before it was made (docs/adr/0007). */
export interface ProviderAttempt {
  /** The operation id (the ledger rows' and the refund's `operation_id`). */
  readonly id: string;
  readonly intentId: string;
  readonly currency: string;
  readonly operation: ProviderOperation;
  /** The idempotency key the provider sees. */
  readonly providerKey: string;
  readonly status: AttemptStatus;
  /** authorize: the intent's amount; capture: captured; cancel: released; refund: refunded. */
  readonly amount: number;
  /** capture: the rest of the authorization it releases. */
  readonly released: number;
  readonly authorizationReference: string | null;
  /** authorize: the card tried. */
  readonly card: CardSummary | null;
  readonly reason: string | null;
  /** The caller's Idempotency-Key (scope and key), if one was sent. */
  readonly callerKey: { readonly scope: string; readonly key: string } | null;
  readonly providerReference: string | null;
  readonly decline: { readonly declineCode: DeclineCode; readonly message: string } | null;
  readonly createdAt: Date;
  readonly attemptedAt: Date;
  readonly settledAt: Date | null;
}

export function rowToAttempt(r: Selectable<ProviderAttemptTable>): ProviderAttempt {
  return {
    id: r.id,
    intentId: r.intent_id,
    currency: r.currency,
    operation: r.operation,
    providerKey: r.provider_key,
    status: r.status,
    amount: r.amount,
    released: r.released,
    authorizationReference: r.authorization_reference,
    card:
      r.card_brand !== null && r.card_last4 !== null && r.card_exp_month !== null && r.card_exp_year !== null
        ? { brand: r.card_brand, last4: r.card_last4, expMonth: r.card_exp_month, expYear: r.card_exp_year }
        : null,
    reason: r.reason,
    callerKey: r.idempotency_scope !== null && r.idempotency_key !== null ? { scope: r.idempotency_scope, key: r.idempotency_key } : null,
    providerReference: r.provider_reference,
    decline: r.decline_code !== null ? { declineCode: r.decline_code, message: r.decline_message ?? '' } : null,
    createdAt: r.created_at,
    attemptedAt: r.attempted_at,
    settledAt: r.settled_at,
  };
}

/** What the ledger of one intent adds up to. */
export interface LedgerTotals {
  readonly authorized: number;
  readonly released: number;
  readonly captured: number;
  readonly refunded: number;
}

/** The ledger's invariants against the intent it belongs to. */
export function ledgerBalances(intent: PaymentIntent, totals: LedgerTotals, refundsTotal: number): boolean {
  return (
    totals.authorized - totals.released - totals.captured === intent.amountCapturable &&
    totals.captured === intent.amountReceived &&
    totals.refunded === intent.amountRefunded &&
    refundsTotal === intent.amountRefunded &&
    totals.refunded <= totals.captured
  );
}

/** `12345, 'GBP'` → `GBP 123.45` (integer arithmetic; the currency's ISO 4217 exponent). */
export function formatMoney(amount: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // an unknown code keeps two decimals; validation refuses unknown codes before money is formatted
  }
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (digits === 0) return `${currency} ${sign}${abs}`;
  const unit = 10 ** digits;
  return `${currency} ${sign}${Math.trunc(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`;
}

/** Row types of the payment schema, in one place. */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { CardBrand } from './payment.card.js';
import type { AttemptStatus, IntentStatus, LedgerKind } from './payment.states.js';
import type { DeclineCode, ProviderOperation } from './providers/payment.provider.js';

export interface PaymentIntentTable {
  id: string;
  seq: Generated<number>;
  status: IntentStatus;
  amount: number;
  currency: string;
  amount_capturable: ColumnType<number, number | undefined, number>;
  amount_received: ColumnType<number, number | undefined, number>;
  amount_refunded: ColumnType<number, number | undefined, number>;
  booking_id: string | null;
  /** The venue the intent pays for (null: none named, or created before venues were recorded). */
  venue_id: string | null;
  description: string | null;
  metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
  card_brand: CardBrand | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  provider: string;
  provider_reference: string | null;
  decline_code: string | null;
  decline_message: string | null;
  cancellation_reason: string | null;
  created_at: Date;
  updated_at: Date;
  authorized_at: Date | null;
  captured_at: Date | null;
  canceled_at: Date | null;
  version: ColumnType<number, number | undefined, number>;
}

export interface RefundTable {
  id: string;
  seq: Generated<number>;
  intent_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  provider_reference: string;
  operation_id: string;
  idempotency_key: string | null;
  created_at: Date;
}

export interface LedgerEntryTable {
  id: Generated<number>;
  intent_id: string;
  kind: LedgerKind;
  amount: number;
  currency: string;
  operation_id: string;
  idempotency_key: string | null;
  refund_id: string | null;
  provider_reference: string | null;
  created_at: Date;
}

/** One provider call: recorded before it is made, settled after (docs/adr/0007). */
export interface ProviderAttemptTable {
  id: string;
  seq: Generated<number>;
  intent_id: string;
  currency: string;
  operation: ProviderOperation;
  provider: string;
  provider_key: string;
  status: AttemptStatus;
  amount: number;
  released: ColumnType<number, number | undefined, never>;
  authorization_reference: string | null;
  card_brand: CardBrand | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  reason: string | null;
  idempotency_scope: string | null;
  idempotency_key: string | null;
  provider_reference: string | null;
  decline_code: DeclineCode | null;
  decline_message: string | null;
  created_at: Date;
  attempted_at: Date;
  settled_at: Date | null;
}

export interface PaymentDB {
  'payment.payment_intent': PaymentIntentTable;
  'payment.refund': RefundTable;
  'payment.ledger_entry': LedgerEntryTable;
  'payment.provider_attempt': ProviderAttemptTable;
}

export type PaymentDb = Kysely<PaymentDB>;
export type PaymentTrx = Transaction<PaymentDB>;
export type PaymentExecutor = PaymentDb | PaymentTrx;

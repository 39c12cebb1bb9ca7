/**
 * The /api/v1/payments contract, one TypeBox schema per request and response. What other services
 * call (intents, authorize, capture, cancel, refunds) is in src/contracts/payment.ts, shared with the
 * booking service's client, and re-exported here; the listing and ledger replies and the mappers stay.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { IntentReply, RefundReply } from '../../contracts/payment.js';
import { IsoDateTime } from '../../platform/http/schemas.js';
import type { LedgerEntry, LedgerTotals, PaymentIntent, Refund } from './payment.model.js';

export {
  AuthorizeBody,
  CancelBody,
  CaptureBody,
  CreateIntentBody,
  IntentId,
  IntentParams,
  IntentReply,
  MAX_AMOUNT,
  PaymentMethodReply,
  RefundBody,
  RefundReply,
} from '../../contracts/payment.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IntentList = Type.Object({ intents: Type.Array(IntentReply) });

export const RefundList = Type.Object({ refunds: Type.Array(RefundReply) });

const Totals = Type.Object({
  authorized: Type.Integer(),
  released: Type.Integer(),
  captured: Type.Integer(),
  refunded: Type.Integer(),
  capturable: Type.Integer({ description: 'authorized − released − captured' }),
  net: Type.Integer({ description: 'captured − refunded: what the merchant keeps' }),
});

export const LedgerReply = Type.Object({
  intent_id: Type.String(),
  currency: Type.String(),
  entries: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.Union([
        Type.Literal('authorization'),
        Type.Literal('authorization_release'),
        Type.Literal('capture'),
        Type.Literal('refund'),
      ]),
      amount: Type.Integer(),
      currency: Type.String(),
      operation_id: Type.String(),
      idempotency_key: Nullable(Type.String()),
      refund_id: Nullable(Type.String()),
      created_at: IsoDateTime,
    }),
  ),
  totals: Totals,
  balanced: Type.Boolean({ description: 'The totals agree with the intent’s amounts (always true: the database refuses otherwise)' }),
});
export type LedgerReply = Static<typeof LedgerReply>;

export const ListQuery = Type.Object(
  {
    booking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export function intentToReply(i: PaymentIntent): IntentReply {
  return {
    id: i.id,
    status: i.status,
    amount: i.amount,
    currency: i.currency,
    amount_capturable: i.amountCapturable,
    amount_received: i.amountReceived,
    amount_refunded: i.amountRefunded,
    booking_id: i.bookingId,
    venue_id: i.venueId,
    description: i.description,
    metadata: i.metadata,
    payment_method: i.card && {
      type: 'card',
      brand: i.card.brand,
      last4: i.card.last4,
      exp_month: i.card.expMonth,
      exp_year: i.card.expYear,
    },
    provider: i.provider,
    provider_reference: i.providerReference,
    last_payment_error: i.lastError && { decline_code: i.lastError.declineCode, message: i.lastError.message },
    cancellation_reason: i.cancellationReason,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    authorized_at: i.authorizedAt?.toISOString() ?? null,
    captured_at: i.capturedAt?.toISOString() ?? null,
    canceled_at: i.canceledAt?.toISOString() ?? null,
    version: i.version,
  };
}

export function refundToReply(r: Refund): RefundReply {
  return {
    id: r.id,
    intent_id: r.intentId,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    created_at: r.createdAt.toISOString(),
  };
}

export function ledgerToReply(
  intent: PaymentIntent,
  entries: readonly LedgerEntry[],
  totals: LedgerTotals,
  balanced: boolean,
): LedgerReply {
  return {
    intent_id: intent.id,
    currency: intent.currency,
    entries: entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      amount: e.amount,
      currency: e.currency,
      operation_id: e.operationId,
      idempotency_key: e.idempotencyKey,
      refund_id: e.refundId,
      created_at: e.createdAt.toISOString(),
    })),
    totals: {
      ...totals,
      capturable: totals.authorized - totals.released - totals.captured,
      net: totals.captured - totals.refunded,
    },
    balanced,
  };
}

/** The /api/v1/payments contract, one TypeBox schema per request and response. */
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDateTime } from '../../platform/http/schemas.js';
import type { LedgerEntry, LedgerTotals, PaymentIntent, Refund } from './payment.model.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Largest amount of one intent, in minor units (also a CHECK). */
export const MAX_AMOUNT = 10_000_000_000;

const Amount = Type.Integer({ minimum: 1, maximum: MAX_AMOUNT, description: 'Integer minor units (pence for GBP), at least 1' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, upper case, e.g. GBP' });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
export const IntentId = Type.String({ pattern: '^pi_[A-Za-z0-9]{24}$', description: 'pi_ and 24 characters' });

const Status = Type.Union([
  Type.Literal('requires_payment_method'),
  Type.Literal('requires_capture'),
  Type.Literal('succeeded'),
  Type.Literal('canceled'),
]);

export const PaymentMethodReply = Type.Object(
  {
    type: Type.Literal('card'),
    brand: Type.String({ description: 'visa, mastercard, amex, discover, diners, jcb, unionpay or unknown' }),
    last4: Type.String({ pattern: '^[0-9]{4}$' }),
    exp_month: Type.Integer(),
    exp_year: Type.Integer(),
  },
  { description: 'What is kept of the card: never its number or CVC' },
);

export const IntentReply = Type.Object(
  {
    id: Type.String(),
    status: Status,
    amount: Type.Integer({ description: 'minor units' }),
    currency: Type.String(),
    amount_capturable: Type.Integer({ description: 'Authorized, not yet captured or released' }),
    amount_received: Type.Integer({ description: 'Captured' }),
    amount_refunded: Type.Integer(),
    booking_id: Nullable(Type.String()),
    description: Nullable(Type.String()),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    payment_method: Nullable(PaymentMethodReply),
    provider: Type.String({ description: '`local-test-provider` is not a real processor: no money moves' }),
    provider_reference: Nullable(Type.String()),
    last_payment_error: Nullable(Type.Object({ decline_code: Type.String(), message: Type.String() })),
    cancellation_reason: Nullable(Type.String()),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    authorized_at: Nullable(IsoDateTime),
    captured_at: Nullable(IsoDateTime),
    canceled_at: Nullable(IsoDateTime),
    version: Type.Integer(),
  },
  { $id: 'PaymentIntent' },
);
export type IntentReply = Static<typeof IntentReply>;

export const IntentList = Type.Object({ intents: Type.Array(IntentReply) });

export const RefundReply = Type.Object(
  {
    id: Type.String({ description: 're_ and 24 characters' }),
    intent_id: Type.String(),
    amount: Type.Integer(),
    currency: Type.String(),
    reason: Nullable(Type.String()),
    created_at: IsoDateTime,
  },
  { $id: 'PaymentRefund' },
);
export type RefundReply = Static<typeof RefundReply>;

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

export const IntentParams = Type.Object({ intent_id: IntentId });
export const ListQuery = Type.Object(
  {
    booking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export const CreateIntentBody = Type.Object(
  {
    amount: Amount,
    currency: Currency,
    booking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    metadata: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), { maxProperties: 50 })),
  },
  { additionalProperties: false },
);
export type CreateIntentBody = Static<typeof CreateIntentBody>;

export const AuthorizeBody = Type.Object(
  {
    payment_method: Type.Object(
      {
        card_number: Type.String({
          pattern: '^[0-9][0-9 -]{10,24}[0-9]$',
          description: '12–19 digits, spaces or hyphens allowed. Used for this one call, never stored or logged.',
        }),
        exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
        exp_year: Type.Integer({ minimum: 2000, maximum: 2200, description: 'Four digits' }),
        cvc: Type.String({ pattern: '^[0-9]{3,4}$', description: 'Used for this one call, never stored or logged.' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type AuthorizeBody = Static<typeof AuthorizeBody>;

export const CaptureBody = Type.Object(
  { amount: Type.Optional({ ...Amount, description: 'Default: everything capturable; a smaller amount releases the rest' }) },
  { additionalProperties: false },
);
export const CancelBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const RefundBody = Type.Object(
  { amount: Type.Optional({ ...Amount, description: 'Default: everything captured and not yet refunded' }), reason: Type.Optional(Reason) },
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

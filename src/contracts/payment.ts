/**
 * The payment service's contract with the services that call it: intents (create, read, authorize,
 * capture, cancel) and refunds — request and reply schemas and the refusal codes a caller may act on.
 * The payment routes validate, serialize and document with these schemas (imported back by
 * `payment.schemas.ts`); the booking service's client types its calls with them and checks every
 * reply against them (ADR 0005).
 *
 * Reply schemas are open (extra fields pass): payment may add a field without breaking its callers.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDateTime } from '../platform/http/schemas.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Largest amount of one intent, in minor units (also a CHECK). */
export const MAX_AMOUNT = 10_000_000_000;

const Amount = Type.Integer({ minimum: 1, maximum: MAX_AMOUNT, description: 'Integer minor units (pence for GBP), at least 1' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, upper case, e.g. GBP' });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
export const IntentId = Type.String({ pattern: '^pi_[A-Za-z0-9]{24}$', description: 'pi_ and 24 characters' });

export const IntentStatus = Type.Union([
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

export const IntentParams = Type.Object({ intent_id: IntentId });

/** The reply of every intent call: create, read, authorize, capture, cancel. */
export const IntentReply = Type.Object(
  {
    id: Type.String(),
    status: IntentStatus,
    amount: Type.Integer({ description: 'minor units' }),
    currency: Type.String(),
    amount_capturable: Type.Integer({ description: 'Authorized, not yet captured or released' }),
    amount_received: Type.Integer({ description: 'Captured' }),
    amount_refunded: Type.Integer(),
    booking_id: Nullable(Type.String()),
    // Optional in the contract (this service always sends it): a payment service from before venues
    // were recorded still answers its callers within the contract.
    venue_id: Type.Optional(
      Nullable(Type.String({ description: 'The venue it pays for: a business user reads the intents of its own venues only' })),
    ),
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

// ---------------------------------------------------------------------------------------------------
// Requests

/** POST /api/v1/payments/intents */
export const CreateIntentBody = Type.Object(
  {
    amount: Amount,
    currency: Currency,
    booking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    venue_id: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.:-]{1,64}$',
        description: 'The venue the intent pays for (the booking service names its booking’s); without one only admin and service read it',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    metadata: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), { maxProperties: 50 })),
  },
  { additionalProperties: false },
);
export type CreateIntentBody = Static<typeof CreateIntentBody>;

/** POST /api/v1/payments/intents/{intent_id}/authorize */
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

/** POST /api/v1/payments/intents/{intent_id}/capture */
export const CaptureBody = Type.Object(
  { amount: Type.Optional({ ...Amount, description: 'Default: everything capturable; a smaller amount releases the rest' }) },
  { additionalProperties: false },
);
export type CaptureBody = Static<typeof CaptureBody>;

/** POST /api/v1/payments/intents/{intent_id}/cancel */
export const CancelBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export type CancelBody = Static<typeof CancelBody>;

/** POST /api/v1/payments/intents/{intent_id}/refunds */
export const RefundBody = Type.Object(
  { amount: Type.Optional({ ...Amount, description: 'Default: everything captured and not yet refunded' }), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export type RefundBody = Static<typeof RefundBody>;

// ---------------------------------------------------------------------------------------------------
// Refusals

/**
 * The refusals (`error.code`, with their HTTP status) the calls above may answer, besides the
 * platform's own. Each is declared by the payment service's error registry with this status
 * (test/unit/contracts/error-codes.test.ts holds both sides to it). A 402 is a decline:
 * `error.details` carries `decline_code` and `message`. PAYMENT_PROVIDER_UNAVAILABLE is a 503: the
 * caller retries it, then treats payment as unavailable.
 */
export const PaymentErrorCodes = {
  PAYMENT_INTENT_NOT_FOUND: 404,
  PAYMENT_INTENT_INVALID_STATE: 409,
  PAYMENT_INTENT_CONFLICT: 409,
  PAYMENT_DECLINED: 402,
  CAPTURE_EXCEEDS_AUTHORIZED: 400,
  REFUND_EXCEEDS_CAPTURED: 400,
  CURRENCY_NOT_SUPPORTED: 400,
  PAYMENT_PROVIDER_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;
export type PaymentErrorCode = keyof typeof PaymentErrorCodes;

/** What a decline (402) carries in `error.details`. */
export const DeclineDetails = Type.Object({ decline_code: Type.Optional(Type.String()), message: Type.Optional(Type.String()) });
export type DeclineDetails = Static<typeof DeclineDetails>;

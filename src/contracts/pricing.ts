/**
 * The pricing service's contract with the services that call it: quote, promo redeem/release,
 * cancellation fee — request and reply schemas and the refusal codes a caller may act on. The pricing
 * routes validate, serialize and document with these schemas (imported back by `quote.schemas.ts`);
 * the booking service's client types its calls with them and checks every reply against them
 * (ADR 0005). Integer minor units everywhere, with the currency.
 *
 * Reply schemas are open (extra fields pass): pricing may add a field without breaking its callers.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDate, IsoDateTime } from '../platform/http/schemas.js';

/** A reply field that may be null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const VenueId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'A venue of the inventory service' });
export const RoomTypeId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'A room type of the inventory service' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. GBP' });
export const PromoCodeString = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$',
  description: 'Letters, digits, "-" and "_", 2–40 characters; case-insensitive (stored upper-case)',
});

const Amount = Type.Integer({ minimum: 0, description: 'Minor units' });

// ---------------------------------------------------------------------------------------------------
// POST /api/v1/pricing/quote

export const QuoteBody = Type.Object(
  {
    venue_id: VenueId,
    kind: Type.Union([Type.Literal('lodging'), Type.Literal('dining')]),
    room_type_id: Type.Optional(RoomTypeId),
    check_in: Type.Optional({ ...IsoDate, description: 'lodging: the first night' }),
    check_out: Type.Optional({ ...IsoDate, description: 'lodging: the morning of departure (nights are [check_in, check_out))' }),
    date: Type.Optional({ ...IsoDate, description: 'dining: the day of the seating' }),
    time: Type.Optional(
      Type.String({
        pattern: '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$',
        description: 'dining: HH:MM (HH:MM:SS, as a SQL time reads, is accepted)',
      }),
    ),
    party_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'dining: covers' })),
    base_price: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100_000_000,
        description: 'lodging: nightly price, minor units, used when the room type has no rate plan',
      }),
    ),
    currency: Type.Optional(Currency),
    promo_code: Type.Optional(PromoCodeString),
  },
  { additionalProperties: false },
);
export type QuoteBody = Static<typeof QuoteBody>;

export const QuoteReply = Type.Object(
  {
    currency: Type.String(),
    kind: Type.Union([Type.Literal('lodging'), Type.Literal('dining')]),
    venue_id: Type.String(),
    base: { ...Amount, description: 'Σ lines' },
    discount: { ...Amount, description: 'Σ discounts' },
    tax: { ...Amount, description: 'Σ exclusive taxes (added on top)' },
    tax_included: { ...Amount, description: 'Σ inclusive taxes (already inside the prices; not added)' },
    total: { ...Amount, description: 'base − discount + tax' },
    lines: Type.Array(
      Type.Object({
        kind: Type.Union([Type.Literal('night'), Type.Literal('cover')]),
        date: Type.Optional(IsoDate),
        description: Type.String(),
        amount: Amount,
      }),
    ),
    discounts: Type.Array(
      Type.Object({
        kind: Type.Union([Type.Literal('length_of_stay'), Type.Literal('promo')]),
        code: Type.Optional(Type.String()),
        description: Type.String(),
        amount: Amount,
      }),
    ),
    taxes: Type.Array(
      Type.Object({
        name: Type.String(),
        rate_bps: Type.Optional(Type.Integer()),
        per: Type.Optional(Type.Union([Type.Literal('night'), Type.Literal('cover'), Type.Literal('booking')])),
        unit_amount: Type.Optional(Amount),
        amount: Amount,
        inclusive: Type.Boolean(),
      }),
    ),
    promo_code: Nullable(Type.String()),
    rate_plan_id: Nullable(Type.String()),
    deposit: Type.Boolean({ description: 'dining: the cover amounts are a deposit' }),
  },
  { $id: 'PricingQuote' },
);
export type QuoteReply = Static<typeof QuoteReply>;

// ---------------------------------------------------------------------------------------------------
// POST /api/v1/pricing/promo-codes/{code}/redeem, …/release

export const RedemptionBody = Type.Object(
  { booking_id: Type.String({ minLength: 1, maxLength: 100, description: 'The booking that uses the code' }) },
  { additionalProperties: false },
);
export type RedemptionBody = Static<typeof RedemptionBody>;
export const RedemptionParams = Type.Object({ code: PromoCodeString });
export const RedemptionReply = Type.Object(
  {
    code: Type.String(),
    booking_id: Type.String(),
    uses: Type.Integer({ description: 'Uses taken now, all bookings' }),
    max_uses: Nullable(Type.Integer()),
    status: Type.Union([Type.Literal('redeemed'), Type.Literal('released')]),
    redeemed_at: Nullable(IsoDateTime),
    released_at: Nullable(IsoDateTime),
  },
  { $id: 'PricingPromoRedemption' },
);
export type RedemptionReply = Static<typeof RedemptionReply>;

// ---------------------------------------------------------------------------------------------------
// POST /api/v1/pricing/cancellation-fee

export const FeeKind = Type.Union([Type.Literal('none'), Type.Literal('fixed'), Type.Literal('percent'), Type.Literal('first_night')]);
/** A cancellation or no-show fee as a policy states it. */
export const FeeReply = Type.Object({ kind: FeeKind, amount: Nullable(Type.Integer()), rate_bps: Nullable(Type.Integer()) });

export const CancellationFeeBody = Type.Object(
  {
    venue_id: VenueId,
    room_type_id: Type.Optional(RoomTypeId),
    arrival: { ...IsoDateTime, description: 'Arrival (check-in) or seating time, UTC' },
    at: { ...IsoDateTime, description: 'When the booking is cancelled (or the no-show recorded)' },
    total: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'What the booking costs, minor units' }),
    first_night: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000_000,
      description: 'First night (lodging) or the seating’s price (dining)',
    }),
    currency: Currency,
    no_show: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CancellationFeeBody = Static<typeof CancellationFeeBody>;

export const CancellationFeeReply = Type.Object(
  {
    fee: Amount,
    refundable: { ...Amount, description: 'total − fee' },
    currency: Type.String(),
    rule: Type.Union([Type.Literal('free'), Type.Literal('late'), Type.Literal('no_show')]),
    policy: Type.Object({
      id: Nullable(Type.String()),
      name: Type.String(),
      source: Type.Union([Type.Literal('rate_plan'), Type.Literal('venue'), Type.Literal('default')]),
      rate_plan_id: Nullable(Type.String()),
      free_until_hours: Type.Integer(),
      late_fee: FeeReply,
      no_show_fee: FeeReply,
      currency: Nullable(Type.String()),
    }),
  },
  { $id: 'PricingCancellationFee' },
);
export type CancellationFeeReply = Static<typeof CancellationFeeReply>;

// ---------------------------------------------------------------------------------------------------
// Refusals

/**
 * The refusals (`error.code`, with their HTTP status) the calls above may answer, besides the
 * platform's own. Each is declared by the pricing service's error registry with this status
 * (test/unit/contracts/error-codes.test.ts holds both sides to it).
 */
export const PricingErrorCodes = {
  QUOTE_INVALID: 400,
  CANCELLATION_FEE_INVALID: 400,
  PRICING_CURRENCY_REQUIRED: 400,
  PRICING_CURRENCY_MISMATCH: 422,
  PRICING_AMOUNT_TOO_LARGE: 422,
  PROMO_CODE_NOT_FOUND: 404,
  PROMO_INVALID: 400,
  PROMO_EXPIRED: 400,
  PROMO_NOT_APPLICABLE: 400,
  PROMO_EXHAUSTED: 409,
  PROMO_REDEMPTION_RELEASED: 409,
} as const satisfies Record<string, number>;
export type PricingErrorCode = keyof typeof PricingErrorCodes;

/** The refusals that concern the promo code itself: the guest's to fix (another code, or none). */
export const PROMO_REFUSALS: readonly PricingErrorCode[] = [
  'PROMO_CODE_NOT_FOUND',
  'PROMO_INVALID',
  'PROMO_EXPIRED',
  'PROMO_NOT_APPLICABLE',
  'PROMO_EXHAUSTED',
  'PROMO_REDEMPTION_RELEASED',
];

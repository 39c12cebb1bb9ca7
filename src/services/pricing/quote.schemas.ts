/**
 * The contract the booking saga calls: quote, promo redeem/release, cancellation fee. Integer minor
 * units everywhere, with the currency.
 */
import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime } from '../../platform/http/schemas.js';
import { Currency, FeeReply, Nullable, PromoCodeString, RoomTypeId, VenueId, feeToReply } from './admin.schemas.js';
import type { FeeAnswer } from './cancellation.service.js';
import type { RedemptionState } from './promo.service.js';
import type { PricedQuote } from './quote.service.js';

const Amount = Type.Integer({ minimum: 0, description: 'Minor units' });

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

export function quoteToReply(q: PricedQuote): QuoteReply {
  return {
    currency: q.currency,
    kind: q.kind,
    venue_id: q.venueId,
    base: q.base,
    discount: q.discount,
    tax: q.tax,
    tax_included: q.taxIncluded,
    total: q.total,
    lines: q.lines.map((l) => ({
      kind: l.kind,
      ...(l.date !== undefined ? { date: l.date } : {}),
      description: l.description,
      amount: l.amount,
    })),
    discounts: q.discounts.map((d) => ({
      kind: d.kind,
      ...(d.code !== undefined ? { code: d.code } : {}),
      description: d.description,
      amount: d.amount,
    })),
    taxes: q.taxes.map((t) => ({
      name: t.name,
      ...(t.rateBps !== undefined ? { rate_bps: t.rateBps } : {}),
      ...(t.per !== undefined ? { per: t.per, unit_amount: t.unitAmount ?? 0 } : {}),
      amount: t.amount,
      inclusive: t.inclusive,
    })),
    promo_code: q.promoCode,
    rate_plan_id: q.ratePlanId,
    deposit: q.deposit,
  };
}

export const RedemptionBody = Type.Object(
  { booking_id: Type.String({ minLength: 1, maxLength: 100, description: 'The booking that uses the code' }) },
  { additionalProperties: false },
);
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

export function redemptionToReply(s: RedemptionState): RedemptionReply {
  return {
    code: s.promo.code,
    booking_id: s.redemption.bookingId,
    uses: s.promo.uses,
    max_uses: s.promo.maxUses,
    status: s.redemption.status,
    redeemed_at: s.redemption.redeemedAt?.toISOString() ?? null,
    released_at: s.redemption.releasedAt?.toISOString() ?? null,
  };
}

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

export function feeAnswerToReply(a: FeeAnswer): Static<typeof CancellationFeeReply> {
  return {
    fee: a.fee,
    refundable: a.refundable,
    currency: a.currency,
    rule: a.rule,
    policy: {
      id: a.policy.id,
      name: a.policy.name,
      source: a.policy.source,
      rate_plan_id: a.policy.ratePlanId,
      free_until_hours: a.policy.freeUntilHours,
      late_fee: feeToReply(a.policy.lateFee),
      no_show_fee: feeToReply(a.policy.noShowFee),
      currency: a.policy.currency,
    },
  };
}

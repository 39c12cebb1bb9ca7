/**
 * The administration contract of /api/v1/pricing: one TypeBox schema per request and reply (validation,
 * types and OpenAPI at once), and the mapper from each domain rule to its reply.
 * Money: integer minor units with an ISO 4217 currency. Rates: integer basis points (2000 = 20 %).
 */
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDate, IsoDateTime } from '../../platform/http/schemas.js';
import type {
  CancellationPolicy,
  DiningPrice,
  Fee,
  LosDiscount,
  PromoCode,
  RateOverride,
  RatePlan,
  Tax,
  WeekdayRule,
} from './pricing.model.js';

/** A reply field that may be null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/**
 * A request field that may be null: `nullable: true`, not a union with null — under the app's
 * `coerceTypes` a union's first branch would turn null into 0 or "" before the null branch is tried.
 */
export const NullableIn = <T extends TSchema>(t: T) => Type.Unsafe<Static<T> | null>({ ...t, nullable: true });

export const VenueId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'A venue of the inventory service' });
export const RoomTypeId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'A room type of the inventory service' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. GBP' });
export const Money = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Minor units (pence, cents)' });
export const PromoCodeString = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$',
  description: 'Letters, digits, "-" and "_", 2–40 characters; case-insensitive (stored upper-case)',
});
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Uuid = Type.String({ format: 'uuid' });
const AdjustmentBps = Type.Integer({
  minimum: -10_000,
  maximum: 100_000,
  description: 'Percentage adjustment in basis points: 2000 = +20 %, -1500 = −15 %',
});
const Stamps = { created_at: IsoDateTime, updated_at: IsoDateTime };

export const IdParams = Type.Object({ id: Uuid });
export const CodeParams = Type.Object({ code: PromoCodeString });
export const VenueParams = Type.Object({ venue_id: VenueId });
export const ScopeQuery = Type.Object(
  { venue_id: Type.Optional(VenueId), rate_plan_id: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const VenueQuery = Type.Object({ venue_id: Type.Optional(VenueId) }, { additionalProperties: false });
export const RatePlanQuery = Type.Object(
  { venue_id: Type.Optional(VenueId), room_type_id: Type.Optional(RoomTypeId) },
  { additionalProperties: false },
);

const list = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });

// ---------------------------------------------------------------- rate plans

export const RatePlanReply = Type.Object(
  {
    id: Uuid,
    venue_id: Type.String(),
    room_type_id: Type.String(),
    name: Type.String(),
    base_price: Type.Integer(),
    currency: Type.String(),
    ...Stamps,
  },
  { $id: 'PricingRatePlan' },
);
export const RatePlanList = list(RatePlanReply);
export const CreateRatePlanBody = Type.Object(
  {
    venue_id: VenueId,
    room_type_id: RoomTypeId,
    name: Name,
    base_price: { ...Money, description: 'Nightly price, minor units' },
    currency: Currency,
  },
  { additionalProperties: false },
);
export const PatchRatePlanBody = Type.Object(
  { name: Type.Optional(Name), base_price: Type.Optional(Money), currency: Type.Optional(Currency) },
  { additionalProperties: false, minProperties: 1 },
);
export type CreateRatePlanBody = Static<typeof CreateRatePlanBody>;

export function ratePlanToReply(p: RatePlan): Static<typeof RatePlanReply> {
  return {
    id: p.id,
    venue_id: p.venueId,
    room_type_id: p.roomTypeId,
    name: p.name,
    base_price: p.basePrice,
    currency: p.currency,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- date-range overrides

const OverrideKind = Type.Union([Type.Literal('price'), Type.Literal('percent')]);
export const OverrideReply = Type.Object(
  {
    id: Uuid,
    venue_id: Type.String(),
    rate_plan_id: Nullable(Uuid),
    name: Type.String(),
    from: IsoDate,
    to: IsoDate,
    kind: OverrideKind,
    nightly_price: Nullable(Type.Integer()),
    currency: Nullable(Type.String()),
    adjustment_bps: Nullable(Type.Integer()),
    ...Stamps,
  },
  { $id: 'PricingRateOverride' },
);
export const OverrideList = list(OverrideReply);
export const CreateOverrideBody = Type.Object(
  {
    venue_id: VenueId,
    rate_plan_id: Type.Optional(NullableIn(Uuid)),
    name: Name,
    from: { ...IsoDate, description: 'First night covered' },
    to: { ...IsoDate, description: 'First night no longer covered: the override covers [from, to)' },
    kind: OverrideKind,
    nightly_price: Type.Optional(NullableIn({ ...Money, description: 'kind price: the night’s price, minor units' })),
    currency: Type.Optional(NullableIn(Currency)),
    adjustment_bps: Type.Optional(NullableIn(AdjustmentBps)),
  },
  { additionalProperties: false },
);
export const PatchOverrideBody = Type.Object(
  {
    name: Type.Optional(Name),
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    kind: Type.Optional(OverrideKind),
    nightly_price: Type.Optional(NullableIn(Money)),
    currency: Type.Optional(NullableIn(Currency)),
    adjustment_bps: Type.Optional(NullableIn(AdjustmentBps)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function overrideToReply(o: RateOverride): Static<typeof OverrideReply> {
  return {
    id: o.id,
    venue_id: o.venueId,
    rate_plan_id: o.ratePlanId,
    name: o.name,
    from: o.from,
    to: o.to,
    kind: o.kind,
    nightly_price: o.nightlyPrice,
    currency: o.currency,
    adjustment_bps: o.adjustmentBps,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- weekday rules

const Weekdays = Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
  minItems: 1,
  maxItems: 7,
  uniqueItems: true,
  description: 'ISO weekdays of the nights: 1 = Monday … 7 = Sunday (Fri/Sat nights: [5, 6])',
});
export const WeekdayRuleReply = Type.Object(
  {
    id: Uuid,
    venue_id: Type.String(),
    rate_plan_id: Nullable(Uuid),
    name: Type.String(),
    weekdays: Type.Array(Type.Integer()),
    adjustment_bps: Type.Integer(),
    ...Stamps,
  },
  { $id: 'PricingWeekdayRule' },
);
export const WeekdayRuleList = list(WeekdayRuleReply);
const NonZeroAdjustment = Type.Integer({ ...AdjustmentBps, not: { const: 0 } });
export const CreateWeekdayRuleBody = Type.Object(
  { venue_id: VenueId, rate_plan_id: Type.Optional(NullableIn(Uuid)), name: Name, weekdays: Weekdays, adjustment_bps: NonZeroAdjustment },
  { additionalProperties: false },
);
export const PatchWeekdayRuleBody = Type.Object(
  { name: Type.Optional(Name), weekdays: Type.Optional(Weekdays), adjustment_bps: Type.Optional(NonZeroAdjustment) },
  { additionalProperties: false, minProperties: 1 },
);

export function weekdayRuleToReply(r: WeekdayRule): Static<typeof WeekdayRuleReply> {
  return {
    id: r.id,
    venue_id: r.venueId,
    rate_plan_id: r.ratePlanId,
    name: r.name,
    weekdays: [...r.weekdays],
    adjustment_bps: r.adjustmentBps,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- length-of-stay discounts

const MinNights = Type.Integer({ minimum: 1, maximum: 365 });
const DiscountBps = Type.Integer({ minimum: 1, maximum: 10_000, description: 'Discount in basis points: 1000 = 10 % off' });
export const LosDiscountReply = Type.Object(
  {
    id: Uuid,
    venue_id: Type.String(),
    rate_plan_id: Nullable(Uuid),
    name: Type.String(),
    min_nights: Type.Integer(),
    discount_bps: Type.Integer(),
    ...Stamps,
  },
  { $id: 'PricingLosDiscount' },
);
export const LosDiscountList = list(LosDiscountReply);
export const CreateLosDiscountBody = Type.Object(
  { venue_id: VenueId, rate_plan_id: Type.Optional(NullableIn(Uuid)), name: Name, min_nights: MinNights, discount_bps: DiscountBps },
  { additionalProperties: false },
);
export const PatchLosDiscountBody = Type.Object(
  { name: Type.Optional(Name), min_nights: Type.Optional(MinNights), discount_bps: Type.Optional(DiscountBps) },
  { additionalProperties: false, minProperties: 1 },
);

export function losDiscountToReply(d: LosDiscount): Static<typeof LosDiscountReply> {
  return {
    id: d.id,
    venue_id: d.venueId,
    rate_plan_id: d.ratePlanId,
    name: d.name,
    min_nights: d.minNights,
    discount_bps: d.discountBps,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- promo codes

const PromoKind = Type.Union([Type.Literal('percent'), Type.Literal('fixed')]);
const PromoAmount = Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'kind fixed: minor units off' });
const MaxUses = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'null: unlimited' });
export const PromoCodeReply = Type.Object(
  {
    code: Type.String(),
    description: Type.String(),
    kind: PromoKind,
    discount_bps: Nullable(Type.Integer()),
    amount: Nullable(Type.Integer()),
    currency: Nullable(Type.String()),
    valid_from: Nullable(IsoDateTime),
    valid_until: Nullable(IsoDateTime),
    max_uses: Nullable(Type.Integer()),
    uses: Type.Integer(),
    venue_id: Nullable(Type.String()),
    min_nights: Nullable(Type.Integer()),
    ...Stamps,
  },
  { $id: 'PricingPromoCode' },
);
export const PromoCodeList = list(PromoCodeReply);
const promoFields = {
  description: Type.Optional(Type.String({ maxLength: 500 })),
  kind: PromoKind,
  discount_bps: Type.Optional(NullableIn(DiscountBps)),
  amount: Type.Optional(NullableIn(PromoAmount)),
  currency: Type.Optional(NullableIn(Currency)),
  valid_from: Type.Optional(NullableIn({ ...IsoDateTime, description: 'Usable from this instant (inclusive)' })),
  valid_until: Type.Optional(NullableIn({ ...IsoDateTime, description: 'Usable until this instant (exclusive)' })),
  max_uses: Type.Optional(NullableIn(MaxUses)),
  venue_id: Type.Optional(NullableIn(VenueId)),
  min_nights: Type.Optional(NullableIn(MinNights)),
};
export const CreatePromoCodeBody = Type.Object({ code: PromoCodeString, ...promoFields }, { additionalProperties: false });
export const PatchPromoCodeBody = Type.Object(
  { ...promoFields, kind: Type.Optional(PromoKind) },
  { additionalProperties: false, minProperties: 1 },
);

export function promoCodeToReply(p: PromoCode): Static<typeof PromoCodeReply> {
  return {
    code: p.code,
    description: p.description,
    kind: p.kind,
    discount_bps: p.discountBps,
    amount: p.amount,
    currency: p.currency,
    valid_from: p.validFrom?.toISOString() ?? null,
    valid_until: p.validUntil?.toISOString() ?? null,
    max_uses: p.maxUses,
    uses: p.uses,
    venue_id: p.venueId,
    min_nights: p.minNights,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- taxes

const TaxKind = Type.Union([Type.Literal('percent'), Type.Literal('fixed')]);
const TaxPer = Type.Union([Type.Literal('night'), Type.Literal('cover'), Type.Literal('booking')]);
const RateBps = Type.Integer({ minimum: 0, maximum: 10_000, description: 'kind percent: the rate in basis points (2000 = 20 %)' });
export const TaxReply = Type.Object(
  {
    id: Uuid,
    venue_id: Type.String(),
    name: Type.String(),
    kind: TaxKind,
    rate_bps: Nullable(Type.Integer()),
    amount: Nullable(Type.Integer()),
    currency: Nullable(Type.String()),
    per: Nullable(TaxPer),
    inclusive: Type.Boolean(),
    ...Stamps,
  },
  { $id: 'PricingTax' },
);
export const TaxList = list(TaxReply);
const taxFields = {
  name: Name,
  kind: TaxKind,
  rate_bps: Type.Optional(NullableIn(RateBps)),
  amount: Type.Optional(NullableIn({ ...Money, description: 'kind fixed: minor units per night, cover or booking' })),
  currency: Type.Optional(NullableIn(Currency)),
  per: Type.Optional(
    Type.Unsafe<'night' | 'cover' | 'booking' | null>({ type: 'string', enum: ['night', 'cover', 'booking'], nullable: true }),
  ),
  inclusive: Type.Boolean({ description: 'true: already inside the prices (reported, not added); percent taxes only' }),
};
export const CreateTaxBody = Type.Object({ venue_id: VenueId, ...taxFields }, { additionalProperties: false });
export const PatchTaxBody = Type.Object(
  { ...taxFields, name: Type.Optional(Name), kind: Type.Optional(TaxKind), inclusive: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export function taxToReply(t: Tax): Static<typeof TaxReply> {
  return {
    id: t.id,
    venue_id: t.venueId,
    name: t.name,
    kind: t.kind,
    rate_bps: t.rateBps,
    amount: t.amount,
    currency: t.currency,
    per: t.per,
    inclusive: t.inclusive,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- dining prices

const DiningMode = Type.Union([Type.Literal('price'), Type.Literal('deposit')]);
export const DiningPriceReply = Type.Object(
  { venue_id: Type.String(), mode: DiningMode, per_cover: Type.Integer(), currency: Type.String(), ...Stamps },
  { $id: 'PricingDiningPrice' },
);
export const DiningPriceList = list(DiningPriceReply);
export const PutDiningPriceBody = Type.Object(
  { mode: DiningMode, per_cover: { ...Money, description: 'Per cover, minor units' }, currency: Currency },
  { additionalProperties: false },
);

export function diningPriceToReply(d: DiningPrice): Static<typeof DiningPriceReply> {
  return {
    venue_id: d.venueId,
    mode: d.mode,
    per_cover: d.perCover,
    currency: d.currency,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- cancellation policies

const FeeKind = Type.Union([Type.Literal('none'), Type.Literal('fixed'), Type.Literal('percent'), Type.Literal('first_night')]);
export const FeeSchema = Type.Object(
  {
    kind: FeeKind,
    amount: Type.Optional(NullableIn({ ...Money, description: 'kind fixed: minor units' })),
    rate_bps: Type.Optional(NullableIn(Type.Integer({ minimum: 0, maximum: 10_000, description: 'kind percent: share of the total' }))),
  },
  { additionalProperties: false },
);
export const FeeReply = Type.Object({ kind: FeeKind, amount: Nullable(Type.Integer()), rate_bps: Nullable(Type.Integer()) });
export const PolicyReply = Type.Object(
  {
    id: Uuid,
    venue_id: Type.String(),
    rate_plan_id: Nullable(Uuid),
    name: Type.String(),
    free_until_hours: Type.Integer(),
    late_fee: FeeReply,
    no_show_fee: FeeReply,
    currency: Nullable(Type.String()),
    ...Stamps,
  },
  { $id: 'PricingCancellationPolicy' },
);
export const PolicyList = list(PolicyReply);
const FreeUntilHours = Type.Integer({ minimum: 0, maximum: 8760, description: 'Free until this many hours before arrival' });
export const CreatePolicyBody = Type.Object(
  {
    venue_id: VenueId,
    rate_plan_id: Type.Optional(NullableIn(Uuid)),
    name: Name,
    free_until_hours: FreeUntilHours,
    late_fee: FeeSchema,
    no_show_fee: FeeSchema,
    currency: Type.Optional(NullableIn({ ...Currency, description: 'Of the fixed fees (required with one)' })),
  },
  { additionalProperties: false },
);
export const PatchPolicyBody = Type.Object(
  {
    name: Type.Optional(Name),
    free_until_hours: Type.Optional(FreeUntilHours),
    late_fee: Type.Optional(FeeSchema),
    no_show_fee: Type.Optional(FeeSchema),
    currency: Type.Optional(NullableIn(Currency)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function feeFromBody(f: Static<typeof FeeSchema>): Fee {
  return { kind: f.kind, amount: f.amount ?? null, rateBps: f.rate_bps ?? null };
}

export function feeToReply(f: Fee): Static<typeof FeeReply> {
  return { kind: f.kind, amount: f.amount, rate_bps: f.rateBps };
}

export function policyToReply(p: CancellationPolicy): Static<typeof PolicyReply> {
  return {
    id: p.id,
    venue_id: p.venueId,
    rate_plan_id: p.ratePlanId,
    name: p.name,
    free_until_hours: p.freeUntilHours,
    late_fee: feeToReply(p.lateFee),
    no_show_fee: feeToReply(p.noShowFee),
    currency: p.currency,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

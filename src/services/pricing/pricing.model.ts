/**
 * The pricing rules as the domain sees them (camelCase), and the one mapper per table from its row.
 * Money is integer minor units in the rule's currency; rates are basis points.
 */
import type { Selectable } from 'kysely';
import type {
  CancellationPolicyTable,
  DiningPriceTable,
  FeeKind,
  LosDiscountTable,
  PromoCodeTable,
  RateOverrideTable,
  RatePlanTable,
  TaxTable,
  WeekdayRuleTable,
} from './pricing.tables.js';

export type { FeeKind } from './pricing.tables.js';

interface Stamped {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A rule of a whole venue (ratePlanId null) or of one of its rate plans. */
interface Scoped {
  readonly id: string;
  readonly venueId: string;
  readonly ratePlanId: string | null;
  readonly name: string;
}

export interface RatePlan extends Stamped {
  readonly id: string;
  readonly venueId: string;
  readonly roomTypeId: string;
  readonly name: string;
  readonly basePrice: number;
  readonly currency: string;
}

export interface RateOverride extends Scoped, Stamped {
  /** First night covered. */
  readonly from: string;
  /** First night no longer covered (exclusive). */
  readonly to: string;
  readonly kind: 'price' | 'percent';
  readonly nightlyPrice: number | null;
  readonly currency: string | null;
  readonly adjustmentBps: number | null;
}

export interface WeekdayRule extends Scoped, Stamped {
  /** ISO weekdays, 1 = Monday … 7 = Sunday, ascending. */
  readonly weekdays: readonly number[];
  readonly adjustmentBps: number;
}

export interface LosDiscount extends Scoped, Stamped {
  readonly minNights: number;
  readonly discountBps: number;
}

export interface PromoCode extends Stamped {
  readonly code: string;
  readonly description: string;
  readonly kind: 'percent' | 'fixed';
  readonly discountBps: number | null;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly validFrom: Date | null;
  readonly validUntil: Date | null;
  readonly maxUses: number | null;
  readonly uses: number;
  readonly venueId: string | null;
  readonly minNights: number | null;
}

export type TaxPer = 'night' | 'cover' | 'booking';

export interface Tax extends Stamped {
  readonly id: string;
  readonly venueId: string;
  readonly name: string;
  readonly kind: 'percent' | 'fixed';
  readonly rateBps: number | null;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly per: TaxPer | null;
  readonly inclusive: boolean;
}

export interface DiningPrice extends Stamped {
  readonly venueId: string;
  readonly mode: 'price' | 'deposit';
  readonly perCover: number;
  readonly currency: string;
}

export interface Fee {
  readonly kind: FeeKind;
  /** Minor units, for `fixed`. */
  readonly amount: number | null;
  /** Of the total, for `percent`. */
  readonly rateBps: number | null;
}

export interface CancellationPolicy extends Scoped, Stamped {
  readonly freeUntilHours: number;
  readonly lateFee: Fee;
  readonly noShowFee: Fee;
  /** The currency of the fixed fees (null when there is none). */
  readonly currency: string | null;
}

const trimCurrency = (c: string): string => c.trim();
const stamps = (r: { created_at: Date; updated_at: Date }): Stamped => ({ createdAt: r.created_at, updatedAt: r.updated_at });

export function rowToRatePlan(r: Selectable<RatePlanTable>): RatePlan {
  return {
    id: r.id,
    venueId: r.venue_id,
    roomTypeId: r.room_type_id,
    name: r.name,
    basePrice: r.base_price,
    currency: trimCurrency(r.currency),
    ...stamps(r),
  };
}

export function rowToOverride(r: Selectable<RateOverrideTable>): RateOverride {
  return {
    id: r.id,
    venueId: r.venue_id,
    ratePlanId: r.rate_plan_id,
    name: r.name,
    from: r.starts_on,
    to: r.ends_on,
    kind: r.kind,
    nightlyPrice: r.nightly_price,
    currency: r.currency && trimCurrency(r.currency),
    adjustmentBps: r.adjustment_bps,
    ...stamps(r),
  };
}

export function rowToWeekdayRule(r: Selectable<WeekdayRuleTable>): WeekdayRule {
  return {
    id: r.id,
    venueId: r.venue_id,
    ratePlanId: r.rate_plan_id,
    name: r.name,
    weekdays: r.weekdays.map(Number),
    adjustmentBps: r.adjustment_bps,
    ...stamps(r),
  };
}

export function rowToLosDiscount(r: Selectable<LosDiscountTable>): LosDiscount {
  return {
    id: r.id,
    venueId: r.venue_id,
    ratePlanId: r.rate_plan_id,
    name: r.name,
    minNights: r.min_nights,
    discountBps: r.discount_bps,
    ...stamps(r),
  };
}

export function rowToPromoCode(r: Selectable<PromoCodeTable>): PromoCode {
  return {
    code: r.code,
    description: r.description,
    kind: r.kind,
    discountBps: r.discount_bps,
    amount: r.amount,
    currency: r.currency && trimCurrency(r.currency),
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    maxUses: r.max_uses,
    uses: r.uses,
    venueId: r.venue_id,
    minNights: r.min_nights,
    ...stamps(r),
  };
}

export function rowToTax(r: Selectable<TaxTable>): Tax {
  return {
    id: r.id,
    venueId: r.venue_id,
    name: r.name,
    kind: r.kind,
    rateBps: r.rate_bps,
    amount: r.amount,
    currency: r.currency && trimCurrency(r.currency),
    per: r.per,
    inclusive: r.inclusive,
    ...stamps(r),
  };
}

export function rowToDiningPrice(r: Selectable<DiningPriceTable>): DiningPrice {
  return { venueId: r.venue_id, mode: r.mode, perCover: r.per_cover, currency: trimCurrency(r.currency), ...stamps(r) };
}

export function rowToCancellationPolicy(r: Selectable<CancellationPolicyTable>): CancellationPolicy {
  return {
    id: r.id,
    venueId: r.venue_id,
    ratePlanId: r.rate_plan_id,
    name: r.name,
    freeUntilHours: r.free_until_hours,
    lateFee: { kind: r.late_fee_kind, amount: r.late_fee_amount, rateBps: r.late_fee_bps },
    noShowFee: { kind: r.no_show_fee_kind, amount: r.no_show_fee_amount, rateBps: r.no_show_fee_bps },
    currency: r.currency && trimCurrency(r.currency),
    ...stamps(r),
  };
}

/** Row types of the pricing schema, in one place (money: bigint minor units, read as numbers). */
import type { Generated, Kysely, Transaction } from 'kysely';

export interface RatePlanTable {
  id: string;
  venue_id: string;
  room_type_id: string;
  name: string;
  base_price: number;
  currency: string;
  created_at: Date;
  updated_at: Date;
}

export interface RateOverrideTable {
  id: string;
  venue_id: string;
  rate_plan_id: string | null;
  name: string;
  starts_on: string;
  ends_on: string;
  kind: 'price' | 'percent';
  nightly_price: number | null;
  currency: string | null;
  adjustment_bps: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface WeekdayRuleTable {
  id: string;
  venue_id: string;
  rate_plan_id: string | null;
  name: string;
  weekdays: number[];
  adjustment_bps: number;
  created_at: Date;
  updated_at: Date;
}

export interface LosDiscountTable {
  id: string;
  venue_id: string;
  rate_plan_id: string | null;
  name: string;
  min_nights: number;
  discount_bps: number;
  created_at: Date;
  updated_at: Date;
}

export interface PromoCodeTable {
  code: string;
  description: string;
  kind: 'percent' | 'fixed';
  discount_bps: number | null;
  amount: number | null;
  currency: string | null;
  valid_from: Date | null;
  valid_until: Date | null;
  max_uses: number | null;
  uses: Generated<number>;
  venue_id: string | null;
  min_nights: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface PromoRedemptionTable {
  id: Generated<number>;
  code: string;
  booking_id: string;
  status: 'redeemed' | 'released';
  redeemed_at: Date | null;
  released_at: Date | null;
}

export interface TaxTable {
  id: string;
  seq: Generated<number>;
  venue_id: string;
  name: string;
  kind: 'percent' | 'fixed';
  rate_bps: number | null;
  amount: number | null;
  currency: string | null;
  per: 'night' | 'cover' | 'booking' | null;
  inclusive: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface DiningPriceTable {
  venue_id: string;
  mode: 'price' | 'deposit';
  per_cover: number;
  currency: string;
  created_at: Date;
  updated_at: Date;
}

export type FeeKind = 'none' | 'fixed' | 'percent' | 'first_night';

export interface CancellationPolicyTable {
  id: string;
  venue_id: string;
  rate_plan_id: string | null;
  name: string;
  free_until_hours: number;
  late_fee_kind: FeeKind;
  late_fee_amount: number | null;
  late_fee_bps: number | null;
  no_show_fee_kind: FeeKind;
  no_show_fee_amount: number | null;
  no_show_fee_bps: number | null;
  currency: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface PricingDB {
  'pricing.rate_plan': RatePlanTable;
  'pricing.rate_override': RateOverrideTable;
  'pricing.weekday_rule': WeekdayRuleTable;
  'pricing.los_discount': LosDiscountTable;
  'pricing.promo_code': PromoCodeTable;
  'pricing.promo_redemption': PromoRedemptionTable;
  'pricing.tax': TaxTable;
  'pricing.dining_price': DiningPriceTable;
  'pricing.cancellation_policy': CancellationPolicyTable;
}

export type PricingDb = Kysely<PricingDB>;
export type PricingTrx = Transaction<PricingDB>;
export type PricingExecutor = PricingDb | PricingTrx;

/** The contract of /api/v1/pricing/dining-prices: what a restaurant or cafe charges per cover, a price or a deposit. */
import { Type, type Static } from 'typebox';
import { Currency, Money, Stamps } from '../admin.schemas.js';
import type { DiningPrice } from '../pricing.model.js';

const DiningMode = Type.Union([Type.Literal('price'), Type.Literal('deposit')]);
export const DiningPriceReply = Type.Object(
  { venue_id: Type.String(), mode: DiningMode, per_cover: Type.Integer(), currency: Type.String(), ...Stamps },
  { $id: 'PricingDiningPrice' },
);
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

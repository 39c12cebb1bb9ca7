/** The contract of /api/v1/pricing/los-discounts: a discount from a minimum number of nights. */
import { Type, type Static } from 'typebox';
import { DiscountBps, MinNights, Name, Nullable, NullableIn, Stamps, Uuid, VenueId, patchOf } from '../admin.schemas.js';
import type { LosDiscount } from '../pricing.model.js';

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

/** What an update may change (a discount stays in its scope). */
const editable = { name: Name, min_nights: MinNights, discount_bps: DiscountBps };
export const CreateLosDiscountBody = Type.Object(
  { venue_id: VenueId, rate_plan_id: Type.Optional(NullableIn(Uuid)), ...editable },
  { additionalProperties: false },
);
export const PatchLosDiscountBody = patchOf(editable);

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

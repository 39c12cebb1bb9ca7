/** The contract of /api/v1/pricing/rate-plans: a room type's nightly base price. */
import { Type, type Static } from 'typebox';
import { Currency, Money, Name, RoomTypeId, Stamps, Uuid, VenueId, patchOf } from '../admin.schemas.js';
import type { RatePlan } from '../pricing.model.js';

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

/** What an update may change (a plan stays with its venue and room type). */
const editable = { name: Name, base_price: Money, currency: Currency };
export const CreateRatePlanBody = Type.Object(
  { venue_id: VenueId, room_type_id: RoomTypeId, ...editable, base_price: { ...Money, description: 'Nightly price, minor units' } },
  { additionalProperties: false },
);
export const PatchRatePlanBody = patchOf(editable);
export const RatePlanQuery = Type.Object(
  { venue_id: Type.Optional(VenueId), room_type_id: Type.Optional(RoomTypeId) },
  { additionalProperties: false },
);

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

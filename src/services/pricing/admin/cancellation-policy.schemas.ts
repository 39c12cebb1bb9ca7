/** The contract of /api/v1/pricing/cancellation-policies: free until some hours before arrival, then a late fee; a no-show fee. */
import { Type, type Static } from 'typebox';
import { Currency, FeeReply, FeeSchema, Name, Nullable, NullableIn, Stamps, Uuid, VenueId, feeToReply, patchOf } from '../admin.schemas.js';
import type { CancellationPolicy } from '../pricing.model.js';

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
const FreeUntilHours = Type.Integer({ minimum: 0, maximum: 8760, description: 'Free until this many hours before arrival' });

/** What an update may change (a policy stays in its scope). */
const editable = {
  name: Name,
  free_until_hours: FreeUntilHours,
  late_fee: FeeSchema,
  no_show_fee: FeeSchema,
  currency: Type.Optional(NullableIn(Currency)),
};
export const CreatePolicyBody = Type.Object(
  {
    venue_id: VenueId,
    rate_plan_id: Type.Optional(NullableIn(Uuid)),
    ...editable,
    currency: Type.Optional(NullableIn({ ...Currency, description: 'Of the fixed fees (required with one)' })),
  },
  { additionalProperties: false },
);
export const PatchPolicyBody = patchOf(editable);

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

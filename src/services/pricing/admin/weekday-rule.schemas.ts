/** The contract of /api/v1/pricing/weekday-rules: an adjustment for the nights of some weekdays. */
import { Type, type Static } from 'typebox';
import { AdjustmentBps, Name, Nullable, NullableIn, Stamps, Uuid, VenueId, patchOf } from '../admin.schemas.js';
import type { WeekdayRule } from '../pricing.model.js';

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
const NonZeroAdjustment = Type.Integer({ ...AdjustmentBps, not: { const: 0 } });

/** What an update may change (a rule stays in its scope). */
const editable = { name: Name, weekdays: Weekdays, adjustment_bps: NonZeroAdjustment };
export const CreateWeekdayRuleBody = Type.Object(
  { venue_id: VenueId, rate_plan_id: Type.Optional(NullableIn(Uuid)), ...editable },
  { additionalProperties: false },
);
export const PatchWeekdayRuleBody = patchOf(editable);

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

/** The contract of /api/v1/pricing/overrides: a season or event, a nightly price or a percentage for [from, to). */
import { Type, type Static } from 'typebox';
import { IsoDate } from '../../../platform/http/schemas.js';
import { AdjustmentBps, Currency, Money, Name, Nullable, NullableIn, Stamps, Uuid, VenueId, patchOf } from '../admin.schemas.js';
import type { RateOverride } from '../pricing.model.js';

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

/** What an update may change (an override stays in its scope). */
const editable = {
  name: Name,
  from: IsoDate,
  to: IsoDate,
  kind: OverrideKind,
  nightly_price: Type.Optional(NullableIn(Money)),
  currency: Type.Optional(NullableIn(Currency)),
  adjustment_bps: Type.Optional(NullableIn(AdjustmentBps)),
};
export const CreateOverrideBody = Type.Object(
  {
    venue_id: VenueId,
    rate_plan_id: Type.Optional(NullableIn(Uuid)),
    ...editable,
    from: { ...IsoDate, description: 'First night covered' },
    to: { ...IsoDate, description: 'First night no longer covered: the override covers [from, to)' },
    nightly_price: Type.Optional(NullableIn({ ...Money, description: 'kind price: the night’s price, minor units' })),
  },
  { additionalProperties: false },
);
export const PatchOverrideBody = patchOf(editable);

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

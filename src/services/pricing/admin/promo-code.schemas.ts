/** The contract of /api/v1/pricing/promo-codes: percent or fixed, a validity window, max_uses, a venue and minimum nights. */
import { Type, type Static } from 'typebox';
import { IsoDateTime } from '../../../platform/http/schemas.js';
import { Currency, DiscountBps, MinNights, Nullable, NullableIn, PromoCodeString, Stamps, VenueId, patchOf } from '../admin.schemas.js';
import type { PromoCode } from '../pricing.model.js';

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

/** Everything but the code itself, which an update cannot change. */
const editable = {
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
export const CreatePromoCodeBody = Type.Object({ code: PromoCodeString, ...editable }, { additionalProperties: false });
export const PatchPromoCodeBody = patchOf(editable);

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

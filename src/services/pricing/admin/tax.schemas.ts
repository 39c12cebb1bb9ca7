/** The contract of /api/v1/pricing/taxes: a venue's tax lines, percent (inclusive or not) or fixed per night, cover or booking. */
import { Type, type Static } from 'typebox';
import { Currency, Money, Name, Nullable, NullableIn, Stamps, Uuid, VenueId, patchOf } from '../admin.schemas.js';
import type { Tax } from '../pricing.model.js';

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

/** What an update may change (a tax line stays with its venue). */
const editable = {
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
export const CreateTaxBody = Type.Object({ venue_id: VenueId, ...editable }, { additionalProperties: false });
// The patch's `inclusive` is documented without the create's description (as published).
export const PatchTaxBody = patchOf({ ...editable, inclusive: Type.Boolean() });

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

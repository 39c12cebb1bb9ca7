/** /api/v1/pricing/promo-codes: administering codes (using them is quote.routes.ts: redeem and release). */
import { VenueQuery } from '../admin.schemas.js';
import { listPromoCodes } from '../promo.repository.js';
import { ADMIN_ROLES, byCode, crudResource, orNull, type EveryField } from './crud.routes.js';
import { CreatePromoCodeBody, PatchPromoCodeBody, PromoCodeReply, promoCodeToReply } from './promo-code.schemas.js';
import { createPromoCode, getPromoCode, patchPromoCode, removePromoCode, type PromoCodePatch } from './promo-code.service.js';

/** An ISO instant of a request: absent stays absent (unchanged), null stays null. */
function instant(v: string | null | undefined): Date | null | undefined {
  return v === undefined ? undefined : v === null ? null : new Date(v);
}

export const promoCodes = crudResource({
  path: '/api/v1/pricing/promo-codes',
  operation: 'promo_code',
  item: byCode,
  roles: ADMIN_ROLES,
  reply: PromoCodeReply,
  toReply: promoCodeToReply,
  create: {
    summary: 'Create a promo code (percent or fixed; validity window; max_uses; optional venue and minimum nights)',
    body: CreatePromoCodeBody,
    input: (b) => ({
      code: b.code,
      description: b.description ?? '',
      kind: b.kind,
      discountBps: orNull(b.discount_bps),
      amount: orNull(b.amount),
      currency: orNull(b.currency),
      validFrom: b.valid_from ? new Date(b.valid_from) : null,
      validUntil: b.valid_until ? new Date(b.valid_until) : null,
      maxUses: orNull(b.max_uses),
      venueId: orNull(b.venue_id),
      minNights: orNull(b.min_nights),
    }),
    // null: a platform-wide code, which only an administrator may create (pricing.access.ts).
    venueOf: (i) => i.venueId,
    run: createPromoCode,
  },
  list: { summary: 'List promo codes', query: VenueQuery, run: (db, q, scope) => listPromoCodes(db, { venueId: q.venue_id }, scope) },
  read: { summary: 'Read a promo code and its uses', run: getPromoCode },
  update: {
    summary: 'Change a promo code (max_uses never below the uses taken)',
    body: PatchPromoCodeBody,
    patch: (b): EveryField<PromoCodePatch> => ({
      description: b.description,
      kind: b.kind,
      discountBps: b.discount_bps,
      amount: b.amount,
      currency: b.currency,
      validFrom: instant(b.valid_from),
      validUntil: instant(b.valid_until),
      maxUses: b.max_uses,
      venueId: b.venue_id,
      minNights: b.min_nights,
    }),
    // Moving a code to another venue, or making it platform-wide (null), is checked like a create.
    venueOf: (p) => p.venueId,
    run: patchPromoCode,
  },
  remove: { summary: 'Delete a promo code that was never redeemed', run: removePromoCode },
});

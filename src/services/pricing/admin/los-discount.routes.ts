/** /api/v1/pricing/los-discounts: a discount from a minimum number of nights. */
import { ScopeQuery } from '../admin.schemas.js';
import { listLosDiscounts } from '../rules.repository.js';
import { ADMIN_ROLES, byId, crudResource, orNull, type EveryField } from './crud.routes.js';
import { CreateLosDiscountBody, LosDiscountReply, PatchLosDiscountBody, losDiscountToReply } from './los-discount.schemas.js';
import { createLosDiscount, getLosDiscount, patchLosDiscount, removeLosDiscount, type LosDiscountPatch } from './los-discount.service.js';

export const losDiscounts = crudResource({
  path: '/api/v1/pricing/los-discounts',
  operation: 'los_discount',
  item: byId,
  roles: ADMIN_ROLES,
  reply: LosDiscountReply,
  toReply: losDiscountToReply,
  create: {
    summary: 'Create a length-of-stay discount (e.g. 7+ nights −10 %)',
    body: CreateLosDiscountBody,
    input: (b) => ({
      venueId: b.venue_id,
      ratePlanId: orNull(b.rate_plan_id),
      name: b.name,
      minNights: b.min_nights,
      discountBps: b.discount_bps,
    }),
    venueOf: (i) => i.venueId,
    run: createLosDiscount,
  },
  list: {
    summary: 'List length-of-stay discounts',
    query: ScopeQuery,
    run: (db, q, scope) => listLosDiscounts(db, { venueId: q.venue_id, ratePlanId: q.rate_plan_id }, scope),
  },
  read: { summary: 'Read a length-of-stay discount', run: getLosDiscount },
  update: {
    summary: 'Change a length-of-stay discount',
    body: PatchLosDiscountBody,
    patch: (b): EveryField<LosDiscountPatch> => ({ name: b.name, minNights: b.min_nights, discountBps: b.discount_bps }),
    run: patchLosDiscount,
  },
  remove: { summary: 'Delete a length-of-stay discount', run: removeLosDiscount },
});

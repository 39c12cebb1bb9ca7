/** /api/v1/pricing/rate-plans: the rate plan of a room type (its nightly base price). */
import { listRatePlans } from '../rules.repository.js';
import { ADMIN_ROLES, byId, crudResource, type EveryField } from './crud.routes.js';
import { CreateRatePlanBody, PatchRatePlanBody, RatePlanQuery, RatePlanReply, ratePlanToReply } from './rate-plan.schemas.js';
import { createRatePlan, getRatePlan, patchRatePlan, removeRatePlan, type RatePlanPatch } from './rate-plan.service.js';

export const ratePlans = crudResource({
  path: '/api/v1/pricing/rate-plans',
  operation: 'rate_plan',
  item: byId,
  roles: ADMIN_ROLES,
  reply: RatePlanReply,
  toReply: ratePlanToReply,
  create: {
    summary: 'Create the rate plan of a room type (its nightly base price)',
    body: CreateRatePlanBody,
    input: (b) => ({ venueId: b.venue_id, roomTypeId: b.room_type_id, name: b.name, basePrice: b.base_price, currency: b.currency }),
    venueOf: (i) => i.venueId,
    run: createRatePlan,
  },
  list: {
    summary: 'List rate plans',
    query: RatePlanQuery,
    run: (db, q, scope) => listRatePlans(db, { venueId: q.venue_id, roomTypeId: q.room_type_id }, scope),
  },
  read: { summary: 'Read a rate plan', run: getRatePlan },
  update: {
    summary: 'Change a rate plan’s name, base price or currency',
    body: PatchRatePlanBody,
    patch: (b): EveryField<RatePlanPatch> => ({ name: b.name, basePrice: b.base_price, currency: b.currency }),
    run: patchRatePlan,
  },
  remove: { summary: 'Delete a rate plan with its own rules and policy', run: removeRatePlan },
});

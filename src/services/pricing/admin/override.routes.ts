/** /api/v1/pricing/overrides: seasons and events, a nightly price or a percentage for the nights of [from, to). */
import { listOverrides } from '../rules.repository.js';
import { ADMIN_ROLES, byId, crudResource, orNull, type EveryField } from './crud.routes.js';
import { CreateOverrideBody, OverrideReply, PatchOverrideBody, overrideToReply } from './override.schemas.js';
import { createOverride, getOverride, patchOverride, removeOverride, type OverridePatch } from './override.service.js';
import { ScopeQuery } from '../admin.schemas.js';

export const overrides = crudResource({
  path: '/api/v1/pricing/overrides',
  operation: 'override',
  item: byId,
  roles: ADMIN_ROLES,
  reply: OverrideReply,
  toReply: overrideToReply,
  create: {
    summary: 'Create a season or event: a nightly price or a percentage for the nights of [from, to)',
    body: CreateOverrideBody,
    input: (b) => ({
      venueId: b.venue_id,
      ratePlanId: orNull(b.rate_plan_id),
      name: b.name,
      from: b.from,
      to: b.to,
      kind: b.kind,
      nightlyPrice: orNull(b.nightly_price),
      currency: orNull(b.currency),
      adjustmentBps: orNull(b.adjustment_bps),
    }),
    venueOf: (i) => i.venueId,
    run: createOverride,
  },
  list: {
    summary: 'List date-range overrides',
    query: ScopeQuery,
    run: (db, q, scope) => listOverrides(db, { venueId: q.venue_id, ratePlanId: q.rate_plan_id }, scope),
  },
  read: { summary: 'Read a date-range override', run: getOverride },
  update: {
    summary: 'Change a date-range override',
    body: PatchOverrideBody,
    patch: (b): EveryField<OverridePatch> => ({
      name: b.name,
      from: b.from,
      to: b.to,
      kind: b.kind,
      nightlyPrice: b.nightly_price,
      currency: b.currency,
      adjustmentBps: b.adjustment_bps,
    }),
    run: patchOverride,
  },
  remove: { summary: 'Delete a date-range override', run: removeOverride },
});

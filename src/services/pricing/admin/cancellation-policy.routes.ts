/** /api/v1/pricing/cancellation-policies: the policy of a venue or of one of its rate plans. */
import { VenueQuery, feeFromBody } from '../admin.schemas.js';
import { listPolicies } from '../cancellation-policy.repository.js';
import { ADMIN_ROLES, byId, crudResource, orNull, type EveryField } from './crud.routes.js';
import { CreatePolicyBody, PatchPolicyBody, PolicyReply, policyToReply } from './cancellation-policy.schemas.js';
import { createPolicy, getPolicy, patchPolicy, removePolicy, type PolicyPatch } from './cancellation-policy.service.js';

export const cancellationPolicies = crudResource({
  path: '/api/v1/pricing/cancellation-policies',
  operation: 'cancellation_policy',
  item: byId,
  roles: ADMIN_ROLES,
  reply: PolicyReply,
  toReply: policyToReply,
  create: {
    summary: 'Create the cancellation policy of a venue or of one of its rate plans',
    body: CreatePolicyBody,
    input: (b) => ({
      venueId: b.venue_id,
      ratePlanId: orNull(b.rate_plan_id),
      name: b.name,
      freeUntilHours: b.free_until_hours,
      lateFee: feeFromBody(b.late_fee),
      noShowFee: feeFromBody(b.no_show_fee),
      currency: orNull(b.currency),
    }),
    venueOf: (i) => i.venueId,
    run: createPolicy,
  },
  list: {
    summary: 'List cancellation policies',
    query: VenueQuery,
    run: (db, q, scope) => listPolicies(db, { venueId: q.venue_id }, scope),
  },
  read: { summary: 'Read a cancellation policy', run: getPolicy },
  update: {
    summary: 'Change a cancellation policy',
    body: PatchPolicyBody,
    patch: (b): EveryField<PolicyPatch> => ({
      name: b.name,
      freeUntilHours: b.free_until_hours,
      lateFee: b.late_fee && feeFromBody(b.late_fee),
      noShowFee: b.no_show_fee && feeFromBody(b.no_show_fee),
      currency: b.currency,
    }),
    run: patchPolicy,
  },
  remove: { summary: 'Delete a cancellation policy', run: removePolicy },
});

/** /api/v1/pricing/weekday-rules: an adjustment for the nights of some weekdays. */
import { ScopeQuery } from '../admin.schemas.js';
import { listWeekdayRules } from '../rules.repository.js';
import { ADMIN_ROLES, byId, crudResource, orNull, type EveryField } from './crud.routes.js';
import { CreateWeekdayRuleBody, PatchWeekdayRuleBody, WeekdayRuleReply, weekdayRuleToReply } from './weekday-rule.schemas.js';
import { createWeekdayRule, getWeekdayRule, patchWeekdayRule, removeWeekdayRule, type WeekdayRulePatch } from './weekday-rule.service.js';

export const weekdayRules = crudResource({
  path: '/api/v1/pricing/weekday-rules',
  operation: 'weekday_rule',
  item: byId,
  roles: ADMIN_ROLES,
  reply: WeekdayRuleReply,
  toReply: weekdayRuleToReply,
  create: {
    summary: 'Create a weekday rule (e.g. Fri/Sat nights +20 %)',
    body: CreateWeekdayRuleBody,
    input: (b) => ({
      venueId: b.venue_id,
      ratePlanId: orNull(b.rate_plan_id),
      name: b.name,
      weekdays: b.weekdays,
      adjustmentBps: b.adjustment_bps,
    }),
    venueOf: (i) => i.venueId,
    run: createWeekdayRule,
  },
  list: {
    summary: 'List weekday rules',
    query: ScopeQuery,
    run: (db, q, scope) => listWeekdayRules(db, { venueId: q.venue_id, ratePlanId: q.rate_plan_id }, scope),
  },
  read: { summary: 'Read a weekday rule', run: getWeekdayRule },
  update: {
    summary: 'Change a weekday rule',
    body: PatchWeekdayRuleBody,
    patch: (b): EveryField<WeekdayRulePatch> => ({ name: b.name, weekdays: b.weekdays, adjustmentBps: b.adjustment_bps }),
    run: patchWeekdayRule,
  },
  remove: { summary: 'Delete a weekday rule', run: removeWeekdayRule },
});

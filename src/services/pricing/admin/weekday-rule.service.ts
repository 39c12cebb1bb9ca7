/** Weekday rules: an adjustment for the nights of some ISO weekdays (e.g. Fri/Sat nights +20 %). */
import { randomUUID } from 'node:crypto';
import { invalid, merge, planGone, requireScope, type Fields } from '../admin.service.js';
import type { VenueScope } from '../pricing.access.js';
import { mapSqlErrors, runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { WeekdayRule } from '../pricing.model.js';
import type { PricingExecutor } from '../pricing.tables.js';
import { deleteWeekdayRule, findWeekdayRule, insertWeekdayRule, updateWeekdayRule } from '../rules.repository.js';

export type WeekdayRuleInput = Fields<WeekdayRule>;
/** A rule stays in its scope. */
export type WeekdayRulePatch = Partial<Pick<WeekdayRuleInput, 'name' | 'weekdays' | 'adjustmentBps'>>;

const notFound = (id: string) => pricingError('WEEKDAY_RULE_NOT_FOUND', `Weekday rule ${id} does not exist.`, { weekday_rule_id: id });

function checkWeekdays(weekdays: readonly number[]): number[] {
  const sorted = [...new Set(weekdays)].sort((a, b) => a - b);
  if (sorted.length !== weekdays.length) throw invalid('weekdays must not repeat a day.', { weekdays });
  if (sorted.length === 0 || sorted.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw invalid('weekdays are ISO days 1 (Monday) … 7 (Sunday), at least one.', { weekdays });
  }
  return sorted;
}

export function createWeekdayRule<B>(
  ctx: PricingContext,
  input: WeekdayRuleInput,
  out: Output<WeekdayRule, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    await requireScope(trx, input.venueId, input.ratePlanId, scope);
    const weekdays = checkWeekdays(input.weekdays);
    return mapSqlErrors(
      () =>
        insertWeekdayRule(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          rate_plan_id: input.ratePlanId,
          name: input.name,
          weekdays,
          adjustment_bps: input.adjustmentBps,
          created_at: now,
          updated_at: now,
        }),
      { '23503': planGone(input.ratePlanId) },
    );
  });
}

export async function getWeekdayRule(db: PricingExecutor, id: string, scope: VenueScope): Promise<WeekdayRule> {
  const r = await findWeekdayRule(db, id, false, scope);
  if (r === undefined) throw notFound(id);
  return r;
}

export function patchWeekdayRule<B>(
  ctx: PricingContext,
  id: string,
  patch: WeekdayRulePatch,
  out: Output<WeekdayRule, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findWeekdayRule(trx, id, true, scope);
    if (current === undefined) throw notFound(id);
    const next = merge<WeekdayRuleInput>(current, patch);
    const updated = await updateWeekdayRule(trx, id, {
      name: next.name,
      weekdays: checkWeekdays(next.weekdays),
      adjustment_bps: next.adjustmentBps,
      updated_at: now,
    });
    return updated!;
  });
}

export function removeWeekdayRule<B>(ctx: PricingContext, id: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteWeekdayRule(trx, id, scope))) throw notFound(id);
  });
}

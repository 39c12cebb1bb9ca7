/** Cancellation policies: one per venue and one per rate plan; free until some hours before arrival, then the late fee; the no-show fee. */
import { randomUUID } from 'node:crypto';
import { invalid, merge, planGone, requireScope, type Fields } from '../admin.service.js';
import { deletePolicy, findPolicy, insertPolicy, updatePolicy } from '../cancellation-policy.repository.js';
import type { VenueScope } from '../pricing.access.js';
import { mapSqlErrors, runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { CancellationPolicy, Fee, RatePlan } from '../pricing.model.js';
import type { PricingExecutor } from '../pricing.tables.js';

export type PolicyInput = Fields<CancellationPolicy>;
/** A policy stays in its scope. */
export type PolicyPatch = Partial<Omit<PolicyInput, 'venueId' | 'ratePlanId'>>;

const notFound = (id: string) =>
  pricingError('CANCELLATION_POLICY_NOT_FOUND', `Cancellation policy ${id} does not exist.`, { policy_id: id });

function checkFee(which: 'late_fee' | 'no_show_fee', fee: Fee): void {
  const needs = { none: [], first_night: [], fixed: ['amount'], percent: ['rate_bps'] }[fee.kind];
  const has = [...(fee.amount !== null ? ['amount'] : []), ...(fee.rateBps !== null ? ['rate_bps'] : [])];
  if (needs.join() !== has.join()) {
    throw invalid(`${which} of kind ${fee.kind} ${needs.length ? `takes ${needs.join(', ')} only` : 'takes no amount or rate_bps'}.`, {
      [which]: fee,
    });
  }
}

function checkPolicy(p: PolicyInput, plan: RatePlan | undefined): void {
  checkFee('late_fee', p.lateFee);
  checkFee('no_show_fee', p.noShowFee);
  const fixed = p.lateFee.kind === 'fixed' || p.noShowFee.kind === 'fixed';
  if (fixed && p.currency === null) throw invalid('A fixed fee needs the policy currency.');
  if (!fixed && p.currency !== null) throw invalid('currency is only for fixed fees.');
  if (fixed && plan !== undefined && p.currency !== plan.currency) {
    throw pricingError('PRICING_CURRENCY_MISMATCH', `Rate plan ${plan.id} is priced in ${plan.currency}, not ${p.currency ?? ''}.`, {
      expected: plan.currency,
      got: p.currency,
    });
  }
}

function policyRow(p: PolicyInput) {
  return {
    name: p.name,
    free_until_hours: p.freeUntilHours,
    late_fee_kind: p.lateFee.kind,
    late_fee_amount: p.lateFee.amount,
    late_fee_bps: p.lateFee.rateBps,
    no_show_fee_kind: p.noShowFee.kind,
    no_show_fee_amount: p.noShowFee.amount,
    no_show_fee_bps: p.noShowFee.rateBps,
    currency: p.currency,
  };
}

export function createPolicy<B>(
  ctx: PricingContext,
  input: PolicyInput,
  out: Output<CancellationPolicy, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const plan = await requireScope(trx, input.venueId, input.ratePlanId, scope);
    checkPolicy(input, plan);
    const exists = () =>
      pricingError(
        'CANCELLATION_POLICY_EXISTS',
        input.ratePlanId === null
          ? `Venue ${input.venueId} already has a cancellation policy.`
          : `Rate plan ${input.ratePlanId} already has a cancellation policy.`,
        { venue_id: input.venueId, rate_plan_id: input.ratePlanId },
      );
    return mapSqlErrors(
      () =>
        insertPolicy(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          rate_plan_id: input.ratePlanId,
          ...policyRow(input),
          created_at: now,
          updated_at: now,
        }),
      { '23505': exists, '23503': planGone(input.ratePlanId) },
    );
  });
}

export async function getPolicy(db: PricingExecutor, id: string, scope: VenueScope): Promise<CancellationPolicy> {
  const p = await findPolicy(db, id, false, scope);
  if (p === undefined) throw notFound(id);
  return p;
}

export function patchPolicy<B>(
  ctx: PricingContext,
  id: string,
  patch: PolicyPatch,
  out: Output<CancellationPolicy, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findPolicy(trx, id, true, scope);
    if (current === undefined) throw notFound(id);
    let next = merge<PolicyInput>(current, patch);
    // Dropping the last fixed fee drops the currency with it, unless the patch names one.
    if (patch.currency === undefined && next.lateFee.kind !== 'fixed' && next.noShowFee.kind !== 'fixed')
      next = { ...next, currency: null };
    checkPolicy(next, await requireScope(trx, next.venueId, next.ratePlanId, scope));
    return (await updatePolicy(trx, id, { ...policyRow(next), updated_at: now }))!;
  });
}

export function removePolicy<B>(ctx: PricingContext, id: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deletePolicy(trx, id, scope))) throw notFound(id);
  });
}

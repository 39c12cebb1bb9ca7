/**
 * The fee of a cancellation or no-show under the policy that governs it: the rate plan's (found from
 * the room type) if it has one, else the venue's, else DEFAULT_POLICY (cancelling is free; a no-show
 * costs the first night). The booking service applies the fee; this only computes it.
 */
import { pricingError } from './pricing.errors.js';
import { DEFAULT_POLICY, cancellationFee, type FeeOutcome, type PolicyTerms } from './cancellation-fee.domain.js';
import { policyFor } from './cancellation-policy.repository.js';
import type { PricingContext } from './pricing.context.js';
import type { CancellationPolicy } from './pricing.model.js';
import { findRatePlanByRoomType } from './rules.repository.js';

export interface FeeQuestion {
  readonly venueId: string;
  readonly roomTypeId?: string | undefined;
  readonly arrival: Date;
  readonly at: Date;
  readonly total: number;
  readonly firstNight: number;
  readonly currency: string;
  readonly noShow: boolean;
}

export interface FeeAnswer extends FeeOutcome {
  readonly currency: string;
  readonly policy: PolicyTerms & {
    readonly id: string | null;
    readonly name: string;
    readonly source: 'rate_plan' | 'venue' | 'default';
    readonly ratePlanId: string | null;
    readonly currency: string | null;
  };
}

export async function feeFor(ctx: PricingContext, q: FeeQuestion): Promise<FeeAnswer> {
  if (Number.isNaN(q.arrival.getTime()) || Number.isNaN(q.at.getTime())) {
    throw pricingError('CANCELLATION_FEE_INVALID', 'arrival and at must be ISO date-times.');
  }
  const plan = q.roomTypeId === undefined ? undefined : await findRatePlanByRoomType(ctx.db, q.roomTypeId);
  const ratePlanId = plan !== undefined && plan.venueId === q.venueId ? plan.id : null;
  const policy: CancellationPolicy | undefined = await policyFor(ctx.db, q.venueId, ratePlanId);
  if (policy?.currency != null && policy.currency !== q.currency) {
    throw pricingError('PRICING_CURRENCY_MISMATCH', `The cancellation policy's fixed fees are in ${policy.currency}, not ${q.currency}.`, {
      expected: policy.currency,
      got: q.currency,
    });
  }
  const terms: PolicyTerms = policy ?? DEFAULT_POLICY;
  const outcome = cancellationFee(terms, { arrival: q.arrival, at: q.at, total: q.total, firstNight: q.firstNight, noShow: q.noShow });
  return {
    ...outcome,
    currency: q.currency,
    policy: {
      id: policy?.id ?? null,
      name: policy?.name ?? 'Default: free cancellation; a no-show costs the first night',
      source: policy === undefined ? 'default' : policy.ratePlanId !== null ? 'rate_plan' : 'venue',
      ratePlanId: policy?.ratePlanId ?? null,
      currency: policy?.currency ?? null,
      freeUntilHours: terms.freeUntilHours,
      lateFee: terms.lateFee,
      noShowFee: terms.noShowFee,
    },
  };
}

/**
 * What a cancellation or a no-show costs: plain arithmetic, no I/O.
 *
 * - `no_show`: the policy's no-show fee.
 * - otherwise, cancelling at or before `arrival − freeUntilHours` is free (the edge itself is free);
 *   later, the late fee. A policy whose late fee is `none` never charges a cancellation.
 * Fees: `none` 0; `fixed` its amount; `percent` that share of the total, half up; `first_night` the
 * first night's price. A fee is never more than the total: 0 ≤ fee ≤ total, refundable = total − fee.
 *
 * With no policy configured, DEFAULT_POLICY applies: cancelling is always free; a no-show costs the
 * first night (for a seating, callers pass the seating's price or deposit as `firstNight`).
 */
import { percentOf } from './money.domain.js';
import type { Fee } from './pricing.model.js';

export interface PolicyTerms {
  readonly freeUntilHours: number;
  readonly lateFee: Fee;
  readonly noShowFee: Fee;
}

export const DEFAULT_POLICY: PolicyTerms = {
  freeUntilHours: 0,
  lateFee: { kind: 'none', amount: null, rateBps: null },
  noShowFee: { kind: 'first_night', amount: null, rateBps: null },
};

export type FeeRule = 'free' | 'late' | 'no_show';

export interface FeeRequest {
  readonly arrival: Date;
  readonly at: Date;
  /** What the booking costs, minor units. */
  readonly total: number;
  /** The first night's price (lodging) or the seating's price (dining), minor units. */
  readonly firstNight: number;
  readonly noShow: boolean;
}

export interface FeeOutcome {
  readonly fee: number;
  readonly refundable: number;
  readonly rule: FeeRule;
}

export function feeAmount(fee: Fee, total: number, firstNight: number): number {
  switch (fee.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return Math.min(fee.amount ?? 0, total);
    case 'percent':
      return Math.min(percentOf(total, fee.rateBps ?? 0), total);
    case 'first_night':
      return Math.min(firstNight, total);
  }
}

/** True when `at` is at or before the end of the free window (`freeUntilHours` before arrival). */
export function withinFreeWindow(policy: PolicyTerms, arrival: Date, at: Date): boolean {
  return at.getTime() <= arrival.getTime() - policy.freeUntilHours * 3_600_000;
}

export function cancellationFee(policy: PolicyTerms, request: FeeRequest): FeeOutcome {
  const { total, firstNight } = request;
  let rule: FeeRule;
  let fee: number;
  if (request.noShow) {
    rule = 'no_show';
    fee = feeAmount(policy.noShowFee, total, firstNight);
  } else if (policy.lateFee.kind === 'none' || withinFreeWindow(policy, request.arrival, request.at)) {
    rule = 'free';
    fee = 0;
  } else {
    rule = 'late';
    fee = feeAmount(policy.lateFee, total, firstNight);
  }
  return { fee, refundable: total - fee, rule };
}

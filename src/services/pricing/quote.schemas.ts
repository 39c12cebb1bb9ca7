/**
 * The contract the booking saga calls — quote, promo redeem/release, cancellation fee — lives in
 * src/contracts/pricing.ts (shared with the booking service's client) and is re-exported here with the
 * mappers from the domain's answers to those replies.
 */
import type { CancellationFeeReply, QuoteReply, RedemptionReply } from '../../contracts/pricing.js';
import { feeToReply } from './admin.schemas.js';
import type { FeeAnswer } from './cancellation.service.js';
import type { RedemptionState } from './promo.service.js';
import type { PricedQuote } from './quote.service.js';

export {
  CancellationFeeBody,
  CancellationFeeReply,
  QuoteBody,
  QuoteReply,
  RedemptionBody,
  RedemptionParams,
  RedemptionReply,
} from '../../contracts/pricing.js';

export function quoteToReply(q: PricedQuote): QuoteReply {
  return {
    currency: q.currency,
    kind: q.kind,
    venue_id: q.venueId,
    base: q.base,
    discount: q.discount,
    tax: q.tax,
    tax_included: q.taxIncluded,
    total: q.total,
    lines: q.lines.map((l) => ({
      kind: l.kind,
      ...(l.date !== undefined ? { date: l.date } : {}),
      description: l.description,
      amount: l.amount,
    })),
    discounts: q.discounts.map((d) => ({
      kind: d.kind,
      ...(d.code !== undefined ? { code: d.code } : {}),
      description: d.description,
      amount: d.amount,
    })),
    taxes: q.taxes.map((t) => ({
      name: t.name,
      ...(t.rateBps !== undefined ? { rate_bps: t.rateBps } : {}),
      ...(t.per !== undefined ? { per: t.per, unit_amount: t.unitAmount ?? 0 } : {}),
      amount: t.amount,
      inclusive: t.inclusive,
    })),
    promo_code: q.promoCode,
    rate_plan_id: q.ratePlanId,
    deposit: q.deposit,
  };
}

export function redemptionToReply(s: RedemptionState): RedemptionReply {
  return {
    code: s.promo.code,
    booking_id: s.redemption.bookingId,
    uses: s.promo.uses,
    max_uses: s.promo.maxUses,
    status: s.redemption.status,
    redeemed_at: s.redemption.redeemedAt?.toISOString() ?? null,
    released_at: s.redemption.releasedAt?.toISOString() ?? null,
  };
}

export function feeAnswerToReply(a: FeeAnswer): CancellationFeeReply {
  return {
    fee: a.fee,
    refundable: a.refundable,
    currency: a.currency,
    rule: a.rule,
    policy: {
      id: a.policy.id,
      name: a.policy.name,
      source: a.policy.source,
      rate_plan_id: a.policy.ratePlanId,
      free_until_hours: a.policy.freeUntilHours,
      late_fee: feeToReply(a.policy.lateFee),
      no_show_fee: feeToReply(a.policy.noShowFee),
      currency: a.policy.currency,
    },
  };
}

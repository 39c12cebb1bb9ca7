/**
 * Using promo codes. A quote only checks that a code would apply; a booking takes a use with
 * `redeem` and gives it back with `release`, both idempotent per (code, booking):
 *
 * - redeem inserts the (code, booking) redemption row and, in the same transaction, takes a use with
 *   `UPDATE … SET uses = uses + 1 WHERE uses < max_uses`; none left → PROMO_EXHAUSTED and the row goes
 *   with the rolled-back transaction. A second redeem of the same pair (a retry, or 20 at once) finds
 *   the row — a concurrent one waits on the unique index for the first to finish — and counts nothing.
 * - release marks the redemption released and gives the use back, once. A release before any redeem
 *   records the release, so a late redeem for that booking is refused (PROMO_REDEMPTION_RELEASED)
 *   rather than taking a use nobody will give back.
 * - the validity window is checked against the injected clock when a use is taken; an existing
 *   redemption is answered as it stands, whenever asked.
 */
import { normalizeCode } from './admin.service.js';
import { runUseCase, type Answer, type Output, type PricingContext } from './pricing.context.js';
import { pricingError } from './pricing.errors.js';
import type { PromoCode } from './pricing.model.js';
import type { PricingExecutor } from './pricing.tables.js';
import {
  findPromoCode,
  findRedemption,
  giveUseBack,
  insertRedemption,
  markReleased,
  takeUse,
  type Redemption,
} from './promo.repository.js';

export interface RedemptionState {
  readonly promo: PromoCode;
  readonly redemption: Redemption;
}

/** Why a code cannot be used at `now`, by its validity window; undefined when it can. */
function windowProblem(promo: PromoCode, now: Date) {
  if (promo.validFrom !== null && now.getTime() < promo.validFrom.getTime()) {
    return pricingError('PROMO_NOT_APPLICABLE', `Promo code ${promo.code} is not valid before ${promo.validFrom.toISOString()}.`, {
      code: promo.code,
      reason: 'not_yet_valid',
      valid_from: promo.validFrom.toISOString(),
    });
  }
  if (promo.validUntil !== null && now.getTime() >= promo.validUntil.getTime()) {
    return pricingError('PROMO_EXPIRED', `Promo code ${promo.code} expired at ${promo.validUntil.toISOString()}.`, {
      code: promo.code,
      valid_until: promo.validUntil.toISOString(),
    });
  }
  return undefined;
}

const exhausted = (promo: Pick<PromoCode, 'code' | 'maxUses'>) =>
  pricingError('PROMO_EXHAUSTED', `Promo code ${promo.code} has no uses left.`, { code: promo.code, max_uses: promo.maxUses });

export interface PromoUse {
  readonly venueId: string;
  readonly kind: 'lodging' | 'dining';
  readonly nights: number;
  readonly currency: string;
}

/** The code a quote names, checked as a booking would use it (a quote never takes a use). */
export async function promoForQuote(db: PricingExecutor, code: string, use: PromoUse, now: Date): Promise<PromoCode> {
  const c = normalizeCode(code);
  const promo = await findPromoCode(db, c);
  if (promo === undefined) throw pricingError('PROMO_INVALID', `Promo code ${c} does not exist.`, { code: c });
  const problem = windowProblem(promo, now);
  if (problem !== undefined) throw problem;
  const notApplicable = (message: string, details: Record<string, unknown>) =>
    pricingError('PROMO_NOT_APPLICABLE', message, { code: c, ...details });
  if (promo.venueId !== null && promo.venueId !== use.venueId) {
    throw notApplicable(`Promo code ${c} is only valid at venue ${promo.venueId}.`, { reason: 'venue', venue_id: promo.venueId });
  }
  if (promo.minNights !== null && use.kind === 'lodging' && use.nights < promo.minNights) {
    throw notApplicable(`Promo code ${c} needs a stay of at least ${promo.minNights} nights.`, {
      reason: 'min_nights',
      min_nights: promo.minNights,
    });
  }
  if (promo.kind === 'fixed' && promo.currency !== use.currency) {
    throw notApplicable(`Promo code ${c} is an amount in ${promo.currency ?? ''}, not ${use.currency}.`, {
      reason: 'currency',
      currency: promo.currency,
    });
  }
  if (promo.maxUses !== null && promo.uses >= promo.maxUses) throw exhausted(promo);
  return promo;
}

function notFound(code: string) {
  return pricingError('PROMO_CODE_NOT_FOUND', `Promo code ${code} does not exist.`, { code });
}

export function redeemPromo<B>(ctx: PricingContext, code: string, bookingId: string, out: Output<RedemptionState, B>): Promise<Answer<B>> {
  const c = normalizeCode(code);
  return runUseCase(ctx, out, async (trx, now): Promise<RedemptionState> => {
    const promo = await findPromoCode(trx, c);
    if (promo === undefined) throw notFound(c);
    if (await insertRedemption(trx, { code: c, bookingId, status: 'redeemed', at: now })) {
      const problem = windowProblem(promo, now);
      if (problem !== undefined) throw problem;
      const taken = await takeUse(trx, c, now);
      if (taken === undefined) throw exhausted(promo);
      return { promo: taken, redemption: { code: c, bookingId, status: 'redeemed', redeemedAt: now, releasedAt: null } };
    }
    const existing = (await findRedemption(trx, c, bookingId))!;
    if (existing.status === 'released') {
      throw pricingError(
        'PROMO_REDEMPTION_RELEASED',
        `Promo code ${c} was released for booking ${bookingId}; it cannot be redeemed again.`,
        {
          code: c,
          booking_id: bookingId,
        },
      );
    }
    return { promo: (await findPromoCode(trx, c))!, redemption: existing };
  });
}

export function releasePromo<B>(ctx: PricingContext, code: string, bookingId: string, out: Output<RedemptionState, B>): Promise<Answer<B>> {
  const c = normalizeCode(code);
  return runUseCase(ctx, out, async (trx, now) => {
    if ((await findPromoCode(trx, c)) === undefined) throw notFound(c);
    // Nothing redeemed yet: record the release, so that a late redeem cannot take a use.
    if (!(await insertRedemption(trx, { code: c, bookingId, status: 'released', at: now }))) {
      if (await markReleased(trx, c, bookingId, now)) await giveUseBack(trx, c, now);
    }
    return { promo: (await findPromoCode(trx, c))!, redemption: (await findRedemption(trx, c, bookingId))! };
  });
}

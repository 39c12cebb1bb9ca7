/**
 * Promo codes: percent or fixed, a validity window, max_uses, optionally a venue and a minimum of
 * nights. Codes are case-insensitive (stored upper-case). Using a code is promo.service.ts.
 */
import { invalid, merge, normalizeCode, type Fields } from '../admin.service.js';
import type { VenueScope } from '../pricing.access.js';
import { mapSqlErrors, runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { PromoCode } from '../pricing.model.js';
import type { PricingExecutor } from '../pricing.tables.js';
import { countRedemptions, deletePromoCode, findPromoCode, insertPromoCode, updatePromoCode } from '../promo.repository.js';

/** A code as created: everything but the uses, which only redeem and release count. */
export type PromoCodeInput = Omit<Fields<PromoCode>, 'uses'>;
/** The code itself never changes. */
export type PromoCodePatch = Partial<Omit<PromoCodeInput, 'code'>>;

function checkPromo(p: PromoCodeInput): void {
  if (p.kind === 'percent') {
    if (p.discountBps === null) throw invalid('A percent promo code needs discount_bps.');
    if (p.amount !== null || p.currency !== null) throw invalid('A percent promo code has no amount or currency.');
  } else {
    if (p.amount === null || p.currency === null) throw invalid('A fixed promo code needs amount and currency.');
    if (p.discountBps !== null) throw invalid('A fixed promo code has no discount_bps.');
  }
  if (p.validFrom !== null && p.validUntil !== null && p.validFrom.getTime() >= p.validUntil.getTime()) {
    throw invalid('valid_from must be before valid_until.', {
      valid_from: p.validFrom.toISOString(),
      valid_until: p.validUntil.toISOString(),
    });
  }
}

function promoRow(p: PromoCodeInput) {
  return {
    description: p.description,
    kind: p.kind,
    discount_bps: p.discountBps,
    amount: p.amount,
    currency: p.currency,
    valid_from: p.validFrom,
    valid_until: p.validUntil,
    max_uses: p.maxUses,
    venue_id: p.venueId,
    min_nights: p.minNights,
  };
}

const promoNotFound = (code: string) => pricingError('PROMO_CODE_NOT_FOUND', `Promo code ${code} does not exist.`, { code });

/**
 * The venue (or none: platform-wide) is checked against the caller's scope before (crud.routes.ts).
 * Codes are one namespace across organizations: a code another organization has is PROMO_CODE_EXISTS
 * too (it says no more of it).
 */
export function createPromoCode<B>(
  ctx: PricingContext,
  input: PromoCodeInput,
  out: Output<PromoCode, B>,
  _scope: VenueScope,
): Promise<Answer<B>> {
  const p = { ...input, code: normalizeCode(input.code) };
  return runUseCase(ctx, out, async (trx, now) => {
    checkPromo(p);
    const exists = () => pricingError('PROMO_CODE_EXISTS', `Promo code ${p.code} already exists.`, { code: p.code });
    if ((await findPromoCode(trx, p.code)) !== undefined) throw exists();
    return mapSqlErrors(() => insertPromoCode(trx, { code: p.code, ...promoRow(p), uses: 0, created_at: now, updated_at: now }), {
      '23505': exists,
    });
  });
}

export async function getPromoCode(db: PricingExecutor, code: string, scope: VenueScope): Promise<PromoCode> {
  const p = await findPromoCode(db, normalizeCode(code), false, scope);
  if (p === undefined) throw promoNotFound(normalizeCode(code));
  return p;
}

/** The row is locked first, so a concurrent redeem cannot take a use between the check and the write. */
/** A patch that moves the code to another venue (or makes it platform-wide) was checked against the scope before (crud.routes.ts). */
export function patchPromoCode<B>(
  ctx: PricingContext,
  code: string,
  patch: PromoCodePatch,
  out: Output<PromoCode, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  const c = normalizeCode(code);
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findPromoCode(trx, c, true, scope);
    if (current === undefined) throw promoNotFound(c);
    const switched = patch.kind !== undefined && patch.kind !== current.kind;
    const base: PromoCodeInput = switched ? { ...current, discountBps: null, amount: null, currency: null } : current;
    const next = merge<PromoCodeInput>(base, patch);
    checkPromo(next);
    const belowUses = () =>
      pricingError('PROMO_MAX_USES_BELOW_USES', `max_uses ${next.maxUses ?? ''} is below the ${current.uses} uses already taken.`, {
        uses: current.uses,
        max_uses: next.maxUses,
      });
    if (next.maxUses !== null && next.maxUses < current.uses) throw belowUses();
    const updated = await mapSqlErrors(() => updatePromoCode(trx, c, { ...promoRow(next), updated_at: now }), { '23514': belowUses });
    return updated!;
  });
}

export function removePromoCode<B>(ctx: PricingContext, code: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  const c = normalizeCode(code);
  return runUseCase(ctx, out, async (trx) => {
    const redeemed = () => pricingError('PROMO_CODE_REDEEMED', undefined, { code: c });
    // Locked within the caller's scope: the delete below is of this row, which the lock keeps where it is.
    if ((await findPromoCode(trx, c, true, scope)) === undefined) throw promoNotFound(c);
    if ((await countRedemptions(trx, c)) > 0) throw redeemed();
    await mapSqlErrors(() => deletePromoCode(trx, c), { '23503': redeemed });
  });
}

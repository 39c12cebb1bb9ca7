/** Length-of-stay discounts: from a minimum number of nights, one per minimum and scope. */
import { randomUUID } from 'node:crypto';
import { merge, planGone, requireScope, type Fields } from '../admin.service.js';
import type { VenueScope } from '../pricing.access.js';
import { mapSqlErrors, runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { LosDiscount } from '../pricing.model.js';
import type { PricingExecutor } from '../pricing.tables.js';
import { deleteLosDiscount, findLosDiscount, insertLosDiscount, updateLosDiscount } from '../rules.repository.js';

export type LosDiscountInput = Fields<LosDiscount>;
/** A discount stays in its scope. */
export type LosDiscountPatch = Partial<Pick<LosDiscountInput, 'name' | 'minNights' | 'discountBps'>>;

const notFound = (id: string) =>
  pricingError('LOS_DISCOUNT_NOT_FOUND', `Length-of-stay discount ${id} does not exist.`, { los_discount_id: id });

const losExists = (l: { ratePlanId: string | null; minNights: number }) => () =>
  pricingError('LOS_DISCOUNT_EXISTS', `A length-of-stay discount from ${l.minNights} nights already exists in this scope.`, {
    min_nights: l.minNights,
    rate_plan_id: l.ratePlanId,
  });

export function createLosDiscount<B>(
  ctx: PricingContext,
  input: LosDiscountInput,
  out: Output<LosDiscount, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    await requireScope(trx, input.venueId, input.ratePlanId, scope);
    return mapSqlErrors(
      () =>
        insertLosDiscount(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          rate_plan_id: input.ratePlanId,
          name: input.name,
          min_nights: input.minNights,
          discount_bps: input.discountBps,
          created_at: now,
          updated_at: now,
        }),
      { '23505': losExists(input), '23503': planGone(input.ratePlanId) },
    );
  });
}

export async function getLosDiscount(db: PricingExecutor, id: string, scope: VenueScope): Promise<LosDiscount> {
  const d = await findLosDiscount(db, id, false, scope);
  if (d === undefined) throw notFound(id);
  return d;
}

export function patchLosDiscount<B>(
  ctx: PricingContext,
  id: string,
  patch: LosDiscountPatch,
  out: Output<LosDiscount, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findLosDiscount(trx, id, true, scope);
    if (current === undefined) throw notFound(id);
    const next = merge<LosDiscountInput>(current, patch);
    const updated = await mapSqlErrors(
      () => updateLosDiscount(trx, id, { name: next.name, min_nights: next.minNights, discount_bps: next.discountBps, updated_at: now }),
      { '23505': losExists(next) },
    );
    return updated!;
  });
}

export function removeLosDiscount<B>(ctx: PricingContext, id: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteLosDiscount(trx, id, scope))) throw notFound(id);
  });
}

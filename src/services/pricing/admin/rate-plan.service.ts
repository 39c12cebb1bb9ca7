/** Rate plans: one per room type, its nightly base price in its currency. */
import { randomUUID } from 'node:crypto';
import type { AppError } from '../../../platform/errors.js';
import type { Fields } from '../admin.service.js';
import type { VenueScope } from '../pricing.access.js';
import { mapSqlErrors, runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { RatePlan } from '../pricing.model.js';
import type { PricingExecutor } from '../pricing.tables.js';
import { deleteRatePlan, findRatePlan, findRatePlanByRoomType, insertRatePlan, updateRatePlan } from '../rules.repository.js';

export type RatePlanInput = Fields<RatePlan>;
/** A plan stays with its venue and room type. */
export type RatePlanPatch = Partial<Pick<RatePlanInput, 'name' | 'basePrice' | 'currency'>>;

const notFound = (id: string) => pricingError('RATE_PLAN_NOT_FOUND', `Rate plan ${id} does not exist.`, { rate_plan_id: id });

function ratePlanExists(roomTypeId: string, existing?: RatePlan): AppError {
  return pricingError('RATE_PLAN_EXISTS', `Room type ${roomTypeId} already has a rate plan.`, {
    room_type_id: roomTypeId,
    ...(existing ? { rate_plan_id: existing.id } : {}),
  });
}

export function createRatePlan<B>(
  ctx: PricingContext,
  input: RatePlanInput,
  out: Output<RatePlan, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    // Only a plan the caller may see is named; one of another organization still refuses (the UNIQUE below).
    const existing = await findRatePlanByRoomType(trx, input.roomTypeId, scope);
    if (existing !== undefined) throw ratePlanExists(input.roomTypeId, existing);
    return mapSqlErrors(
      () =>
        insertRatePlan(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          room_type_id: input.roomTypeId,
          name: input.name,
          base_price: input.basePrice,
          currency: input.currency,
          created_at: now,
          updated_at: now,
        }),
      { '23505': () => ratePlanExists(input.roomTypeId) },
    );
  });
}

export async function getRatePlan(db: PricingExecutor, id: string, scope: VenueScope): Promise<RatePlan> {
  const plan = await findRatePlan(db, id, false, scope);
  if (plan === undefined) throw notFound(id);
  return plan;
}

export function patchRatePlan<B>(
  ctx: PricingContext,
  id: string,
  patch: RatePlanPatch,
  out: Output<RatePlan, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    if ((await findRatePlan(trx, id, true, scope)) === undefined) throw notFound(id);
    const updated = await updateRatePlan(trx, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.basePrice !== undefined ? { base_price: patch.basePrice } : {}),
      ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
      updated_at: now,
    });
    return updated!;
  });
}

/** Deletes a rate plan with its own rules and policy (its venue's rules stay). */
export function removeRatePlan<B>(ctx: PricingContext, id: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteRatePlan(trx, id, scope))) throw notFound(id);
  });
}

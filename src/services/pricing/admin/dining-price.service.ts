/** Dining prices: what a restaurant or cafe charges per cover, a price or a deposit; one per venue, set or replaced whole. */
import type { Fields } from '../admin.service.js';
import type { VenueScope } from '../pricing.access.js';
import { runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { DiningPrice } from '../pricing.model.js';
import type { PricingExecutor } from '../pricing.tables.js';
import { deleteDiningPrice, findDiningPrice, upsertDiningPrice } from '../venue-pricing.repository.js';

export type DiningPriceInput = Fields<DiningPrice>;

const notFound = (venueId: string) =>
  pricingError('DINING_PRICE_NOT_FOUND', `Venue ${venueId} has no dining price.`, { venue_id: venueId });

/** The venue is checked against the caller's scope before (crud.routes.ts): the row is keyed by it. */
export function putDiningPrice<B>(
  ctx: PricingContext,
  input: DiningPriceInput,
  out: Output<DiningPrice, B>,
  _scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) =>
    upsertDiningPrice(trx, {
      venue_id: input.venueId,
      mode: input.mode,
      per_cover: input.perCover,
      currency: input.currency,
      created_at: now,
      updated_at: now,
    }),
  );
}

export async function getDiningPrice(db: PricingExecutor, venueId: string, scope: VenueScope): Promise<DiningPrice> {
  const d = await findDiningPrice(db, venueId, scope);
  if (d === undefined) throw notFound(venueId);
  return d;
}

export function removeDiningPrice<B>(ctx: PricingContext, venueId: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteDiningPrice(trx, venueId, scope))) throw notFound(venueId);
  });
}

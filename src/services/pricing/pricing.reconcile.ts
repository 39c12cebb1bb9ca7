/**
 * Read-only facts of the pricing schema for the operator's reconciliation (`src/ops/reconcile.ts`):
 * each promo code's `uses` beside the redemption rows it counts, and the active redemptions with the
 * booking ids they name. Nothing here reads another schema or writes anything.
 */
import { sql } from 'kysely';
import type { PricingExecutor } from './pricing.tables.js';

/** A promo code whose `uses` is not the number of its `redeemed` redemption rows. */
export interface PromoUsesMismatch {
  readonly code: string;
  readonly uses: number;
  readonly redeemed: number;
}

/** An active (`redeemed`) redemption: one use of `code` taken for `bookingId`. */
export interface ActiveRedemption {
  readonly code: string;
  readonly bookingId: string;
}

/** `uses` counts every active redemption (migration 160100): uses = count(status = 'redeemed'). */
export async function promoUsesMismatches(db: PricingExecutor): Promise<PromoUsesMismatch[]> {
  const { rows } = await sql<PromoUsesMismatch>`
    select p.code, p.uses, coalesce(r.redeemed, 0)::int as redeemed
    from pricing.promo_code p
    left join (
      select code, count(*)::int as redeemed from pricing.promo_redemption where status = 'redeemed' group by code
    ) r on r.code = p.code
    where p.uses <> coalesce(r.redeemed, 0)
    order by p.code`.execute(db);
  return rows;
}

export async function activeRedemptions(db: PricingExecutor): Promise<ActiveRedemption[]> {
  return db
    .selectFrom('pricing.promo_redemption')
    .select(['code', 'booking_id as bookingId'])
    .where('status', '=', 'redeemed')
    .orderBy('code')
    .orderBy('booking_id')
    .execute();
}

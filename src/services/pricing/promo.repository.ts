/**
 * SQL of promo codes and their redemptions. Uses are counted in SQL: one conditional
 * `UPDATE … SET uses = uses + 1 WHERE uses < max_uses` per redemption, in the transaction that inserts
 * the redemption row (UNIQUE (code, booking_id)), backed by CHECK (uses <= max_uses).
 */
import type { Insertable, Updateable } from 'kysely';
import { ALL_VENUES, venueIn, type VenueScope } from './pricing.access.js';
import { rowToPromoCode, type PromoCode } from './pricing.model.js';
import type { PricingExecutor, PricingTrx, PromoCodeTable } from './pricing.tables.js';

export interface Redemption {
  readonly code: string;
  readonly bookingId: string;
  readonly status: 'redeemed' | 'released';
  readonly redeemedAt: Date | null;
  readonly releasedAt: Date | null;
}

export async function insertPromoCode(trx: PricingTrx, row: Insertable<PromoCodeTable>): Promise<PromoCode> {
  return rowToPromoCode(await trx.insertInto('pricing.promo_code').values(row).returningAll().executeTakeFirstOrThrow());
}

/** The code if it is within `scope`: a narrowed scope never sees a platform-wide code (null venue). */
export async function findPromoCode(
  db: PricingExecutor,
  code: string,
  lock = false,
  scope: VenueScope = ALL_VENUES,
): Promise<PromoCode | undefined> {
  let q = db.selectFrom('pricing.promo_code').selectAll().where('code', '=', code).where(venueIn(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToPromoCode(row);
}

export async function listPromoCodes(
  db: PricingExecutor,
  filter: { venueId?: string | undefined },
  scope: VenueScope = ALL_VENUES,
): Promise<PromoCode[]> {
  let q = db.selectFrom('pricing.promo_code').selectAll().where(venueIn(scope));
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  return (await q.orderBy('code').execute()).map(rowToPromoCode);
}

export async function updatePromoCode(trx: PricingTrx, code: string, changes: Updateable<PromoCodeTable>): Promise<PromoCode | undefined> {
  const row = await trx.updateTable('pricing.promo_code').set(changes).where('code', '=', code).returningAll().executeTakeFirst();
  return row && rowToPromoCode(row);
}

export async function deletePromoCode(trx: PricingTrx, code: string): Promise<boolean> {
  return (await trx.deleteFrom('pricing.promo_code').where('code', '=', code).returning('code').execute()).length > 0;
}

export async function countRedemptions(db: PricingExecutor, code: string): Promise<number> {
  const row = await db
    .selectFrom('pricing.promo_redemption')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Inserts a redemption row, or does nothing when (code, booking) has one already (a concurrent insert
 * of the same pair waits for the first to commit or roll back). True when this call inserted it.
 */
export async function insertRedemption(
  trx: PricingTrx,
  row: { code: string; bookingId: string; status: 'redeemed' | 'released'; at: Date },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('pricing.promo_redemption')
    .values({
      code: row.code,
      booking_id: row.bookingId,
      status: row.status,
      redeemed_at: row.status === 'redeemed' ? row.at : null,
      released_at: row.status === 'released' ? row.at : null,
    })
    .onConflict((oc) => oc.columns(['code', 'booking_id']).doNothing())
    .returning('id')
    .execute();
  return inserted.length > 0;
}

export async function findRedemption(db: PricingExecutor, code: string, bookingId: string): Promise<Redemption | undefined> {
  const row = await db
    .selectFrom('pricing.promo_redemption')
    .selectAll()
    .where('code', '=', code)
    .where('booking_id', '=', bookingId)
    .executeTakeFirst();
  return row && { code: row.code, bookingId: row.booking_id, status: row.status, redeemedAt: row.redeemed_at, releasedAt: row.released_at };
}

/** Marks an active redemption released; false when it was not active (already released). */
export async function markReleased(trx: PricingTrx, code: string, bookingId: string, at: Date): Promise<boolean> {
  const rows = await trx
    .updateTable('pricing.promo_redemption')
    .set({ status: 'released', released_at: at })
    .where('code', '=', code)
    .where('booking_id', '=', bookingId)
    .where('status', '=', 'redeemed')
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** uses + 1 if a use is left; undefined when none is (nothing changed). */
export async function takeUse(trx: PricingTrx, code: string, at: Date): Promise<PromoCode | undefined> {
  const row = await trx
    .updateTable('pricing.promo_code')
    .set((eb) => ({ uses: eb('uses', '+', 1), updated_at: at }))
    .where('code', '=', code)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .returningAll()
    .executeTakeFirst();
  return row && rowToPromoCode(row);
}

/** uses − 1 (the caller has just released an active redemption, so uses > 0). */
export async function giveUseBack(trx: PricingTrx, code: string, at: Date): Promise<PromoCode> {
  const row = await trx
    .updateTable('pricing.promo_code')
    .set((eb) => ({ uses: eb('uses', '-', 1), updated_at: at }))
    .where('code', '=', code)
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToPromoCode(row);
}

/** SQL of a venue's tax lines and its dining (per-cover) price. */
import type { Insertable, Updateable } from 'kysely';
import { ALL_VENUES, venueIn, type VenueScope } from './pricing.access.js';
import { rowToDiningPrice, rowToTax, type DiningPrice, type Tax } from './pricing.model.js';
import type { DiningPriceTable, PricingExecutor, PricingTrx, TaxTable } from './pricing.tables.js';

export async function insertTax(trx: PricingTrx, row: Insertable<TaxTable>): Promise<Tax> {
  return rowToTax(await trx.insertInto('pricing.tax').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function findTax(db: PricingExecutor, id: string, lock = false, scope: VenueScope = ALL_VENUES): Promise<Tax | undefined> {
  let q = db.selectFrom('pricing.tax').selectAll().where('id', '=', id).where(venueIn(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToTax(row);
}

/** A venue's tax lines (or every venue's), in the order they were created: the order a quote reports them. */
export async function listTaxes(
  db: PricingExecutor,
  filter: { venueId?: string | undefined },
  scope: VenueScope = ALL_VENUES,
): Promise<Tax[]> {
  let q = db.selectFrom('pricing.tax').selectAll().where(venueIn(scope));
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  return (await q.orderBy('venue_id').orderBy('seq').execute()).map(rowToTax);
}

export async function updateTax(trx: PricingTrx, id: string, changes: Updateable<TaxTable>): Promise<Tax | undefined> {
  const row = await trx.updateTable('pricing.tax').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row && rowToTax(row);
}

export async function deleteTax(trx: PricingTrx, id: string, scope: VenueScope = ALL_VENUES): Promise<boolean> {
  return (await trx.deleteFrom('pricing.tax').where('id', '=', id).where(venueIn(scope)).returning('id').execute()).length > 0;
}

/** Creates or replaces a venue's dining price; `created_at` survives a replacement. */
export async function upsertDiningPrice(trx: PricingTrx, row: Insertable<DiningPriceTable>): Promise<DiningPrice> {
  const saved = await trx
    .insertInto('pricing.dining_price')
    .values(row)
    .onConflict((oc) =>
      oc.column('venue_id').doUpdateSet((eb) => ({
        mode: eb.ref('excluded.mode'),
        per_cover: eb.ref('excluded.per_cover'),
        currency: eb.ref('excluded.currency'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToDiningPrice(saved);
}

export async function findDiningPrice(
  db: PricingExecutor,
  venueId: string,
  scope: VenueScope = ALL_VENUES,
): Promise<DiningPrice | undefined> {
  const row = await db
    .selectFrom('pricing.dining_price')
    .selectAll()
    .where('venue_id', '=', venueId)
    .where(venueIn(scope))
    .executeTakeFirst();
  return row && rowToDiningPrice(row);
}

export async function listDiningPrices(db: PricingExecutor, scope: VenueScope = ALL_VENUES): Promise<DiningPrice[]> {
  return (await db.selectFrom('pricing.dining_price').selectAll().where(venueIn(scope)).orderBy('venue_id').execute()).map(
    rowToDiningPrice,
  );
}

export async function deleteDiningPrice(trx: PricingTrx, venueId: string, scope: VenueScope = ALL_VENUES): Promise<boolean> {
  const rows = await trx
    .deleteFrom('pricing.dining_price')
    .where('venue_id', '=', venueId)
    .where(venueIn(scope))
    .returning('venue_id')
    .execute();
  return rows.length > 0;
}

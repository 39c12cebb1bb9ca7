import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
//
// The level under which a product's available units (quantity − reserved) count as low: `stock.low`
// is written when a hold, a sale or a new quantity takes them from at least the threshold to under it.
// 5 by default for every item, old and new; 0 turns the event off for an item (available is never < 0).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table inventory.stock_item
      add column low_stock_threshold int not null default 5
        constraint stock_item_low_stock_threshold check (low_stock_threshold between 0 and 1000000000)`.execute(db);
}

/** Checks shared by the retail stock tests, read with SQL. */
import { sql } from 'kysely';
import type { AnyDB } from '../../src/platform/db/database.js';

/** Everything stored about stock (items, movements, holds, idempotency keys): the "nothing changed" snapshot. */
export async function stockSnapshot(db: AnyDB): Promise<unknown> {
  const { rows } = await sql`
    select (select coalesce(json_agg(i order by i.id), '[]') from inventory.stock_item i) as items,
           (select count(*) from inventory.stock_movement) as movements,
           (select count(*) from inventory.hold) as holds,
           (select count(*) from inventory.idempotency_key) as keys`.execute(db);
  return rows[0];
}

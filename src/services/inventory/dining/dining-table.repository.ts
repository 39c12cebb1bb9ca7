/** SQL for the tables of a dining venue. Rows are mapped once, here. */
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { ALL, owned, type Scope } from '../inventory.scope.js';
import type { InventoryExecutor } from '../inventory.tables.js';
import type { DiningTableTable } from './dining.tables.js';

export interface DiningTable {
  readonly id: string;
  readonly venueId: string;
  readonly name: string;
  readonly minSeats: number;
  readonly maxSeats: number;
  readonly area: string;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function rowToTable(row: Selectable<DiningTableTable>): DiningTable {
  return {
    id: row.id,
    venueId: row.venue_id,
    name: row.name,
    minSeats: row.min_seats,
    maxSeats: row.max_seats,
    area: row.area,
    active: row.active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewTable {
  readonly id: string;
  readonly venueId: string;
  readonly name: string;
  readonly minSeats: number;
  readonly maxSeats: number;
  readonly area: string;
}

/** Inserts a table; undefined when the venue already has a table of that name. */
export async function insertTable(db: InventoryExecutor, t: NewTable, now: Date): Promise<DiningTable | undefined> {
  const row = await db
    .insertInto('inventory.dining_table')
    .values({
      id: t.id,
      venue_id: t.venueId,
      name: t.name,
      min_seats: t.minSeats,
      max_seats: t.maxSeats,
      area: t.area,
      active: true,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['venue_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && rowToTable(row);
}

export async function listTables(db: InventoryExecutor, venueId: string, includeInactive: boolean): Promise<DiningTable[]> {
  let q = db.selectFrom('inventory.dining_table').selectAll().where('venue_id', '=', venueId).orderBy('area').orderBy('name');
  if (!includeInactive) q = q.where('active', '=', true);
  return (await q.execute()).map(rowToTable);
}

/** The table, if it exists within the caller's scope (its venue's), locked for a change. */
export async function findTableForUpdate(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<DiningTable | undefined> {
  const row = await owned(
    db.selectFrom('inventory.dining_table').selectAll().where('id', '=', id),
    scope,
    'inventory.dining_table.venue_id',
  )
    .forUpdate()
    .executeTakeFirst();
  return row && rowToTable(row);
}

export interface TableChanges {
  readonly name?: string;
  readonly minSeats?: number;
  readonly maxSeats?: number;
  readonly area?: string;
  readonly active?: boolean;
}

export async function updateTable(db: InventoryExecutor, id: string, c: TableChanges, now: Date): Promise<DiningTable | undefined> {
  const row = await db
    .updateTable('inventory.dining_table')
    .set({
      updated_at: now,
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.minSeats !== undefined ? { min_seats: c.minSeats } : {}),
      ...(c.maxSeats !== undefined ? { max_seats: c.maxSeats } : {}),
      ...(c.area !== undefined ? { area: c.area } : {}),
      ...(c.active !== undefined ? { active: c.active } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && rowToTable(row);
}

/** What the venue's active tables can seat: the largest table, and whether one (in `area`) seats `party`. */
export async function seatingFit(
  db: InventoryExecutor,
  venueId: string,
  party: number,
  area: string | undefined,
): Promise<{ largest: number | null; fits: boolean }> {
  const { rows } = await sql<{ largest: number | null; fits: boolean }>`
    select max(max_seats) as largest,
           coalesce(bool_or(min_seats <= ${party} and ${party} <= max_seats and (${area ?? null}::text is null or area = ${area ?? null})), false) as fits
    from inventory.dining_table
    where venue_id = ${venueId} and active`.execute(db);
  return rows[0] ?? { largest: null, fits: false };
}

/** SQL for room types. Rows are mapped once, here, so snake_case stays at the edge. */
import { sql, type Selectable, type SqlBool } from 'kysely';
import { ALL, listedOrOwned, owned, type Scope } from '../inventory.scope.js';
import type { InventoryExecutor, InventoryTrx } from '../inventory.tables.js';
import type { RoomTypeTable } from './lodging.tables.js';

export interface RoomType {
  readonly id: string;
  readonly venueId: string;
  readonly name: string;
  readonly capacityAdults: number;
  /** Nightly price, minor units of `currency`. */
  readonly price: number;
  readonly currency: string;
  readonly totalQuantity: number;
  readonly overbookingAllowance: number;
  readonly active: boolean;
  /** Rows of room_night exist for every night in [nightsFrom, nightsUntil]. */
  readonly nightsFrom: string;
  readonly nightsUntil: string;
}

type RoomTypeRow = Selectable<RoomTypeTable> & { currency: string };

export function rowToRoomType(row: RoomTypeRow): RoomType {
  return {
    id: row.id,
    venueId: row.venue_id,
    name: row.name,
    capacityAdults: row.capacity_adults,
    price: row.price,
    currency: row.currency,
    totalQuantity: row.total_quantity,
    overbookingAllowance: row.overbooking_allowance,
    active: row.active,
    nightsFrom: row.nights_from,
    nightsUntil: row.nights_until,
  };
}

function selectRoomTypes(db: InventoryExecutor) {
  return db
    .selectFrom('inventory.room_type as rt')
    .innerJoin('inventory.venue as v', 'v.id', 'rt.venue_id')
    .selectAll('rt')
    .select('v.currency');
}

/** What the public catalogue shows of room types: active ones of active hotels. */
const ON_SALE = sql<SqlBool>`(rt.active and v.active)`;

/** The room type, if it exists within the caller's scope. */
export async function findRoomType(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<RoomType | undefined> {
  const row = await owned(selectRoomTypes(db).where('rt.id', '=', id), scope, 'rt.venue_id').executeTakeFirst();
  return row && rowToRoomType(row);
}

/** The room type as the public catalogue shows it: any on sale, another only within the scope. */
export async function findListedRoomType(db: InventoryExecutor, id: string, scope: Scope): Promise<RoomType | undefined> {
  const row = await listedOrOwned(selectRoomTypes(db).where('rt.id', '=', id), scope, 'rt.venue_id', ON_SALE).executeTakeFirst();
  return row && rowToRoomType(row);
}

/** The room type (within the scope), locked against concurrent capacity changes (FOR UPDATE of its row). */
export async function lockRoomType(trx: InventoryTrx, id: string, scope: Scope = ALL): Promise<RoomType | undefined> {
  const row = await owned(selectRoomTypes(trx).where('rt.id', '=', id), scope, 'rt.venue_id')
    .forUpdate('rt')
    .executeTakeFirst();
  return row && rowToRoomType(row);
}

/** A hotel's room types: active ones; with `includeInactive`, the others too, but only within the scope. */
export async function listRoomTypes(
  db: InventoryExecutor,
  venueId: string,
  includeInactive: boolean,
  scope: Scope = ALL,
): Promise<RoomType[]> {
  let q = selectRoomTypes(db).where('rt.venue_id', '=', venueId).orderBy('rt.price').orderBy('rt.id');
  q = includeInactive ? listedOrOwned(q, scope, 'rt.venue_id', sql<SqlBool>`rt.active`) : q.where('rt.active', '=', true);
  return (await q.execute()).map(rowToRoomType);
}

/** Room types of a hotel whose name (or id) is `nameOrId`: how the /inventory surface names a room type. */
export async function findRoomTypesByName(db: InventoryExecutor, venueId: string, nameOrId: string): Promise<RoomType[]> {
  const rows = await selectRoomTypes(db)
    .where('rt.venue_id', '=', venueId)
    .where('rt.active', '=', true)
    .where((eb) => eb.or([eb('rt.name', '=', nameOrId), eb('rt.id', '=', nameOrId)]))
    .execute();
  return rows.map(rowToRoomType);
}

export interface NewRoomType {
  readonly id: string;
  readonly venueId: string;
  readonly name: string;
  readonly capacityAdults: number;
  readonly price: number;
  readonly totalQuantity: number;
  readonly overbookingAllowance: number;
  readonly nightsFrom: string;
  readonly nightsUntil: string;
}

/** Inserts a room type; false when the id is taken. */
export async function insertRoomType(trx: InventoryTrx, rt: NewRoomType, now: Date): Promise<boolean> {
  const row = await trx
    .insertInto('inventory.room_type')
    .values({
      id: rt.id,
      venue_id: rt.venueId,
      name: rt.name,
      capacity_adults: rt.capacityAdults,
      price: rt.price,
      total_quantity: rt.totalQuantity,
      overbooking_allowance: rt.overbookingAllowance,
      active: true,
      nights_from: rt.nightsFrom,
      nights_until: rt.nightsUntil,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export interface RoomTypeChanges {
  readonly name?: string;
  readonly capacityAdults?: number;
  readonly price?: number;
  readonly totalQuantity?: number;
  readonly overbookingAllowance?: number;
  readonly active?: boolean;
}

export async function updateRoomType(trx: InventoryTrx, id: string, c: RoomTypeChanges, now: Date): Promise<void> {
  await trx
    .updateTable('inventory.room_type')
    .set({
      updated_at: now,
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.capacityAdults !== undefined ? { capacity_adults: c.capacityAdults } : {}),
      ...(c.price !== undefined ? { price: c.price } : {}),
      ...(c.totalQuantity !== undefined ? { total_quantity: c.totalQuantity } : {}),
      ...(c.overbookingAllowance !== undefined ? { overbooking_allowance: c.overbookingAllowance } : {}),
      ...(c.active !== undefined ? { active: c.active } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Moves the guaranteed horizon of every room type whose rows end before `until` (rows inserted by the caller). */
export async function markHorizon(trx: InventoryTrx, ids: readonly string[], from: string, until: string): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update inventory.room_type
    set nights_from = case when nights_until + 1 < ${from}::date then ${from}::date else nights_from end,
        nights_until = ${until}::date
    where id in (${sql.join(ids)}) and nights_until < ${until}::date`.execute(trx);
}

/** SQL for the hotel inventory view of seed 001: one row per room type and night, with the hotel. */
import { sql, type RawBuilder } from 'kysely';
import type { InventoryExecutor } from '../inventory.tables.js';

export interface HotelInventoryRow {
  readonly hotel_id: string;
  readonly hotel_name: string;
  readonly location: string;
  readonly room_type: string;
  readonly date: string;
  readonly available_rooms: number;
  /** Minor units. */
  readonly price: number;
  readonly demand_level: string;
}

// A night's stored demand level, or one read from its occupancy.
const columns = sql`v.id as hotel_id, v.name as hotel_name, v.location, rt.name as room_type, rn.night as date,
  rn.capacity - rn.reserved as available_rooms, rt.price,
  coalesce(rn.demand_level, case when rn.capacity = 0 or rn.reserved * 10 >= rn.capacity * 8 then 'high'
    when rn.reserved * 2 >= rn.capacity then 'medium' else 'low' end) as demand_level`;

const from = sql`inventory.room_night rn
  join inventory.room_type rt on rt.id = rn.room_type_id
  join inventory.venue v on v.id = rt.venue_id`;

/** Every hotel's nightly rows, in primary-key order (index order, so a page stops early). */
export async function pageInventory(db: InventoryExecutor, limit: number, offset: number): Promise<HotelInventoryRow[]> {
  const { rows } = await sql<HotelInventoryRow>`
    select ${columns} from ${from}
    where v.type = 'hotel' and rt.active
    order by rn.room_type_id, rn.night
    limit ${limit} offset ${offset}`.execute(db);
  return rows;
}

/** One hotel's nightly rows between two dates (inclusive; either may be absent). */
export async function hotelRows(db: InventoryExecutor, hotelId: string, start?: string, end?: string): Promise<HotelInventoryRow[]> {
  const conds: RawBuilder<unknown>[] = [sql`v.id = ${hotelId}`, sql`v.type = 'hotel'`, sql`rt.active`];
  if (start !== undefined) conds.push(sql`rn.night >= ${start}::date`);
  if (end !== undefined) conds.push(sql`rn.night <= ${end}::date`);
  const { rows } = await sql<HotelInventoryRow>`
    select ${columns} from ${from}
    where ${sql.join(conds, sql` and `)}
    order by rn.night, rt.price, rt.id`.execute(db);
  return rows;
}

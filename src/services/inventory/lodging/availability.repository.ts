/**
 * Availability search in one set-based query over the matching room types and their nightly rows
 * (primary key (room_type_id, night)). A night without a row counts at the room type's full capacity.
 */
import { sql, type RawBuilder } from 'kysely';
import { addDays, nightsOf } from '../../../platform/dates.js';
import type { InventoryExecutor } from '../inventory.tables.js';

export interface RoomTypeFilter {
  readonly venueId?: string;
  /** Case-insensitive match of the venue's location. */
  readonly location?: string;
  readonly roomTypeId?: string;
  /** Exact room type name. */
  readonly name?: string;
  /** Room types for at least this many adults. */
  readonly adults?: number;
  readonly minPrice?: number;
  readonly maxPrice?: number;
}

export interface RoomTypeMatch {
  readonly room_type_id: string;
  readonly venue_id: string;
  readonly venue_name: string;
  readonly location: string;
  readonly currency: string;
  readonly name: string;
  readonly capacity_adults: number;
  readonly price: number;
  readonly total_quantity: number;
}

export interface AvailabilityRow extends RoomTypeMatch {
  /** Rooms free on every night of the stay: the minimum over its nights of capacity − reserved. */
  readonly available: number;
  /** Free rooms per night, in night order. */
  readonly nightly: number[];
}

function conditions(f: RoomTypeFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`rt.active`, sql`v.active`, sql`v.type = 'hotel'`];
  if (f.venueId !== undefined) parts.push(sql`rt.venue_id = ${f.venueId}`);
  if (f.location !== undefined) parts.push(sql`lower(v.location) = lower(${f.location})`);
  if (f.roomTypeId !== undefined) parts.push(sql`rt.id = ${f.roomTypeId}`);
  if (f.name !== undefined) parts.push(sql`rt.name = ${f.name}`);
  if (f.adults !== undefined) parts.push(sql`rt.capacity_adults >= ${f.adults}`);
  if (f.minPrice !== undefined) parts.push(sql`rt.price >= ${f.minPrice}`);
  if (f.maxPrice !== undefined) parts.push(sql`rt.price <= ${f.maxPrice}`);
  return sql.join(parts, sql` and `);
}

const matchColumns = sql`rt.id as room_type_id, rt.venue_id, v.name as venue_name, v.location, v.currency, rt.name,
  rt.capacity_adults, rt.price, rt.total_quantity`;

/** Active room types of active hotels matching the filter, without dates. */
export async function findRoomTypes(db: InventoryExecutor, f: RoomTypeFilter): Promise<RoomTypeMatch[]> {
  const { rows } = await sql<RoomTypeMatch>`
    select ${matchColumns}
    from inventory.room_type rt join inventory.venue v on v.id = rt.venue_id
    where ${conditions(f)}
    order by rt.venue_id, rt.id`.execute(db);
  return rows;
}

/**
 * Matching room types with their availability over the nights [checkIn, checkIn + nights): per room
 * type, one range scan of its primary key (room_type_id, night) aggregated laterally — the plan stays
 * an index range scan per room type however long the stay (a join on generated dates lets the planner
 * pick a sequential scan of the whole table for longer stays). Nights without a row count at the room
 * type's full capacity (`full`); `stored` holds the rows that exist.
 */
export async function searchAvailability(
  db: InventoryExecutor,
  f: RoomTypeFilter,
  checkIn: string,
  nights: number,
): Promise<AvailabilityRow[]> {
  const { rows } = await sql<Omit<AvailabilityRow, 'nightly'> & { full: number; stored: [string, number][] | null }>`
    select ${matchColumns}, rt.total_quantity + rt.overbooking_allowance as full,
      least(coalesce(a.min_free, rt.total_quantity + rt.overbooking_allowance),
            case when a.rows < ${nights}::int then rt.total_quantity + rt.overbooking_allowance end)::int as available,
      a.stored
    from inventory.room_type rt
    join inventory.venue v on v.id = rt.venue_id
    cross join lateral (
      select min(rn.capacity - rn.reserved) as min_free, count(*) as rows,
        json_agg(json_build_array(rn.night, rn.capacity - rn.reserved) order by rn.night) as stored
      from inventory.room_night rn
      where rn.room_type_id = rt.id and rn.night >= ${checkIn}::date and rn.night < ${checkIn}::date + ${nights}::int
    ) a
    where ${conditions(f)}
    order by rt.venue_id, rt.id`.execute(db);
  const dates = nightsOf(checkIn, addDays(checkIn, nights));
  return rows.map(({ full, stored, ...row }) => {
    const free = new Map(stored ?? []);
    return { ...row, nightly: dates.map((d) => free.get(d) ?? full) };
  });
}

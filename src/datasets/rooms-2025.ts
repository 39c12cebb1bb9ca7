/**
 * The `rooms-2025` data set: exactly the seed-002 data shipped in data/seeds/ — 12 room types and 192
 * nightly reserved counts (2025-12-05 … 2025-12-20) — under one hotel venue `rooms-2025`. Each room
 * type's capacity is its total quantity; the counts are direct reservations, logged as data-set
 * adjustments so that every reserved room is attributable. Loading twice changes nothing.
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import type { InventoryDb } from '../services/inventory/inventory.tables.js';
import { createRoomTypeIn } from '../services/inventory/lodging/room-type.service.js';
import { logAdjustment } from '../services/inventory/lodging/room-night.repository.js';
import { insertVenue } from '../services/inventory/venues/venue.repository.js';
import type { Dataset } from './dataset.js';

export const ROOMS_2025_VENUE_ID = 'rooms-2025';

const ROOM_TYPES_FILE = new URL('../../data/seeds/room_types_data.sql', import.meta.url);
const NIGHTS_FILE = new URL('../../data/seeds/test_inventory_daily_data.sql', import.meta.url);

export interface SeedRoomType {
  readonly roomTypeId: string;
  readonly name: string;
  readonly capacityAdults: number;
  readonly price: number;
  readonly totalQuantity: number;
}

export interface SeedNight {
  readonly roomTypeId: string;
  readonly date: string;
  readonly reserved: number;
}

/** The value tuples of `INSERT INTO room_types(room_type_id, name, capacity_adults, price, total_quantity) VALUES …`. */
export function parseRoomTypes(text: string): SeedRoomType[] {
  return [...text.matchAll(/\(\s*'([^']+)'\s*,\s*'([^']*)'\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)/g)].map((m) => ({
    roomTypeId: m[1]!,
    name: m[2]!,
    capacityAdults: Number(m[3]),
    price: Number(m[4]),
    totalQuantity: Number(m[5]),
  }));
}

/** The value tuples of `INSERT INTO inventory_daily(room_type_id, date, reserved_quantity) VALUES …`. */
export function parseNights(text: string): SeedNight[] {
  return [...text.matchAll(/\(\s*'([^']+)'\s*,\s*'(\d{4}-\d{2}-\d{2})'\s*,\s*(\d+)\s*\)/g)].map((m) => ({
    roomTypeId: m[1]!,
    date: m[2]!,
    reserved: Number(m[3]),
  }));
}

export function readRooms2025(): { roomTypes: SeedRoomType[]; nights: SeedNight[] } {
  const roomTypes = parseRoomTypes(fs.readFileSync(ROOM_TYPES_FILE, 'utf8'));
  const nights = parseNights(fs.readFileSync(NIGHTS_FILE, 'utf8'));
  if (roomTypes.length !== 12 || nights.length !== 192) {
    throw new Error(`data/seeds holds ${roomTypes.length} room types and ${nights.length} nights; expected 12 and 192`);
  }
  return { roomTypes, nights };
}

export async function loadRooms2025(db: InventoryDb, now: Date): Promise<void> {
  const { roomTypes, nights } = readRooms2025();
  await db.transaction().execute(async (trx) => {
    const venue = await insertVenue(
      trx,
      { id: ROOMS_2025_VENUE_ID, organizationId: ROOMS_2025_VENUE_ID, type: 'hotel', name: 'Rooms 2025 (seed 002)', currency: 'GBP' },
      now,
    );
    if (venue === undefined) return; // already loaded
    for (const rt of roomTypes) {
      await createRoomTypeIn(
        trx,
        {
          id: rt.roomTypeId,
          venueId: ROOMS_2025_VENUE_ID,
          name: rt.name,
          capacityAdults: rt.capacityAdults,
          price: rt.price,
          totalQuantity: rt.totalQuantity,
        },
        now,
      );
    }
    for (const n of nights) {
      // The night may already have its row (inside the horizon): the count is what is reserved on it.
      await sql`
        insert into inventory.room_night (room_type_id, night, capacity, reserved, reserved_direct)
        select id, ${n.date}::date, total_quantity, ${n.reserved}, ${n.reserved} from inventory.room_type where id = ${n.roomTypeId}
        on conflict (room_type_id, night) do update set reserved = excluded.reserved, reserved_direct = excluded.reserved_direct`.execute(
        trx,
      );
      if (n.reserved !== 0) {
        await logAdjustment(trx, {
          roomTypeId: n.roomTypeId,
          night: n.date,
          delta: n.reserved,
          source: 'dataset',
          reference: 'rooms-2025',
          now,
        });
      }
    }
  });
}

export const rooms2025Dataset: Dataset = {
  name: 'rooms-2025',
  description: 'Seed 002: the 12 room types and 192 nightly reserved counts of December 2025, under the hotel rooms-2025',
  load: (deps) => loadRooms2025(deps.database.db as InventoryDb, deps.clock.now()),
};

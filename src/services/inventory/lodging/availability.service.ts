/** Availability search for stays: per room type, rooms free for the whole stay and night by night. */
import { nightsOf } from '../../../platform/dates.js';
import { platformError } from '../../../platform/errors.js';
import type { InventoryExecutor } from '../inventory.tables.js';
import { getVenue } from '../venues/venue.service.js';
import { inventoryError } from '../inventory.errors.js';
import { requireStay } from './lodging.calendar.js';
import { searchAvailability, type RoomTypeFilter, type RoomTypeMatch } from './availability.repository.js';

export interface StaySearch extends RoomTypeFilter {
  readonly checkIn: string;
  readonly checkOut: string;
}

export interface RoomTypeAvailability extends RoomTypeMatch {
  readonly available: number;
  readonly totalPrice: number;
  readonly nights: { date: string; available: number; price: number }[];
}

export interface StayAvailability {
  readonly checkIn: string;
  readonly checkOut: string;
  readonly nights: number;
  readonly results: RoomTypeAvailability[];
}

/** The canonical search: a venue or a location, and the stay's dates, are required. */
export async function searchStays(db: InventoryExecutor, s: StaySearch): Promise<StayAvailability> {
  if (s.venueId === undefined && s.location === undefined) {
    throw platformError('VALIDATION_FAILED', 'Give venue_id or location.');
  }
  if (s.minPrice !== undefined && s.maxPrice !== undefined && s.minPrice > s.maxPrice) {
    throw platformError('VALIDATION_FAILED', 'min_price must not exceed max_price.');
  }
  requireStay(s.checkIn, s.checkOut);
  if (s.venueId !== undefined) {
    const venue = await getVenue(db, s.venueId);
    if (venue.type !== 'hotel') {
      throw inventoryError('VENUE_TYPE_MISMATCH', `Venue ${venue.id} is a ${venue.type}; stays are sold by hotels.`, {
        venue_type: venue.type,
      });
    }
  }
  // Per hotel, cheapest first.
  const results = (await availability(db, s)).sort((a, b) =>
    a.venue_id < b.venue_id ? -1 : a.venue_id > b.venue_id ? 1 : a.price - b.price || (a.room_type_id < b.room_type_id ? -1 : 1),
  );
  return { checkIn: s.checkIn, checkOut: s.checkOut, nights: nightsOf(s.checkIn, s.checkOut).length, results };
}

/** Matching room types with their availability over [checkIn, checkOut) (dates already checked). */
export async function availability(db: InventoryExecutor, s: StaySearch): Promise<RoomTypeAvailability[]> {
  const dates = nightsOf(s.checkIn, s.checkOut);
  const rows = await searchAvailability(db, s, s.checkIn, dates.length);
  return rows.map(({ nightly, ...row }) => ({
    ...row,
    totalPrice: row.price * dates.length,
    nights: dates.map((date, i) => ({ date, available: nightly[i] ?? 0, price: row.price })),
  }));
}

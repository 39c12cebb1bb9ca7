/** Venue use-cases: every part of the inventory service sells inside a venue of the right type. */
import { randomUUID } from 'node:crypto';
import { platformError } from '../../../platform/errors.js';
import { inventoryError } from '../inventory.errors.js';
import type { InventoryExecutor, VenueType } from '../inventory.tables.js';
import {
  findVenue,
  insertVenue,
  listVenues,
  updateVenue,
  type NewVenue,
  type Venue,
  type VenueChanges,
  type VenueFilter,
} from './venue.repository.js';

export type { Venue, VenueFilter };

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function checkTimeZone(tz: string | undefined): void {
  if (tz !== undefined && !isTimeZone(tz))
    throw platformError('VALIDATION_FAILED', `time_zone ${JSON.stringify(tz)} is not an IANA time zone.`);
}

export async function createVenue(db: InventoryExecutor, input: Omit<NewVenue, 'id'> & { id?: string }, now: Date): Promise<Venue> {
  checkTimeZone(input.timeZone);
  const id = input.id ?? randomUUID();
  const venue = await insertVenue(db, { ...input, id }, now);
  if (venue === undefined) throw inventoryError('VENUE_EXISTS', `Venue ${id} already exists.`);
  return venue;
}

export async function getVenue(db: InventoryExecutor, id: string): Promise<Venue> {
  const venue = await findVenue(db, id);
  if (venue === undefined) throw inventoryError('VENUE_NOT_FOUND', `Venue ${id} does not exist.`);
  return venue;
}

/** The venue, if it exists, is active, and sells what the caller sells (e.g. tables: restaurant or cafe). */
export async function requireSellingVenue(db: InventoryExecutor, id: string, types: readonly VenueType[]): Promise<Venue> {
  const venue = await getVenue(db, id);
  if (!types.includes(venue.type)) {
    throw inventoryError('VENUE_TYPE_MISMATCH', `Venue ${id} is a ${venue.type}; this needs a ${types.join(' or ')}.`, {
      venue_type: venue.type,
    });
  }
  if (!venue.active) throw inventoryError('VENUE_INACTIVE', `Venue ${id} is deactivated.`);
  return venue;
}

export function findVenues(db: InventoryExecutor, filter: VenueFilter): Promise<Venue[]> {
  return listVenues(db, filter);
}

export async function changeVenue(db: InventoryExecutor, id: string, changes: VenueChanges, now: Date): Promise<Venue> {
  checkTimeZone(changes.timeZone);
  const venue = await updateVenue(db, id, changes, now);
  if (venue === undefined) throw inventoryError('VENUE_NOT_FOUND', `Venue ${id} does not exist.`);
  return venue;
}

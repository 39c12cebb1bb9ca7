/** Venue use-cases: every part of the inventory service sells inside a venue of the right type. */
import { randomUUID } from 'node:crypto';
import { authError } from '../../../platform/auth/auth.errors.js';
import { platformError } from '../../../platform/errors.js';
import { inventoryError } from '../inventory.errors.js';
import { ALL, type Scope } from '../inventory.scope.js';
import type { InventoryExecutor, VenueType } from '../inventory.tables.js';
import {
  findListedVenue,
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

/**
 * Creates a venue. A business caller creates venues only in its own organization, and only with a token
 * not narrowed to some venues (creating one is organization-wide administration). Any other
 * `organization_id` is refused with 403 FORBIDDEN, not 404: a create names no existing object, and the
 * refusal is the same whatever the other organization is, so it reveals nothing about it.
 */
export async function createVenue(
  db: InventoryExecutor,
  input: Omit<NewVenue, 'id'> & { id?: string },
  now: Date,
  scope: Scope = ALL,
): Promise<Venue> {
  if (scope.kind !== 'all') {
    if (scope.kind !== 'organization' || scope.org !== input.organizationId || scope.venues !== undefined) {
      throw authError('FORBIDDEN', 'A venue can be created only in your own organization, with a token not narrowed to venues.', {
        organization_id: input.organizationId,
      });
    }
  }
  checkTimeZone(input.timeZone);
  const id = input.id ?? randomUUID();
  const venue = await insertVenue(db, { ...input, id }, now);
  if (venue === undefined) throw inventoryError('VENUE_EXISTS', `Venue ${id} already exists.`);
  return venue;
}

function venueNotFound(id: string): never {
  throw inventoryError('VENUE_NOT_FOUND', `Venue ${id} does not exist.`);
}

/** The venue, or VENUE_NOT_FOUND (also when it exists outside the caller's scope). */
export async function getVenue(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<Venue> {
  return (await findVenue(db, id, scope)) ?? venueNotFound(id);
}

/** The public read: any active venue; a deactivated one only within the caller's scope. */
export async function getListedVenue(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<Venue> {
  return (await findListedVenue(db, id, scope)) ?? venueNotFound(id);
}

/** The venue, if it exists (within the scope), is active, and sells what the caller sells (e.g. tables: restaurant or cafe). */
export async function requireSellingVenue(
  db: InventoryExecutor,
  id: string,
  types: readonly VenueType[],
  scope: Scope = ALL,
): Promise<Venue> {
  const venue = await getVenue(db, id, scope);
  if (!types.includes(venue.type)) {
    throw inventoryError('VENUE_TYPE_MISMATCH', `Venue ${id} is a ${venue.type}; this needs a ${types.join(' or ')}.`, {
      venue_type: venue.type,
    });
  }
  if (!venue.active) throw inventoryError('VENUE_INACTIVE', `Venue ${id} is deactivated.`);
  return venue;
}

export function findVenues(db: InventoryExecutor, filter: VenueFilter, scope: Scope = ALL): Promise<Venue[]> {
  return listVenues(db, filter, scope);
}

export async function changeVenue(db: InventoryExecutor, id: string, changes: VenueChanges, now: Date, scope: Scope = ALL): Promise<Venue> {
  checkTimeZone(changes.timeZone);
  return (await updateVenue(db, id, changes, now, scope)) ?? venueNotFound(id);
}

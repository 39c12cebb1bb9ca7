/** SQL for venues. Rows are mapped once, here, so snake_case stays at the edge. */
import { sql, type Selectable, type SqlBool } from 'kysely';
import { ALL, listedOrOwned, owned, type Scope } from '../inventory.scope.js';
import type { InventoryExecutor, VenueTable, VenueType } from '../inventory.tables.js';

export interface Venue {
  readonly id: string;
  readonly organizationId: string;
  readonly type: VenueType;
  readonly name: string;
  readonly location: string;
  readonly timeZone: string;
  readonly currency: string;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function rowToVenue(row: Selectable<VenueTable>): Venue {
  return {
    id: row.id,
    organizationId: row.organization_id,
    type: row.type,
    name: row.name,
    location: row.location,
    timeZone: row.time_zone,
    currency: row.currency,
    active: row.active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewVenue {
  readonly id: string;
  readonly organizationId: string;
  readonly type: VenueType;
  readonly name: string;
  readonly location?: string;
  readonly timeZone?: string;
  readonly currency?: string;
}

/** Inserts a venue; returns undefined when the id is taken. */
export async function insertVenue(db: InventoryExecutor, venue: NewVenue, now: Date): Promise<Venue | undefined> {
  const row = await db
    .insertInto('inventory.venue')
    .values({
      id: venue.id,
      organization_id: venue.organizationId,
      type: venue.type,
      name: venue.name,
      location: venue.location ?? '',
      time_zone: venue.timeZone ?? 'UTC',
      currency: venue.currency ?? 'GBP',
      active: true,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && rowToVenue(row);
}

/** The venue column every ownership condition on a venue query names. */
const VENUE_ID = 'inventory.venue.id';
const ON_SALE = sql<SqlBool>`inventory.venue.active`;

/** The venue, if it exists within the caller's scope. */
export async function findVenue(db: InventoryExecutor, id: string, scope: Scope = ALL): Promise<Venue | undefined> {
  const row = await owned(db.selectFrom('inventory.venue').selectAll().where('id', '=', id), scope, VENUE_ID).executeTakeFirst();
  return row && rowToVenue(row);
}

/**
 * The venue as the public catalogue shows it: any active venue, a deactivated one only within the
 * scope. A business user works inside its organization: another organization's venue is not found.
 */
export async function findListedVenue(db: InventoryExecutor, id: string, scope: Scope): Promise<Venue | undefined> {
  if (scope.kind === 'organization') return findVenue(db, id, scope);
  const row = await listedOrOwned(
    db.selectFrom('inventory.venue').selectAll().where('id', '=', id),
    scope,
    VENUE_ID,
    ON_SALE,
  ).executeTakeFirst();
  return row && rowToVenue(row);
}

export interface VenueFilter {
  readonly type?: VenueType;
  readonly location?: string;
  readonly organizationId?: string;
  readonly includeInactive?: boolean;
}

/**
 * The public catalogue: active venues, seen by every caller. With `includeInactive`, deactivated venues
 * too, but only those within the caller's scope.
 */
export async function listVenues(db: InventoryExecutor, filter: VenueFilter, scope: Scope = ALL): Promise<Venue[]> {
  let q = db.selectFrom('inventory.venue').selectAll().orderBy('id');
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  if (filter.location !== undefined) q = q.where((eb) => eb(eb.fn('lower', ['location']), '=', filter.location!.toLowerCase()));
  if (filter.organizationId !== undefined) q = q.where('organization_id', '=', filter.organizationId);
  // A business user's list holds its own venues (narrowed by its token's venues); everyone else sees the catalogue.
  if (scope.kind === 'organization') q = owned(q, scope, VENUE_ID);
  q = filter.includeInactive !== true ? q.where('active', '=', true) : listedOrOwned(q, scope, VENUE_ID, ON_SALE);
  return (await q.execute()).map(rowToVenue);
}

export interface VenueChanges {
  readonly name?: string;
  readonly location?: string;
  readonly timeZone?: string;
  readonly currency?: string;
  readonly active?: boolean;
}

/** Changes the venue if it exists within the caller's scope. */
export async function updateVenue(
  db: InventoryExecutor,
  id: string,
  changes: VenueChanges,
  now: Date,
  scope: Scope = ALL,
): Promise<Venue | undefined> {
  const update = db
    .updateTable('inventory.venue')
    .set({
      updated_at: now,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.location !== undefined ? { location: changes.location } : {}),
      ...(changes.timeZone !== undefined ? { time_zone: changes.timeZone } : {}),
      ...(changes.currency !== undefined ? { currency: changes.currency } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
    })
    .where('id', '=', id);
  const row = await owned(update, scope, VENUE_ID).returningAll().executeTakeFirst();
  return row && rowToVenue(row);
}

/** SQL for venues. Rows are mapped once, here, so snake_case stays at the edge. */
import type { Selectable } from 'kysely';
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

export async function findVenue(db: InventoryExecutor, id: string): Promise<Venue | undefined> {
  const row = await db.selectFrom('inventory.venue').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToVenue(row);
}

export interface VenueFilter {
  readonly type?: VenueType;
  readonly location?: string;
  readonly organizationId?: string;
  readonly includeInactive?: boolean;
}

export async function listVenues(db: InventoryExecutor, filter: VenueFilter): Promise<Venue[]> {
  let q = db.selectFrom('inventory.venue').selectAll().orderBy('id');
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  if (filter.location !== undefined) q = q.where((eb) => eb(eb.fn('lower', ['location']), '=', filter.location!.toLowerCase()));
  if (filter.organizationId !== undefined) q = q.where('organization_id', '=', filter.organizationId);
  if (filter.includeInactive !== true) q = q.where('active', '=', true);
  return (await q.execute()).map(rowToVenue);
}

export interface VenueChanges {
  readonly name?: string;
  readonly location?: string;
  readonly timeZone?: string;
  readonly currency?: string;
  readonly active?: boolean;
}

export async function updateVenue(db: InventoryExecutor, id: string, changes: VenueChanges, now: Date): Promise<Venue | undefined> {
  const row = await db
    .updateTable('inventory.venue')
    .set({
      updated_at: now,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.location !== undefined ? { location: changes.location } : {}),
      ...(changes.timeZone !== undefined ? { time_zone: changes.timeZone } : {}),
      ...(changes.currency !== undefined ? { currency: changes.currency } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && rowToVenue(row);
}

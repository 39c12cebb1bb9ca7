/**
 * Which pricing objects a caller may administer, as one value the repositories filter by in SQL
 * (`venue_id in (…)`): `admin` and `service` every venue's; a `business` user those of its
 * organization's venues (narrowed to its `venues` when the token names some); anyone else none. The
 * organization's venues come from the inventory service (which owns venues), asked before any
 * transaction opens. Another organization's object is then simply not found (404, nothing changed),
 * exactly like a missing one; creating for a venue outside the scope is VENUE_NOT_FOUND.
 *
 * Promo codes may have no venue: a platform-wide code. Only `admin` may create one, or make a code
 * platform-wide (the administration's writers are `business` and `admin`). A `business` caller does
 * not see platform-wide codes at all: `venue_id in (…)` never matches null. Such a code applies to
 * every organization's venues and its uses count redemptions at all of them, so showing it to one
 * organization would show it the others' business; it is the platform's to administer.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { authError } from '../../platform/auth/auth.errors.js';
import { scopeOf, type Identity } from '../../platform/auth/identity.js';
import type { VenueDirectory } from './clients/inventory.client.js';
import { pricingError } from './pricing.errors.js';

export type VenueScope = { readonly kind: 'all' } | { readonly kind: 'venues'; readonly venueIds: readonly string[] };

export const ALL_VENUES: VenueScope = { kind: 'all' };

/** The venues whose pricing the caller may see and change. */
export async function venueScope(venues: VenueDirectory, identity: Identity | null): Promise<VenueScope> {
  const scope = scopeOf(identity);
  switch (scope.kind) {
    case 'all':
      return ALL_VENUES;
    case 'organization': {
      const owned = await venues.organizationVenueIds(scope.org);
      const narrowed = scope.venues;
      return { kind: 'venues', venueIds: narrowed === undefined ? owned : owned.filter((v) => narrowed.includes(v)) };
    }
    case 'guest':
    case 'none':
      return { kind: 'venues', venueIds: [] };
  }
}

/** The condition a query on a table with `venue_id` adds: the scope's venues only (a null venue never matches a narrowed scope). */
export function venueIn(scope: VenueScope): Expression<SqlBool> {
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  if (scope.venueIds.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref('venue_id')} in (${sql.join(scope.venueIds)})`;
}

/**
 * A create (or a change of venue) names a venue: it must be one of the scope's, else it is not found —
 * the same answer a venue that does not exist would get from inventory. `null` (platform-wide, promo
 * codes only) is for callers with every venue in scope.
 */
export function requireVenue(scope: VenueScope, venueId: string | null): void {
  if (scope.kind === 'all') return;
  if (venueId === null) {
    throw authError('FORBIDDEN', 'Only an administrator may create or change a platform-wide promo code (one without venue_id).');
  }
  if (!scope.venueIds.includes(venueId)) {
    throw pricingError('VENUE_NOT_FOUND', `Venue ${venueId} does not exist.`, { venue_id: venueId });
  }
}

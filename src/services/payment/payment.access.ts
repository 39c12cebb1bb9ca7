/**
 * Whose payment intents a caller may read, as one value the repository filters by in SQL
 * (`venue_id in (…)`): `admin` and `service` every intent; a `business` user those of its
 * organization's venues (narrowed to its `venues` when the token names some), asked of the inventory
 * service (which owns venues) before the query runs. An intent of another organization is then not
 * found (404), like a missing one; an intent without a venue is for admin and service only (`in`
 * never matches null). Moving money (create, authorize, capture, cancel, refund) stays with `service`
 * and `admin` (payment.routes.ts), who see everything, so those paths need no scope.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { scopeOf, type Identity } from '../../platform/auth/identity.js';
import type { VenueDirectory } from './clients/inventory.client.js';

export type IntentScope = { readonly kind: 'all' } | { readonly kind: 'venues'; readonly venueIds: readonly string[] };

export const ALL_INTENTS: IntentScope = { kind: 'all' };

export async function intentScope(venues: VenueDirectory, identity: Identity | null): Promise<IntentScope> {
  const scope = scopeOf(identity);
  switch (scope.kind) {
    case 'all':
      return ALL_INTENTS;
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

/** The condition a query on payment intents adds: the scope's venues only. */
export function venueIn(scope: IntentScope): Expression<SqlBool> {
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  if (scope.venueIds.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref('venue_id')} in (${sql.join(scope.venueIds)})`;
}

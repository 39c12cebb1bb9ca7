/**
 * Ownership in the inventory service, as SQL. A venue belongs to an organization
 * (`inventory.venue.organization_id`); every other inventory object reaches its venue (room types,
 * nights, stay rules, tables, dining settings, stock items of a shop, holds). A caller's `Scope`
 * (platform/auth/identity.ts) becomes one condition on the venue id of the object a query reads or
 * changes, so another organization's object is simply not found (404), never found and then refused.
 *
 * - `all` (admin, service, INNKEEPER_AUTH=off, jobs and internal callers): no condition.
 * - `organization`: the venue's organization is the caller's, and its id is one of the token's
 *   `venues` when the token names some. An object without a venue (the /api/inventory compatibility
 *   stock items, their holds) belongs to no organization: `venue_id = NULL` matches nothing.
 * - `guest`, `none`: owns no inventory at all.
 *
 * Every use-case and repository takes the scope as its last parameter, defaulting to `ALL`, so that
 * jobs, the compatibility surfaces and the booking service's service-token calls keep their behaviour.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { ALL, type Scope } from '../../platform/auth/identity.js';

export { ALL, type Scope };

/** The SQL condition "the venue whose id is in `venueIdColumn` is within `scope`". */
export function venueWithin(scope: Scope, venueIdColumn: string): Expression<SqlBool> {
  switch (scope.kind) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'organization': {
      const venues = scope.venues;
      const narrowed =
        venues === undefined ? sql`` : venues.length === 0 ? sql` and false` : sql` and owner.id in (${sql.join([...venues])})`;
      return sql<SqlBool>`exists (select 1 from inventory.venue owner where owner.id = ${sql.ref(venueIdColumn)} and owner.organization_id = ${scope.org}${narrowed})`;
    }
    case 'guest':
    case 'none':
      return sql<SqlBool>`false`;
  }
}

interface Filterable<Q> {
  where(expression: Expression<SqlBool>): Q;
}

/** Narrows a query to the objects whose venue (`venueIdColumn`) is within the scope; `all` leaves it as it is. */
export function owned<Q extends Filterable<Q>>(q: Q, scope: Scope, venueIdColumn: string): Q {
  return scope.kind === 'all' ? q : q.where(venueWithin(scope, venueIdColumn));
}

/**
 * Narrows a public catalogue read: what is on sale (`onSale`: an active venue, an active room type of
 * one) is seen by everyone, anonymous callers included (they need it to book); anything else
 * (deactivated objects) only within the scope.
 */
export function listedOrOwned<Q extends Filterable<Q>>(q: Q, scope: Scope, venueIdColumn: string, onSale: Expression<SqlBool>): Q {
  return scope.kind === 'all' ? q : q.where(sql<SqlBool>`(${onSale} or ${venueWithin(scope, venueIdColumn)})`);
}

/**
 * The principal part of an idempotency key's scope. Keys of `all` callers keep today's `anonymous`
 * (the booking service and the compatibility surfaces replay what they stored before); a business
 * caller's keys live in its organization (and venues), so that nobody replays another owner's answer.
 */
export function keyPrincipal(scope: Scope): string {
  switch (scope.kind) {
    case 'all':
      return 'anonymous';
    case 'organization':
      return scope.venues === undefined ? `org:${scope.org}` : `org:${scope.org}:${[...scope.venues].sort().join(',')}`;
    case 'guest':
      return `guest:${scope.guestId}`;
    case 'none':
      return 'none';
  }
}

/** The scope of an idempotency key of `operation` sent by a caller of this scope: `principal:operation`. */
export function keyScope(scope: Scope, operation: string): string {
  return `${keyPrincipal(scope)}:${operation}`;
}

/**
 * Who is calling. The auth hook (auth.plugin.ts) sets `request.identity` on every request before any
 * route or other hook sees it: `null` for an anonymous caller, otherwise what a verified token or API
 * key says. With INNKEEPER_AUTH=off every request is an `admin` identity marked `trusted`.
 *
 * Ownership is decided from the identity by `scopeOf`: the one value that repositories take to filter
 * in SQL (a guest's own bookings, a business user's organization and venues, everything for admin and
 * service), so that another owner's object is not found rather than found and then refused.
 */
import type { Role } from '../http/roles.js';

export interface Identity {
  /** The subject: a staff user's id, a guest's id, a service's name, an API key's id. */
  readonly sub: string;
  readonly role: Role;
  /** A business user's organization. */
  readonly org?: string | undefined;
  /** Narrows a business user to these venues of its organization. */
  readonly venues?: readonly string[] | undefined;
  /** A guest token for one booking (the manage-my-booking link) names that booking. */
  readonly booking?: string | undefined;
  /** How the caller proved it: a bearer token, an API key, or nothing (INNKEEPER_AUTH=off). */
  readonly via: 'token' | 'api-key' | 'trusted';
}

/** What a caller may see, as repositories filter by it. */
export type Scope =
  | { readonly kind: 'all' }
  | { readonly kind: 'organization'; readonly org: string; readonly venues?: readonly string[] | undefined }
  | { readonly kind: 'guest'; readonly guestId: string; readonly booking?: string | undefined }
  /** An anonymous caller on an open route: sees nothing that belongs to anyone. */
  | { readonly kind: 'none' };

export const ALL: Scope = { kind: 'all' };

export function scopeOf(identity: Identity | null): Scope {
  if (identity === null) return { kind: 'none' };
  switch (identity.role) {
    case 'admin':
    case 'service':
      return ALL;
    case 'business':
      return identity.org === undefined ? { kind: 'none' } : { kind: 'organization', org: identity.org, venues: identity.venues };
    case 'guest':
      return { kind: 'guest', guestId: identity.sub, booking: identity.booking };
  }
}

/** Whether a venue of an organization is within the scope (for checks on one object already read in its own query). */
export function venueInScope(scope: Scope, venue: { readonly id: string; readonly organizationId: string }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'organization':
      return venue.organizationId === scope.org && (scope.venues === undefined || scope.venues.includes(venue.id));
    default:
      return false;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller (null: anonymous). Set by the auth hook before anything else runs. */
    identity: Identity | null;
  }
  interface FastifyContextConfig {
    /** Anonymous callers may use this route too (search, an anonymous booking, a login). */
    anonymous?: boolean;
  }
}

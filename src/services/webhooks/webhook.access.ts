/**
 * Whose webhook endpoints a caller manages: admin and service every one; a business user its
 * organization's (and those endpoints receive only events of that organization's venues). A business
 * user narrowed to some venues (or without an organization) manages none: an endpoint receives every
 * venue's events of its organization, more than that user may see. Such a user reads an empty list
 * and finds no endpoint (404, as for another owner's); creating one is refused (403
 * WEBHOOK_SCOPE_REFUSED). Guests and anonymous callers never reach these routes (the routes' roles).
 */
import { scopeOf, type Identity } from '../../platform/auth/identity.js';
import type { EndpointScope } from './webhook.model.js';

export function endpointScope(identity: Identity | null): EndpointScope {
  const scope = scopeOf(identity);
  switch (scope.kind) {
    case 'all':
      return { kind: 'all' };
    case 'organization':
      return scope.venues === undefined ? { kind: 'organization', org: scope.org } : { kind: 'none' };
    case 'guest':
    case 'none':
      return { kind: 'none' };
  }
}

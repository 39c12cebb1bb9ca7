/**
 * Whose webhook endpoints a caller manages: admin and service every one; a business user its
 * organization's (and those endpoints receive only events of that organization's venues). A business
 * user narrowed to some venues manages none: an endpoint receives every venue's events of its
 * organization, more than that user may see. Guests and anonymous callers never reach these routes
 * (the routes' roles), and would manage nothing here either.
 */
import { scopeOf, type Identity } from '../../platform/auth/identity.js';
import { webhookError } from './webhook.errors.js';
import type { EndpointScope } from './webhook.model.js';

export function endpointScope(identity: Identity | null): EndpointScope {
  const scope = scopeOf(identity);
  switch (scope.kind) {
    case 'all':
      return { kind: 'all' };
    case 'organization':
      if (scope.venues !== undefined) throw webhookError('WEBHOOK_SCOPE_REFUSED');
      return { kind: 'organization', org: scope.org };
    case 'guest':
    case 'none':
      throw webhookError('WEBHOOK_SCOPE_REFUSED');
  }
}

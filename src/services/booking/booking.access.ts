/**
 * Who may see which bookings, as one value the repository filters by in SQL: a guest their own
 * bookings (or the one booking a guest token names), a business user the bookings of its
 * organization's venues (narrowed to its `venues` when the token names some), admin and service all.
 * The organization's venues come from the inventory service (which owns venues), read before any
 * transaction opens. Another owner's booking is then simply not found (404).
 */
import { scopeOf, type Identity } from '../../platform/auth/identity.js';
import type { BookingContext } from './booking.context.js';

import { ALL_BOOKINGS, type BookingScope } from './booking.scope.js';

export async function bookingScope(ctx: BookingContext, identity: Identity | null): Promise<BookingScope> {
  const scope = scopeOf(identity);
  switch (scope.kind) {
    case 'all':
      return ALL_BOOKINGS;
    case 'none':
      return { kind: 'none' };
    case 'guest':
      return { kind: 'guest', guestId: scope.guestId, bookingId: scope.booking };
    case 'organization': {
      const owned = await ctx.inventory.organizationVenueIds(scope.org);
      const narrowed = scope.venues;
      return { kind: 'venues', venueIds: narrowed === undefined ? owned : owned.filter((v) => narrowed.includes(v)) };
    }
  }
}

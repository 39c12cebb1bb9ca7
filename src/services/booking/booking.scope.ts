/** The bookings a caller may see (decided in booking.access.ts, applied in the repository's queries). */
export type BookingScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'guest'; readonly guestId: string; readonly bookingId?: string | undefined }
  | { readonly kind: 'venues'; readonly venueIds: readonly string[] }
  | { readonly kind: 'none' };

export const ALL_BOOKINGS: BookingScope = { kind: 'all' };

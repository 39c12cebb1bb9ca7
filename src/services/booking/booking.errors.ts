import { defineErrors } from '../../platform/errors.js';
import type { Booking } from './booking.model.js';

/** Failure kinds of the booking service. */
export const bookingError = defineErrors({
  BOOKING_NOT_FOUND: { status: 404, message: 'The booking does not exist.' },
  GUEST_NOT_FOUND: { status: 404, message: 'No booking of this guest is held (or none you may see).' },
  GUEST_HAS_ACTIVE_BOOKINGS: {
    status: 409,
    message: "The guest has bookings that are not over; cancel them before erasing the guest's data.",
  },
  BOOKING_VERSION_CONFLICT: { status: 409, message: 'The booking was changed by someone else; read it again and retry.' },
  EXPECTED_VERSION_REQUIRED: { status: 400, message: 'An update needs the version it was based on: expected_version or If-Match.' },
  INVALID_STATUS_TRANSITION: { status: 400, message: 'This status change is not allowed.' },
  BOOKING_NOT_MODIFIABLE: { status: 400, message: 'The booking can no longer be changed.' },
  BOOKING_IN_PAST: { status: 400, message: 'Cannot book for a past date.' },
  BOOKING_INVALID: { status: 400, message: 'The booking request is not valid.' },
  VENUE_TYPE_MISMATCH: { status: 400, message: 'The venue is not of the type the booking names.' },
  INVENTORY_NOT_FOUND: { status: 404, message: 'The venue or room type does not exist.' },
  NO_AVAILABILITY: { status: 409, message: 'Nothing is available for this request.' },
  INVENTORY_REJECTED: { status: 400, message: 'The inventory service refused the request.' },
  INVENTORY_HOLD_LOST: { status: 409, message: 'The inventory held for this booking expired before it was confirmed.' },
  INVENTORY_SERVICE_UNAVAILABLE: { status: 503, message: 'The inventory service is unavailable; nothing was booked.' },
  PROMO_CODE_REJECTED: { status: 400, message: 'The promo code cannot be used for this booking.' },
  PRICING_REJECTED: { status: 400, message: 'The pricing service refused the request.' },
  PAYMENT_DECLINED: { status: 402, message: 'The payment was declined.' },
  PAYMENT_REJECTED: { status: 400, message: 'The payment service refused the request.' },
  PAYMENT_REQUIRED: { status: 402, message: 'This change costs more than was paid; it needs a payment_method.' },
  PAYMENT_SERVICE_UNAVAILABLE: { status: 503, message: 'The payment service is unavailable; nothing was charged.' },
});

/** A guarded update that changed nothing: the booking is gone, or at another version or status. */
export function versionConflict(current: Booking | undefined, expected: number | undefined): Error {
  if (current === undefined) return bookingError('BOOKING_NOT_FOUND');
  return bookingError(
    'BOOKING_VERSION_CONFLICT',
    expected !== undefined && current.version !== expected
      ? `The booking is at version ${current.version}, not ${expected}; read it again and retry.`
      : `The booking changed while this request ran (now ${current.status}, version ${current.version}); read it again and retry.`,
    { current_version: current.version, current_status: current.status },
  );
}

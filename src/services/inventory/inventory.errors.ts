import { defineErrors } from '../../platform/errors.js';

/** Failure kinds shared by every part of the inventory service. */
export const inventoryError = defineErrors({
  VENUE_NOT_FOUND: { status: 404, message: 'The venue does not exist.' },
  VENUE_INACTIVE: { status: 409, message: 'The venue is deactivated and sells nothing.' },
  VENUE_EXISTS: { status: 409, message: 'A venue with this id already exists.' },
  VENUE_TYPE_MISMATCH: { status: 400, message: 'The venue does not sell this kind of inventory.' },
  HOLD_NOT_FOUND: { status: 404, message: 'The hold does not exist.' },
  HOLD_EXPIRED: { status: 409, message: 'The hold has expired; its inventory went back on sale.' },
  HOLD_NOT_ACTIVE: { status: 409, message: 'The hold was already released or expired.' },
  HOLD_NOT_RELEASABLE: { status: 409, message: 'The hold was confirmed and its inventory has left; it cannot be released.' },
});

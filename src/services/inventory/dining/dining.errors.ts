import { defineErrors } from '../../../platform/errors.js';

/** Failure kinds of dining (tables by time slot). Venue failures are the inventory service's own. */
export const diningError = defineErrors({
  PARTY_TOO_LARGE: { status: 422, message: 'The party is larger than the largest table of the venue.' },
  PARTY_SIZE_NOT_SEATED: { status: 422, message: 'No active table of the venue seats a party of this size.' },
  OUTSIDE_OPENING_HOURS: { status: 400, message: 'The venue is not open for a seating at this time.' },
  VENUE_CLOSED: { status: 400, message: 'The venue is closed on this date.' },
  SLOT_IN_PAST: { status: 400, message: 'The seating would start in the past.' },
  NO_TABLE_AVAILABLE: { status: 409, message: 'No table that seats the party is free for the whole seating.' },
  PACING_LIMIT: { status: 409, message: 'The venue takes no more new covers in this slot.' },
  ALLOCATION_CONTENDED: { status: 409, message: 'Too many concurrent requests for these tables; retry.' },
  TABLE_NOT_FOUND: { status: 404, message: 'The table does not exist.' },
  TABLE_NAME_TAKEN: { status: 409, message: 'The venue already has a table with this name.' },
});

/**
 * Domain events, written to the outbox in the same transaction as the change they describe (rule 6;
 * `writeEvents` in booking.repository.ts).
 * The envelope is seed 004's plus an `event_id` consumers deduplicate by. Payloads carry ids, never
 * guest name, email or phone.
 */
import { randomUUID } from 'node:crypto';
import { EVENT_VERSION } from '../../platform/events/envelope.js';
import type { Booking } from './booking.model.js';
import type { BookingStatus } from './booking.states.js';

export const EVENT_SOURCE = 'booking-reservation-service';

export interface BookingEvent {
  readonly event_id: string;
  readonly event_type: string;
  readonly payload: Record<string, unknown>;
  readonly timestamp: string;
  readonly source: string;
  readonly version: string;
}

export function bookingPayload(b: Booking): Record<string, unknown> {
  return {
    booking_id: b.id,
    booking_reference: b.reference,
    guest_id: b.guest.id,
    venue_id: b.venue.id,
    venue_type: b.venue.type,
    booking_date: b.date,
    booking_time: b.time,
    party_size: b.partySize,
    status: b.status,
    version: b.version,
    total_price: b.price.total,
    currency: b.price.currency,
    inventory_reservation_id: b.inventory.holdId,
    ...(b.stay ? { room_type_id: b.stay.roomTypeId, check_in: b.stay.checkIn, check_out: b.stay.checkOut } : {}),
  };
}

export function event(type: string, payload: Record<string, unknown>, at: Date): BookingEvent {
  return { event_id: randomUUID(), event_type: type, payload, timestamp: at.toISOString(), source: EVENT_SOURCE, version: EVENT_VERSION };
}

export function statusChangedEvent(b: Booking, from: BookingStatus, reason: string | null, by: string, at: Date): BookingEvent {
  if (from === b.status) throw new Error(`a status change needs two different statuses (got ${from})`);
  return event('booking.status_changed', { ...bookingPayload(b), from_status: from, to_status: b.status, reason, changed_by: by }, at);
}

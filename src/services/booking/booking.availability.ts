/**
 * "Is there room?" — answered from the inventory service's capacity, never by looking for another
 * booking at the venue: a hotel has rooms for the whole stay or not; a restaurant with ten tables
 * seats ten parties at 19:00.
 */
import type { Static } from 'typebox';
import { addDays } from '../../platform/dates.js';
import { bookingError } from './booking.errors.js';
import type { AvailabilityBody, AvailabilityReply } from './booking.schemas.js';
import type { BookingContext } from './booking.context.js';

export async function checkAvailability(
  ctx: BookingContext,
  q: Static<typeof AvailabilityBody>,
): Promise<Static<typeof AvailabilityReply>> {
  const venue = await ctx.inventory.getVenue(q.venue_id);
  if (venue.type === 'retail') throw bookingError('VENUE_TYPE_MISMATCH', `Venue ${venue.id} is a shop; it takes no bookings.`);
  if (q.venue_type !== undefined && q.venue_type !== venue.type) {
    throw bookingError('VENUE_TYPE_MISMATCH', `Venue ${venue.id} is a ${venue.type}, not a ${q.venue_type}.`);
  }
  const base = {
    venue_id: venue.id,
    venue_type: venue.type,
    booking_date: q.booking_date,
    booking_time: q.booking_time ?? null,
    party_size: q.party_size,
  };

  if (venue.type === 'hotel') {
    const checkOut = q.check_out ?? addDays(q.booking_date, q.nights ?? 1);
    if (checkOut <= q.booking_date) throw bookingError('BOOKING_INVALID', 'check_out must be after booking_date.');
    const found = await ctx.inventory.lodgingAvailability({
      venue_id: venue.id,
      room_type_id: q.room_type_id,
      check_in: q.booking_date,
      check_out: checkOut,
      adults: q.party_size,
    });
    const options = found.results.map((r) => ({
      room_type_id: r.room_type_id,
      name: r.name,
      available: r.available,
      price_per_night: r.price_per_night,
      total_price: r.total_price,
      currency: r.currency,
    }));
    return { ...base, available: options.some((o) => o.available > 0), options };
  }

  if (q.booking_time === undefined) throw bookingError('BOOKING_INVALID', `A ${venue.type} check needs booking_time (HH:MM).`);
  const found = await ctx.inventory.diningAvailability({
    venue_id: venue.id,
    date: q.booking_date,
    party_size: q.party_size,
    duration_minutes: q.duration_minutes,
  });
  const asked = found.slots.find((s) => s.time === q.booking_time);
  // The asked time first, then the nearest free times as alternatives.
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const alternatives = found.slots
    .filter((s) => s.available && s.time !== q.booking_time)
    .sort((a, b) => Math.abs(minutes(a.time) - minutes(q.booking_time!)) - Math.abs(minutes(b.time) - minutes(q.booking_time!)))
    .slice(0, 5);
  const options = [...(asked ? [asked] : []), ...alternatives].map((s) => ({ time: s.time, available: s.tables_free }));
  return { ...base, available: asked?.available === true, options };
}

/**
 * Placing a booking in the inventory: what a stay or a seating must hold, the hold request sent to
 * the inventory service (kept exactly as sent, so a saga can replay it after a lost answer), and the
 * release of a hold no booking will use. Every hold request carries a key of the booking and its
 * version, so a retried request is answered with the hold it made, never a second one.
 */
import { addDays, daysBetween, isCalendarDate } from '../../platform/dates.js';
import type { Hold, InventoryClient } from './clients/inventory.client.js';
import type { BookingContext } from './booking.context.js';
import { bookingError } from './booking.errors.js';
import type { NewBookingRow } from './booking.repository.js';
import type { VenueType } from './booking.tables.js';

/** A hold outlives its PENDING booking by this much, so the booking expires (and releases) first. */
const HOLD_GRACE_SECONDS = 5 * 60;

/** The key of the hold a booking takes at `version` (1 at creation, the next version on a change). */
export function holdKey(bookingId: string, version: number): string {
  return `booking:${bookingId}:hold:v${version}`;
}

interface Stay {
  readonly checkIn: string;
  readonly checkOut: string;
  readonly nights: number;
}

function stayOf(input: { date: string; checkOut?: string; nights?: number }): Stay {
  if (input.checkOut !== undefined && input.nights !== undefined && addDays(input.date, input.nights) !== input.checkOut) {
    throw bookingError('BOOKING_INVALID', 'check_out and nights disagree; give one of them.');
  }
  const checkOut = input.checkOut ?? (input.nights !== undefined ? addDays(input.date, input.nights) : undefined);
  if (checkOut === undefined) throw bookingError('BOOKING_INVALID', 'A hotel stay needs check_out or nights.');
  if (!isCalendarDate(checkOut)) throw bookingError('BOOKING_INVALID', `check_out ${checkOut} is not a calendar date.`);
  const nights = daysBetween(input.date, checkOut);
  if (nights <= 0) throw bookingError('BOOKING_INVALID', 'check_out must be after the arrival date (booking_date).');
  if (nights > 365) throw bookingError('BOOKING_INVALID', 'A stay is at most 365 nights.');
  return { checkIn: input.date, checkOut, nights };
}

/** A hold request exactly as sent (same body, same key), so that it can be replayed. */
export type HoldRequest =
  | { readonly kind: 'rooms'; readonly input: Parameters<InventoryClient['holdRooms']>[0]; readonly key: string }
  | { readonly kind: 'table'; readonly input: Parameters<InventoryClient['holdTable']>[0]; readonly key: string };

/** Sends a recorded hold request again: inventory answers the hold it made the first time (or its refusal). */
export function replayHoldRequest(ctx: BookingContext, request: HoldRequest): Promise<Hold> {
  return request.kind === 'rooms'
    ? ctx.inventory.holdRooms(request.input, request.key)
    : ctx.inventory.holdTable(request.input, request.key);
}

/** What a booking asks the inventory for. */
export interface PlacementSpec {
  readonly venueId: string;
  readonly venueType: VenueType;
  readonly date: string;
  readonly time?: string | null;
  readonly durationMinutes?: number | null;
  readonly partySize: number;
  readonly roomTypeId?: string | null;
  readonly checkOut?: string | null;
  readonly nights?: number;
  readonly adults?: number | null;
}

/** What the inventory holds for a booking, and the fields it fixes on the booking row. */
export interface Placement {
  readonly hold: Hold;
  readonly row: Partial<NewBookingRow>;
}

export async function place(
  ctx: BookingContext,
  spec: PlacementSpec,
  key: string,
  /** Told the exact hold request before it is sent, so a saga can replay it after a lost answer. */
  onHoldRequest?: (request: HoldRequest) => Promise<void>,
): Promise<Placement> {
  const ttlSeconds = Math.ceil(ctx.pendingTtlMs / 1000) + HOLD_GRACE_SECONDS;
  if (spec.venueType === 'hotel') {
    if (!spec.roomTypeId) throw bookingError('BOOKING_INVALID', 'A hotel booking needs room_type_id.');
    const stay = stayOf({ date: spec.date, checkOut: spec.checkOut ?? undefined, nights: spec.nights });
    const roomType = await ctx.inventory.getRoomType(spec.roomTypeId);
    if (roomType.venue_id !== spec.venueId) {
      throw bookingError('INVENTORY_NOT_FOUND', `Room type ${spec.roomTypeId} is not sold by venue ${spec.venueId}.`);
    }
    const adults = spec.adults ?? spec.partySize;
    if (adults > roomType.capacity_adults) {
      throw bookingError(
        'BOOKING_INVALID',
        `Room type ${roomType.id} sleeps at most ${roomType.capacity_adults} adults (asked for ${adults}).`,
      );
    }
    const input = { room_type_id: roomType.id, check_in: stay.checkIn, check_out: stay.checkOut, quantity: 1, ttl_seconds: ttlSeconds };
    await onHoldRequest?.({ kind: 'rooms', input, key });
    const hold = await ctx.inventory.holdRooms(input, key);
    const total = roomType.price * stay.nights;
    return {
      hold,
      row: {
        room_type_id: roomType.id,
        room_type_name: roomType.name,
        check_in: stay.checkIn,
        check_out: stay.checkOut,
        nights: stay.nights,
        room_price: roomType.price,
        base_price: total,
        total_price: total,
        inventory_item_id: roomType.id,
        booking_time: null,
        duration_minutes: null,
        end_time: null,
      },
    };
  }
  if (!spec.time) throw bookingError('BOOKING_INVALID', `A ${spec.venueType} booking needs booking_time (HH:MM).`);
  const input = {
    venue_id: spec.venueId,
    date: spec.date,
    time: spec.time,
    party_size: spec.partySize,
    ...(spec.durationMinutes ? { duration_minutes: spec.durationMinutes } : {}),
    ttl_seconds: ttlSeconds,
  };
  await onHoldRequest?.({ kind: 'table', input, key });
  const hold = await ctx.inventory.holdTable(input, key);
  const d = hold.details;
  const end = typeof d.end === 'string' ? new Date(d.end) : null;
  const duration = typeof d.duration_minutes === 'number' ? d.duration_minutes : (spec.durationMinutes ?? null);
  return {
    hold,
    row: {
      booking_time: spec.time,
      duration_minutes: duration,
      end_time: end,
      inventory_item_id: typeof d.table_id === 'string' ? d.table_id : null,
      base_price: null,
      total_price: null,
    },
  };
}

/** Releases a hold that no booking will use (a compensation); failures are left to the hold's expiry. */
export async function abandonHold(ctx: BookingContext, holdId: string, reason: string): Promise<void> {
  try {
    await ctx.inventory.releaseHold(holdId, reason);
  } catch (err) {
    ctx.log?.warn({ err, holdId }, 'could not release an unused hold; it will expire');
  }
}

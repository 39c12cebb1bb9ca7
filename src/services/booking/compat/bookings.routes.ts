/**
 * The seed-001 `/bookings` surface, kept exactly (CONTRACTS.md "Hotel inventory and bookings"), as a
 * thin adapter over the same use-cases as /api/v1: a booking made here is confirmed at once, takes
 * every night from inventory in the same operation, and is visible through /api/v1 too. Guest names
 * are never shown: `"[REDACTED]"`.
 */
import { Type, type Static } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import { compatAccess, detailErrorHandler } from '../../../platform/http/compat.js';
import { IsoDate, PageOffset } from '../../../platform/http/schemas.js';
import { bookingError } from '../booking.errors.js';
import type { Booking } from '../booking.model.js';
import type { BookingContext } from '../booking.context.js';
import { createBookingInput } from '../booking.inputs.js';
import { findByShortId, listBookings } from '../booking.repository.js';
import { changeStatus } from '../booking-status.service.js';
import { updateBookingDetails } from '../saga/change-booking.saga.js';
import { createBooking } from '../saga/create-booking.saga.js';

const tags = ['compat: bookings (seed 001)'];
const COMPAT_GUEST = 'seed-001-guest';

const CreateBody = Type.Object({
  guest_name: Type.String({ minLength: 1, maxLength: 200 }),
  hotel_id: Type.Integer({ minimum: 1 }),
  arrival_date: IsoDate,
  stay_length: Type.Integer({ exclusiveMinimum: 0, maximum: 365 }),
  room_type: Type.String({ minLength: 1, maxLength: 100 }),
  adults: Type.Integer({ exclusiveMinimum: 0, maximum: 50 }),
  children: Type.Integer({ minimum: 0, maximum: 50 }),
  is_holiday: Type.Boolean(),
  meal_plan: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
  market_segment: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
  booking_channel: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
});

const PatchBody = Type.Object(
  {
    guest_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    arrival_date: Type.Optional(IsoDate),
    stay_length: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: 365 })),
    room_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    adults: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: 50 })),
    children: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
  },
  { additionalProperties: false },
);

const CompatBooking = Type.Object({
  booking_id: Type.String({ pattern: '^[A-Z0-9]{7}$' }),
  guest_name: Type.Literal('[REDACTED]'),
  hotel_name: Type.String(),
  arrival_date: IsoDate,
  stay_length: Type.Integer(),
  check_out_date: IsoDate,
  room_type: Type.String(),
  adults: Type.Integer(),
  children: Type.Integer(),
  meal_plan: Type.Union([Type.String(), Type.Null()]),
  market_segment: Type.Union([Type.String(), Type.Null()]),
  is_holiday: Type.Boolean(),
  booking_channel: Type.Union([Type.String(), Type.Null()]),
  room_price: Type.Number({ description: 'per night, in the currency unit (pounds)' }),
  total_price: Type.Number(),
  reservation_status: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});
type CompatBooking = Static<typeof CompatBooking>;

const Detail = Type.Object({ detail: Type.Unknown() });
const IdParams = Type.Object({ booking_id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Minor units → the unit the seed surface shows (pence → pounds), exact for integers. */
function units(minor: number | null): number {
  return (minor ?? 0) / 100;
}

function toCompat(b: Booking): CompatBooking {
  const stay = b.stay;
  if (stay === null) throw new Error(`booking ${b.id} is not a hotel stay`);
  return {
    booking_id: b.shortId,
    guest_name: '[REDACTED]',
    hotel_name: b.venue.name,
    arrival_date: stay.checkIn,
    stay_length: stay.nights,
    check_out_date: stay.checkOut,
    room_type: stay.roomTypeName ?? stay.roomTypeId,
    adults: stay.adults,
    children: stay.children,
    meal_plan: stay.mealPlan,
    market_segment: stay.marketSegment,
    is_holiday: stay.isHoliday ?? false,
    booking_channel: stay.bookingChannel,
    room_price: units(stay.roomPrice),
    total_price: units(b.price.total),
    reservation_status: b.status.toLowerCase(),
    created_at: b.createdAt.toISOString(),
  };
}

/** Seed-001 room types are named per hotel ("Deluxe Rooms"); /api/v1 names them by id. */
async function roomTypeIdByName(ctx: BookingContext, hotelId: string, name: string): Promise<string> {
  let types;
  try {
    types = await ctx.inventory.listRoomTypes(hotelId);
  } catch (err) {
    if ((err as { code?: string }).code === 'INVENTORY_NOT_FOUND') throw bookingError('INVENTORY_NOT_FOUND');
    throw err;
  }
  const found = types.find((t) => t.active && t.name.toLowerCase() === name.trim().toLowerCase());
  if (found === undefined) throw bookingError('INVENTORY_NOT_FOUND');
  return found.id;
}

async function byShortId(ctx: BookingContext, id: string): Promise<Booking> {
  const booking = /^[A-Z0-9]{7}$/.test(id) ? await findByShortId(ctx.db, ctx.pii, id) : undefined;
  if (booking === undefined || booking.stay === null) throw bookingError('BOOKING_NOT_FOUND');
  return booking;
}

const detailFor = detailErrorHandler((err) => {
  switch (err.code) {
    case 'BOOKING_NOT_FOUND':
      return { status: 404, detail: 'Booking not found' };
    case 'INVENTORY_NOT_FOUND':
      return { status: 400, detail: 'Room type not found in inventory for the given hotel.' };
    case 'NO_AVAILABILITY':
      return { status: 400, detail: 'No available rooms for the selected room type.' };
    case 'BOOKING_IN_PAST':
      return { status: 400, detail: 'Cannot book for a past date.' };
    case 'BOOKING_NOT_MODIFIABLE':
      return { status: 400, detail: err.message };
    default:
      return err.status === 409 ? { status: 400, detail: err.message } : undefined;
  }
});

export async function bookingsCompatRoutes(app: App, ctx: BookingContext): Promise<void> {
  app.setErrorHandler(detailFor);
  compatAccess(app);
  const replies = { 200: CompatBooking, 400: Detail, 404: Detail, 422: Detail, 503: Detail };

  app.post(
    '/bookings/',
    { schema: { tags, summary: 'Book a hotel stay (confirmed at once)', body: CreateBody, response: replies } },
    async (request) => {
      const b = request.body;
      const hotelId = String(b.hotel_id);
      const roomTypeId = await roomTypeIdByName(ctx, hotelId, b.room_type);
      // The seed-001 body as an /api/v1 one, then the one mapping both surfaces share.
      const { input } = createBookingInput(
        {
          guest_id: COMPAT_GUEST,
          guest_name: b.guest_name,
          venue_id: hotelId,
          venue_type: 'hotel',
          booking_date: b.arrival_date,
          nights: b.stay_length,
          party_size: b.adults + b.children,
          room_type_id: roomTypeId,
          adults: b.adults,
          children: b.children,
          is_holiday: b.is_holiday,
          meal_plan: b.meal_plan ?? undefined,
          market_segment: b.market_segment ?? undefined,
          booking_channel: b.booking_channel ?? undefined,
        },
        { source: 'seed-001' },
      );
      const booking = await createBooking(ctx, input, { autoConfirm: true, actor: { id: COMPAT_GUEST } });
      return toCompat(booking);
    },
  );

  app.get(
    '/bookings/',
    {
      schema: {
        tags,
        summary: 'List hotel bookings (guest names masked), newest first',
        querystring: Type.Object({
          skip: PageOffset({ default: 0 }),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: Type.Array(CompatBooking), 422: Detail },
      },
    },
    async (request) => {
      const { bookings } = await listBookings(ctx.db, ctx.pii, {}, request.query.limit, request.query.skip);
      return bookings.filter((b) => b.stay !== null).map(toCompat);
    },
  );

  app.get('/bookings/:booking_id', { schema: { tags, summary: 'Read a booking', params: IdParams, response: replies } }, async (request) =>
    toCompat(await byShortId(ctx, request.params.booking_id)),
  );

  app.patch(
    '/bookings/:booking_id',
    {
      schema: {
        tags,
        summary: 'Change a booking; changed dates or room type move the inventory, all or nothing',
        params: IdParams,
        body: PatchBody,
        response: replies,
      },
    },
    async (request) => {
      const current = await byShortId(ctx, request.params.booking_id);
      if (current.status === 'CANCELLED') throw bookingError('BOOKING_NOT_MODIFIABLE', 'Booking has been cancelled and cannot be modified');
      const b = request.body;
      const roomTypeId = b.room_type !== undefined ? await roomTypeIdByName(ctx, current.venue.id, b.room_type) : undefined;
      const updated = await updateBookingDetails(
        ctx,
        current.id,
        current.version,
        {
          guestName: b.guest_name,
          date: b.arrival_date,
          nights: b.stay_length ?? (b.arrival_date !== undefined ? current.stay!.nights : undefined),
          roomTypeId,
          adults: b.adults,
          children: b.children,
        },
        { id: COMPAT_GUEST },
      );
      return toCompat(updated);
    },
  );

  app.delete(
    '/bookings/:booking_id',
    { schema: { tags, summary: 'Cancel a booking; exactly the nights it held go back', params: IdParams, response: replies } },
    async (request) => {
      const current = await byShortId(ctx, request.params.booking_id);
      if (current.status === 'CANCELLED') throw bookingError('BOOKING_NOT_MODIFIABLE', 'Booking is already cancelled');
      if (current.status !== 'PENDING' && current.status !== 'CONFIRMED' && current.status !== 'CHECKED_IN') {
        throw bookingError('BOOKING_NOT_MODIFIABLE', `Booking is ${current.status.toLowerCase()} and cannot be cancelled`);
      }
      const cancelled = await changeStatus(ctx, current.id, 'CANCELLED', {
        actor: { id: COMPAT_GUEST },
        reason: 'cancelled by guest',
        cancelledBy: COMPAT_GUEST,
      });
      return toCompat(cancelled);
    },
  );
}

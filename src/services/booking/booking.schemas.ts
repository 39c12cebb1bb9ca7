/** The /api/v1/bookings contract (seed 004), one TypeBox schema per request and response. */
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDate, IsoDateTime, PageOffset } from '../../platform/http/schemas.js';
import type { Booking } from './booking.model.js';

const Status = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('CONFIRMED'),
  Type.Literal('CHECKED_IN'),
  Type.Literal('COMPLETED'),
  Type.Literal('CANCELLED'),
  Type.Literal('NO_SHOW'),
  Type.Literal('EXPIRED'),
]);
const VenueType = Type.Union([Type.Literal('hotel'), Type.Literal('restaurant'), Type.Literal('cafe')]);
const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, venue-local' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const BookingReply = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    booking_reference: Type.String({ pattern: '^BR-[0-9]{8}-[A-Z0-9]{6}$' }),
    idempotency_key: Nullable(Type.String()),
    guest_id: Type.String(),
    guest_name: Type.String(),
    guest_email: Nullable(Type.String()),
    guest_phone: Nullable(Type.String()),
    venue_id: Type.String(),
    venue_type: VenueType,
    venue_name: Type.String(),
    booking_date: IsoDate,
    booking_time: Nullable(Type.String()),
    duration_minutes: Nullable(Type.Integer()),
    end_time: Nullable(IsoDateTime),
    party_size: Type.Integer(),
    status: Status,
    version: Type.Integer(),
    base_price: Nullable(Type.Integer({ description: 'minor units' })),
    tax_amount: Type.Integer(),
    discount_amount: Type.Integer(),
    total_price: Nullable(Type.Integer({ description: 'minor units' })),
    currency: Type.String(),
    payment_intent_id: Nullable(Type.String()),
    payment_status: Nullable(Type.String()),
    inventory_reservation_id: Nullable(Type.String()),
    inventory_item_id: Nullable(Type.String()),
    inventory_status: Type.String(),
    special_requests: Nullable(Type.String()),
    internal_notes: Nullable(Type.String()),
    room_type_id: Nullable(Type.String()),
    room_type_name: Nullable(Type.String()),
    check_in: Nullable(IsoDate),
    check_out: Nullable(IsoDate),
    nights: Nullable(Type.Integer()),
    adults: Nullable(Type.Integer()),
    children: Nullable(Type.Integer()),
    room_price: Nullable(Type.Integer()),
    meal_plan: Nullable(Type.String()),
    market_segment: Nullable(Type.String()),
    booking_channel: Nullable(Type.String()),
    is_holiday: Nullable(Type.Boolean()),
    source: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    confirmed_at: Nullable(IsoDateTime),
    cancelled_at: Nullable(IsoDateTime),
    checked_in_at: Nullable(IsoDateTime),
    completed_at: Nullable(IsoDateTime),
    expires_at: Nullable(IsoDateTime),
    cancellation_reason: Nullable(Type.String()),
    cancelled_by: Nullable(Type.String()),
    cancellation_fee: Nullable(Type.Integer({ description: 'What the policy kept, minor units' })),
    promo_code: Nullable(Type.String()),
    amount_captured: Type.Integer(),
    amount_refunded: Type.Integer(),
    guest_token: Type.Optional(
      Type.String({
        description:
          'Only in the answer to a create by an anonymous caller or a guest: a token for this one booking (read, change, cancel), valid until 7 days after the stay',
      }),
    ),
  },
  { $id: 'Booking' },
);
export type BookingReply = Static<typeof BookingReply>;

/** Field schemas written once; the create, update and availability bodies are built from them. */
const GuestName = Type.String({ minLength: 1, maxLength: 200 });
const GuestEmail = Type.String({ format: 'email', maxLength: 320 });
const GuestPhone = Type.String({ minLength: 3, maxLength: 40 });
const Notes = Type.String({ maxLength: 2000 });
// The version column is int4: a larger number is refused here, never sent to SQL.
const ExpectedVersion = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255 });

export const PaymentMethodSchema = Type.Object(
  {
    card_number: Type.String({
      pattern: '^[0-9 ]{12,23}$',
      description: 'Never stored or logged; the payment service keeps brand and last 4',
    }),
    exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
    exp_year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    cvc: Type.String({ pattern: '^[0-9]{3,4}$' }),
  },
  {
    additionalProperties: false,
    description: 'A card to pay with now (the local test provider knows 4242 4242 4242 4242 and the decline cards)',
  },
);

export const CreateBookingBody = Type.Object(
  {
    guest_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Taken from staff and services; a guest is who their token names, an anonymous caller gets a fresh id',
      }),
    ),
    guest_name: GuestName,
    guest_email: Type.Optional(GuestEmail),
    guest_phone: Type.Optional(GuestPhone),
    venue_id: Type.String({ minLength: 1, maxLength: 64 }),
    venue_type: VenueType,
    venue_name: Type.Optional(
      Type.String({
        maxLength: 200,
        description: "Accepted as seed 004's booking carries it; the booking stores the venue's own name from the inventory service",
      }),
    ),
    booking_date: { ...IsoDate, description: 'The day of the visit; for a hotel, the check-in date' },
    booking_time: Type.Optional(Time),
    duration_minutes: Type.Optional(Type.Integer({ minimum: 15, maximum: 720 })),
    party_size: Type.Integer({ minimum: 1, maximum: 100 }),
    room_type_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    check_out: Type.Optional(IsoDate),
    nights: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    adults: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    children: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    special_requests: Type.Optional(Notes),
    internal_notes: Type.Optional(Notes),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    idempotency_key: Type.Optional(IdempotencyKey),
    meal_plan: Type.Optional(Type.String({ maxLength: 50 })),
    market_segment: Type.Optional(Type.String({ maxLength: 50 })),
    booking_channel: Type.Optional(Type.String({ maxLength: 50 })),
    is_holiday: Type.Optional(Type.Boolean()),
    promo_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    payment_method: Type.Optional(PaymentMethodSchema),
  },
  { additionalProperties: false },
);
export type CreateBookingBody = Static<typeof CreateBookingBody>;

/**
 * An update: the create body's changeable fields, each optional, with the create limits. What a
 * booking is of (guest, venue, source, promo, the seed-001 stay attributes) is not changeable; the
 * contact fields and notes can also be cleared (null).
 */
export const UpdateBookingBody = Type.Object(
  {
    expected_version: Type.Optional(ExpectedVersion),
    ...Type.Partial(
      Type.Pick(CreateBookingBody, [
        'guest_name',
        'booking_date',
        'booking_time',
        'duration_minutes',
        'party_size',
        'room_type_id',
        'check_out',
        'nights',
        'adults',
        'children',
        'metadata',
        'idempotency_key',
        'payment_method',
      ]),
    ).properties,
    guest_email: Type.Optional(Nullable(GuestEmail)),
    guest_phone: Type.Optional(Nullable(GuestPhone)),
    special_requests: Type.Optional(Nullable(Notes)),
    internal_notes: Type.Optional(Nullable(Notes)),
  },
  { additionalProperties: false },
);
export type UpdateBookingBody = Static<typeof UpdateBookingBody>;

export const CancelBookingBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    cancelled_by: Type.String({ minLength: 1, maxLength: 100 }),
    expected_version: Type.Optional(ExpectedVersion),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);

export const StatusBody = Type.Object(
  {
    status: Status,
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    changed_by: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    expected_version: Type.Optional(ExpectedVersion),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);

export const BookingParams = Type.Object({ booking_id: Type.String({ format: 'uuid' }) });
export const ReferenceParams = Type.Object({ reference: Type.String({ minLength: 1, maxLength: 40 }) });

/** A guest's "find my booking": the reference and the email the booking was made with (both needed). */
export const LookupBody = Type.Object(
  { reference: Type.String({ minLength: 1, maxLength: 40 }), email: GuestEmail },
  { additionalProperties: false },
);
export const VersionQuery = Type.Object({ expected_version: Type.Optional(ExpectedVersion) });
export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    offset: PageOffset({ default: 0 }),
    status: Type.Optional(Status),
    from_date: Type.Optional(IsoDate),
    to_date: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
/** Staff search over every booking they may see: the list filters, and a guest's exact email or phone. */
export const SearchQuery = Type.Object(
  { ...ListQuery.properties, guest_email: Type.Optional(GuestEmail), guest_phone: Type.Optional(GuestPhone) },
  { additionalProperties: false },
);
export const BookingList = Type.Object({
  bookings: Type.Array(BookingReply),
  total: Type.Integer({ description: 'Every match, not only this page' }),
  page: Type.Integer({ description: '1-based' }),
  page_size: Type.Integer(),
  total_pages: Type.Integer(),
});
export const HistoryReply = Type.Object({
  booking_id: Type.String(),
  history: Type.Array(
    Type.Object({
      from_status: Nullable(Status),
      to_status: Status,
      changed_by: Type.String(),
      reason: Nullable(Type.String()),
      created_at: IsoDateTime,
    }),
  ),
});

/** "Is there room?": the create body's fields that place a booking, with the same limits. */
export const AvailabilityBody = Type.Object(
  {
    ...Type.Pick(CreateBookingBody, ['venue_id', 'booking_date', 'party_size']).properties,
    ...Type.Partial(Type.Pick(CreateBookingBody, ['venue_type', 'booking_time', 'duration_minutes', 'room_type_id', 'check_out', 'nights']))
      .properties,
  },
  { additionalProperties: false },
);
export const AvailabilityReply = Type.Object({
  available: Type.Boolean(),
  venue_id: Type.String(),
  venue_type: VenueType,
  booking_date: IsoDate,
  booking_time: Nullable(Type.String()),
  party_size: Type.Integer(),
  options: Type.Array(
    Type.Object({
      room_type_id: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
      time: Type.Optional(Type.String()),
      available: Type.Integer({ description: 'Rooms (for the whole stay) or tables free' }),
      price_per_night: Type.Optional(Type.Integer()),
      total_price: Type.Optional(Type.Integer()),
      currency: Type.Optional(Type.String()),
    }),
  ),
});

export function bookingToReply(b: Booking): BookingReply {
  return {
    id: b.id,
    booking_reference: b.reference,
    idempotency_key: b.idempotencyKey,
    guest_id: b.guest.id,
    guest_name: b.guest.name,
    guest_email: b.guest.email,
    guest_phone: b.guest.phone,
    venue_id: b.venue.id,
    venue_type: b.venue.type,
    venue_name: b.venue.name,
    booking_date: b.date,
    booking_time: b.time,
    duration_minutes: b.durationMinutes,
    end_time: b.endTime?.toISOString() ?? null,
    party_size: b.partySize,
    status: b.status,
    version: b.version,
    base_price: b.price.base,
    tax_amount: b.price.tax,
    discount_amount: b.price.discount,
    total_price: b.price.total,
    currency: b.price.currency,
    payment_intent_id: b.payment.intentId,
    payment_status: b.payment.status,
    inventory_reservation_id: b.inventory.holdId,
    inventory_item_id: b.inventory.itemId,
    inventory_status: b.inventory.status,
    special_requests: b.specialRequests,
    internal_notes: b.internalNotes,
    room_type_id: b.stay?.roomTypeId ?? null,
    room_type_name: b.stay?.roomTypeName ?? null,
    check_in: b.stay?.checkIn ?? null,
    check_out: b.stay?.checkOut ?? null,
    nights: b.stay?.nights ?? null,
    adults: b.stay?.adults ?? null,
    children: b.stay?.children ?? null,
    room_price: b.stay?.roomPrice ?? null,
    meal_plan: b.stay?.mealPlan ?? null,
    market_segment: b.stay?.marketSegment ?? null,
    booking_channel: b.stay?.bookingChannel ?? null,
    is_holiday: b.stay?.isHoliday ?? null,
    source: b.source,
    metadata: b.metadata,
    created_at: b.createdAt.toISOString(),
    updated_at: b.updatedAt.toISOString(),
    confirmed_at: b.confirmedAt?.toISOString() ?? null,
    cancelled_at: b.cancelledAt?.toISOString() ?? null,
    checked_in_at: b.checkedInAt?.toISOString() ?? null,
    completed_at: b.completedAt?.toISOString() ?? null,
    expires_at: b.expiresAt?.toISOString() ?? null,
    cancellation_reason: b.cancellationReason,
    cancelled_by: b.cancelledBy,
    cancellation_fee: b.cancellationFee,
    promo_code: b.promoCode,
    amount_captured: b.amountCaptured,
    amount_refunded: b.amountRefunded,
  };
}

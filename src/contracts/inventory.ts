/**
 * The inventory service's contract with the services that call it: the request and reply schemas of
 * those routes and the refusal codes a caller may act on. The inventory routes validate, serialize and
 * document with these schemas (imported back by their `*.schemas.ts`); the booking service's client
 * types its calls with them and checks every reply against them (ADR 0005). Change a schema here and
 * both sides change together — or the client's check says which field drifted.
 *
 * Reply schemas are open (extra fields pass): a service may add a field without breaking its callers;
 * removing or retyping one is a breaking change.
 */
import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, Uuid } from '../platform/http/schemas.js';

/** Venue, room type and similar ids of the inventory service. */
export const InventoryId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'Letters, digits and _.:- (1–64)' });

// ---------------------------------------------------------------------------------------------------
// Venues: GET /api/v1/venues/{venue_id}

export const VenueTypeSchema = Type.Union([
  Type.Literal('hotel'),
  Type.Literal('restaurant'),
  Type.Literal('cafe'),
  Type.Literal('retail'),
]);

export const VenueParams = Type.Object({ venue_id: InventoryId });

export const VenueReply = Type.Object(
  {
    id: Type.String(),
    organization_id: Type.String(),
    type: VenueTypeSchema,
    name: Type.String(),
    location: Type.String(),
    time_zone: Type.String(),
    currency: Type.String(),
    active: Type.Boolean(),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Venue' },
);
export type VenueReply = Static<typeof VenueReply>;

export const VenueListReply = Type.Object({ venues: Type.Array(VenueReply) });
export type VenueListReply = Static<typeof VenueListReply>;

// ---------------------------------------------------------------------------------------------------
// Room types: GET /api/v1/room-types/{room_type_id}, GET /api/v1/venues/{venue_id}/room-types

export const RoomTypeParams = Type.Object({ room_type_id: InventoryId });
export const VenueRoomTypeParams = Type.Object({ venue_id: InventoryId });
export const RoomTypeListQuery = Type.Object({ include_inactive: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const RoomTypeReply = Type.Object(
  {
    id: Type.String(),
    venue_id: Type.String(),
    name: Type.String(),
    capacity_adults: Type.Integer(),
    price: Type.Integer({ description: 'Nightly price in minor units of `currency`' }),
    currency: Type.String(),
    total_quantity: Type.Integer(),
    overbooking_allowance: Type.Integer(),
    active: Type.Boolean(),
  },
  { $id: 'RoomType' },
);
export type RoomTypeReply = Static<typeof RoomTypeReply>;

/** The list reply of GET /api/v1/venues/{venue_id}/room-types. */
export const RoomTypeListReply = Type.Object({ room_types: Type.Array(RoomTypeReply) });
export type RoomTypeListReply = Static<typeof RoomTypeListReply>;

// ---------------------------------------------------------------------------------------------------
// Holds: POST /api/v1/holds/lodging, POST /api/v1/holds/dining, POST /api/v1/holds/{hold_id}/confirm,
// …/release, …/shorten

/** A hold lives this long unless the request says otherwise. */
export const DEFAULT_HOLD_TTL_SECONDS = 15 * 60;
/** The longest a hold may live. */
export const MAX_HOLD_TTL_SECONDS = 7 * 24 * 3600;

/** The hold's time to live, shared by every create-hold request body. */
export const TtlSeconds = Type.Integer({
  minimum: 1,
  maximum: MAX_HOLD_TTL_SECONDS,
  default: DEFAULT_HOLD_TTL_SECONDS,
  description: 'Seconds until the hold expires and its inventory goes back on sale',
});

const IdempotencyKeyField = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'Same as the Idempotency-Key header (the header wins)',
});

export const HoldParams = Type.Object({ hold_id: Uuid });

export const HoldReply = Type.Object(
  {
    id: Uuid,
    kind: Type.Union([Type.Literal('lodging'), Type.Literal('dining'), Type.Literal('retail')]),
    venue_id: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('HELD'), Type.Literal('CONFIRMED'), Type.Literal('RELEASED'), Type.Literal('EXPIRED')]),
    expires_at: IsoDateTime,
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    confirmed_at: Type.Union([IsoDateTime, Type.Null()]),
    ended_at: Type.Union([IsoDateTime, Type.Null()]),
    end_reason: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'What the hold took, by kind' }),
  },
  { $id: 'Hold' },
);
export type HoldReply = Static<typeof HoldReply>;

export const ReleaseBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export type ReleaseBody = Static<typeof ReleaseBody>;

export const CreateLodgingHoldBody = Type.Object(
  {
    room_type_id: InventoryId,
    check_in: IsoDate,
    check_out: IsoDate,
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'Rooms on every night' })),
    ttl_seconds: Type.Optional(TtlSeconds),
    idempotency_key: Type.Optional(IdempotencyKeyField),
  },
  { additionalProperties: false },
);
export type CreateLodgingHoldBody = Static<typeof CreateLodgingHoldBody>;

export const ShortenBody = Type.Object(
  { check_out: Type.String({ format: 'date', description: 'The new check-out date: nights from it on go back on sale' }) },
  { additionalProperties: false },
);
export type ShortenBody = Static<typeof ShortenBody>;

/** Venue-local time of a seating, HH:MM. */
export const LocalTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Venue-local time, HH:MM' });
export const PartySize = Type.Integer({ minimum: 1, maximum: 1000, description: 'Guests in the party' });
export const DurationMinutes = Type.Integer({ minimum: 15, maximum: 720, description: 'How long the party sits, in minutes' });
export const DiningArea = Type.String({ minLength: 1, maxLength: 100, description: 'e.g. terrace, main room' });

export const DiningHoldBody = Type.Object(
  {
    venue_id: InventoryId,
    date: IsoDate,
    time: LocalTime,
    party_size: PartySize,
    duration_minutes: Type.Optional(DurationMinutes),
    ttl_seconds: Type.Optional(TtlSeconds),
    idempotency_key: Type.Optional(IdempotencyKeyField),
    area: Type.Optional(DiningArea),
  },
  { additionalProperties: false },
);
export type DiningHoldBody = Static<typeof DiningHoldBody>;

// ---------------------------------------------------------------------------------------------------
// Availability: GET /api/v1/availability/lodging, GET /api/v1/availability/dining

const Money = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000, description });

export const LodgingAvailabilityQuery = Type.Object(
  {
    venue_id: Type.Optional(InventoryId),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    room_type_id: Type.Optional(InventoryId),
    check_in: IsoDate,
    check_out: IsoDate,
    adults: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    min_price: Type.Optional(Money('Lowest nightly price, minor units')),
    max_price: Type.Optional(Money('Highest nightly price, minor units')),
  },
  { additionalProperties: false },
);
export type LodgingAvailabilityQuery = Static<typeof LodgingAvailabilityQuery>;

export const LodgingAvailabilityResult = Type.Object({
  venue_id: Type.String(),
  venue_name: Type.String(),
  location: Type.String(),
  room_type_id: Type.String(),
  name: Type.String(),
  capacity_adults: Type.Integer(),
  currency: Type.String(),
  price_per_night: Type.Integer({ description: 'Minor units' }),
  total_price: Type.Integer({ description: 'price_per_night × nights, minor units' }),
  available: Type.Integer({ description: 'Rooms free on every night of the stay' }),
  nights: Type.Array(Type.Object({ date: IsoDate, available: Type.Integer(), price: Type.Integer() })),
});

export const LodgingAvailabilityReply = Type.Object(
  { check_in: IsoDate, check_out: IsoDate, nights: Type.Integer(), results: Type.Array(LodgingAvailabilityResult) },
  { $id: 'LodgingAvailability' },
);
export type LodgingAvailabilityReply = Static<typeof LodgingAvailabilityReply>;

export const DiningAvailabilityQuery = Type.Object(
  {
    venue_id: InventoryId,
    date: IsoDate,
    party_size: PartySize,
    duration_minutes: Type.Optional(DurationMinutes),
    area: Type.Optional(DiningArea),
  },
  { additionalProperties: false },
);
export type DiningAvailabilityQuery = Static<typeof DiningAvailabilityQuery>;

export const DiningAvailabilityReply = Type.Object(
  {
    venue_id: Type.String(),
    date: Type.String(),
    time_zone: Type.String(),
    party_size: Type.Integer(),
    duration_minutes: Type.Integer(),
    closed: Type.Boolean({ description: 'The date is a closed date of the venue' }),
    slots: Type.Array(
      Type.Object({
        time: Type.String({ description: 'Venue-local start, HH:MM, on the date asked' }),
        start: IsoDateTime,
        end: IsoDateTime,
        available: Type.Boolean({ description: 'A hold for this party at this time would be granted now' }),
        tables_free: Type.Integer({ description: 'Fitting tables free for the whole seating plus the turn buffer' }),
        covers_left: Type.Union([Type.Integer(), Type.Null()], { description: 'Covers pacing still allows to start; null: no pacing' }),
      }),
    ),
  },
  { $id: 'DiningAvailability' },
);
export type DiningAvailabilityReply = Static<typeof DiningAvailabilityReply>;

// ---------------------------------------------------------------------------------------------------
// Refusals

/**
 * The refusals (`error.code`, with their HTTP status) the calls above may answer, besides the
 * platform's own (VALIDATION_FAILED, IDEMPOTENCY_*). Each is declared by the inventory service's error
 * registry with this status (test/unit/contracts/error-codes.test.ts holds both sides to it).
 */
export const InventoryErrorCodes = {
  VENUE_NOT_FOUND: 404,
  VENUE_INACTIVE: 409,
  VENUE_TYPE_MISMATCH: 400,
  ROOM_TYPE_NOT_FOUND: 404,
  ROOM_TYPE_INACTIVE: 409,
  STAY_RULE_VIOLATED: 400,
  NO_AVAILABILITY: 409,
  HOLD_NOT_FOUND: 404,
  HOLD_EXPIRED: 409,
  HOLD_NOT_ACTIVE: 409,
  HOLD_NOT_RELEASABLE: 409,
  HOLD_NOT_LODGING: 400,
  TABLE_NOT_FOUND: 404,
  PARTY_TOO_LARGE: 422,
  PARTY_SIZE_NOT_SEATED: 422,
  OUTSIDE_OPENING_HOURS: 400,
  VENUE_CLOSED: 400,
  SLOT_IN_PAST: 400,
  NO_TABLE_AVAILABLE: 409,
  PACING_LIMIT: 409,
  ALLOCATION_CONTENDED: 409,
  INSUFFICIENT_STOCK: 409,
} as const satisfies Record<string, number>;
export type InventoryErrorCode = keyof typeof InventoryErrorCodes;

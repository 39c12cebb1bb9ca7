/**
 * TypeBox schemas of the lodging routes on /api/v1: one schema = validation + types + OpenAPI. What
 * other services call (room types, lodging holds, availability) is in src/contracts/inventory.ts and
 * re-exported here; the administration schemas and the mappers stay with the service.
 */
import { Type, type Static } from 'typebox';
import {
  InventoryId as Id,
  type LodgingAvailabilityReply,
  type LodgingAvailabilityResult,
  type RoomTypeReply,
} from '../../../contracts/inventory.js';
import { IsoDate } from '../../../platform/http/schemas.js';
import type { RoomTypeAvailability, StayAvailability } from './availability.service.js';
import type { NightView } from './room-type.service.js';
import type { RoomType } from './room-type.repository.js';
import type { StayRule } from './stay-rule.domain.js';

export {
  CreateLodgingHoldBody,
  LodgingAvailabilityQuery as AvailabilityQuery,
  LodgingAvailabilityReply as AvailabilityReply,
  RoomTypeListQuery,
  RoomTypeParams,
  RoomTypeReply,
  ShortenBody,
  VenueRoomTypeParams,
} from '../../../contracts/inventory.js';

const Money = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000, description });

export function roomTypeToReply(rt: RoomType): RoomTypeReply {
  return {
    id: rt.id,
    venue_id: rt.venueId,
    name: rt.name,
    capacity_adults: rt.capacityAdults,
    price: rt.price,
    currency: rt.currency,
    total_quantity: rt.totalQuantity,
    overbooking_allowance: rt.overbookingAllowance,
    active: rt.active,
  };
}

const roomTypeFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  capacity_adults: Type.Integer({ minimum: 1, maximum: 100 }),
  price: Money('Nightly price in minor units of the venue’s currency'),
  total_quantity: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Rooms of this type' }),
  overbooking_allowance: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Rooms sold beyond the total each night' }),
};

export const CreateRoomTypeBody = Type.Object(
  {
    id: Type.Optional(Id),
    name: roomTypeFields.name,
    capacity_adults: roomTypeFields.capacity_adults,
    price: roomTypeFields.price,
    total_quantity: roomTypeFields.total_quantity,
    overbooking_allowance: Type.Optional(roomTypeFields.overbooking_allowance),
  },
  { additionalProperties: false },
);

export const UpdateRoomTypeBody = Type.Object(
  {
    name: Type.Optional(roomTypeFields.name),
    capacity_adults: Type.Optional(roomTypeFields.capacity_adults),
    price: Type.Optional(roomTypeFields.price),
    total_quantity: Type.Optional(roomTypeFields.total_quantity),
    overbooking_allowance: Type.Optional(roomTypeFields.overbooking_allowance),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CapacityBody = Type.Object(
  {
    from: IsoDate,
    to: Type.String({ format: 'date', description: 'YYYY-MM-DD, exclusive' }),
    out_of_order: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0, description: 'Rooms out of order each night' })),
    closed: Type.Optional(Type.Boolean({ default: false, description: 'Close the room type: nothing sells on those nights' })),
  },
  { additionalProperties: false },
);

export const NightsQuery = Type.Object(
  { from: IsoDate, to: Type.String({ format: 'date', description: 'YYYY-MM-DD, exclusive' }) },
  { additionalProperties: false },
);

const NightReply = Type.Object({
  date: IsoDate,
  capacity: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
  out_of_order: Type.Integer(),
  closed: Type.Boolean(),
});
export const NightsReply = Type.Object({ room_type_id: Type.String(), nights: Type.Array(NightReply) });

export function nightsToReply(roomTypeId: string, nights: readonly NightView[]): Static<typeof NightsReply> {
  return {
    room_type_id: roomTypeId,
    nights: nights.map((n) => ({
      date: n.date,
      capacity: n.capacity,
      reserved: n.reserved,
      available: n.available,
      out_of_order: n.outOfOrder,
      closed: n.closed,
    })),
  };
}

const StayRuleSchema = Type.Object(
  {
    from: IsoDate,
    to: Type.String({ format: 'date', description: 'YYYY-MM-DD, exclusive' }),
    // Absent means no limit. (Not nullable: the app's type coercion would read 0 as null.)
    min_stay: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Fewest nights for a stay arriving in the range' })),
    max_stay: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Most nights for a stay arriving in the range' })),
    closed_to_arrival: Type.Optional(Type.Boolean()),
    closed_to_departure: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const StayRulesBody = Type.Object({ rules: Type.Array(StayRuleSchema, { maxItems: 200 }) }, { additionalProperties: false });
const StayRuleReply = Type.Object({
  from: IsoDate,
  to: IsoDate,
  min_stay: Type.Union([Type.Integer(), Type.Null()]),
  max_stay: Type.Union([Type.Integer(), Type.Null()]),
  closed_to_arrival: Type.Boolean(),
  closed_to_departure: Type.Boolean(),
});
export const StayRulesReply = Type.Object({ room_type_id: Type.String(), rules: Type.Array(StayRuleReply) });

export function stayRulesFromBody(body: Static<typeof StayRulesBody>): StayRule[] {
  return body.rules.map((r) => ({
    from: r.from,
    to: r.to,
    minStay: r.min_stay ?? null,
    maxStay: r.max_stay ?? null,
    closedToArrival: r.closed_to_arrival ?? false,
    closedToDeparture: r.closed_to_departure ?? false,
  }));
}

export function stayRulesToReply(roomTypeId: string, rules: readonly StayRule[]): Static<typeof StayRulesReply> {
  return {
    room_type_id: roomTypeId,
    rules: rules.map((r) => ({
      from: r.from,
      to: r.to,
      min_stay: r.minStay,
      max_stay: r.maxStay,
      closed_to_arrival: r.closedToArrival,
      closed_to_departure: r.closedToDeparture,
    })),
  };
}

function resultToReply(r: RoomTypeAvailability): Static<typeof LodgingAvailabilityResult> {
  return {
    venue_id: r.venue_id,
    venue_name: r.venue_name,
    location: r.location,
    room_type_id: r.room_type_id,
    name: r.name,
    capacity_adults: r.capacity_adults,
    currency: r.currency,
    price_per_night: r.price,
    total_price: r.totalPrice,
    available: r.available,
    nights: r.nights,
  };
}

export function availabilityToReply(a: StayAvailability): LodgingAvailabilityReply {
  return { check_in: a.checkIn, check_out: a.checkOut, nights: a.nights, results: a.results.map(resultToReply) };
}

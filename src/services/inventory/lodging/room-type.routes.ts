/**
 * /api/v1 room type administration: room types of a hotel, nightly capacity, stay rules.
 *
 * Access: writes and the nightly rows are `business` (room types of its organization's hotels, narrowed
 * to its venues; another's is a 404) and `admin`. Three reads are public on purpose (no roles): a
 * hotel's room types, a room type, its stay rules — the catalogue a guest books from. They show what is
 * on sale to everyone; a deactivated room type (or one of a deactivated hotel) only within the scope.
 */
import { Type } from 'typebox';
import { scopeOf } from '../../../platform/auth/identity.js';
import type { App } from '../../../platform/http/app.js';
import { replies } from '../../../platform/http/schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import {
  CapacityBody,
  CreateRoomTypeBody,
  nightsToReply,
  NightsQuery,
  NightsReply,
  RoomTypeListQuery,
  RoomTypeParams,
  RoomTypeReply,
  roomTypeToReply,
  StayRulesBody,
  stayRulesFromBody,
  StayRulesReply,
  stayRulesToReply,
  UpdateRoomTypeBody,
  VenueRoomTypeParams,
} from './lodging.schemas.js';
import {
  changeNightCapacity,
  changeRoomType,
  createRoomType,
  deactivateRoomType,
  getListedRoomType,
  getStayRules,
  listVenueRoomTypes,
  putStayRules,
  roomTypeNights,
} from './room-type.service.js';

export function roomTypeRoutes(app: App, ctx: InventoryContext): void {
  const tags = ['inventory'];
  const admin = { roles: ['business', 'admin'] as const };

  app.post(
    '/api/v1/venues/:venue_id/room-types',
    {
      schema: {
        tags,
        summary: 'Create a room type of a hotel (its nightly rows are created for the whole horizon)',
        params: VenueRoomTypeParams,
        body: CreateRoomTypeBody,
        response: replies({ 201: RoomTypeReply }),
      },
      config: admin,
    },
    async (request, reply) => {
      const b = request.body;
      const rt = await createRoomType(
        ctx.db,
        {
          id: b.id,
          venueId: request.params.venue_id,
          name: b.name,
          capacityAdults: b.capacity_adults,
          price: b.price,
          totalQuantity: b.total_quantity,
          overbookingAllowance: b.overbooking_allowance,
        },
        ctx.clock.now(),
        scopeOf(request.identity),
      );
      return reply.status(201).send(roomTypeToReply(rt));
    },
  );

  // Public: the catalogue (see above).
  app.get(
    '/api/v1/venues/:venue_id/room-types',
    {
      schema: {
        tags,
        summary: 'List the room types of a hotel',
        params: VenueRoomTypeParams,
        querystring: RoomTypeListQuery,
        response: replies({ 200: Type.Object({ room_types: Type.Array(RoomTypeReply) }) }),
      },
    },
    async (request) => ({
      room_types: (
        await listVenueRoomTypes(ctx.db, request.params.venue_id, request.query.include_inactive ?? false, scopeOf(request.identity))
      ).map(roomTypeToReply),
    }),
  );

  // Public: the catalogue (see above).
  app.get(
    '/api/v1/room-types/:room_type_id',
    { schema: { tags, summary: 'Read a room type', params: RoomTypeParams, response: replies({ 200: RoomTypeReply }) } },
    async (request) => roomTypeToReply(await getListedRoomType(ctx.db, request.params.room_type_id, scopeOf(request.identity))),
  );

  app.patch(
    '/api/v1/room-types/:room_type_id',
    {
      schema: {
        tags,
        summary: 'Change a room type; a new total or overbooking allowance moves the capacity of every night from today on',
        params: RoomTypeParams,
        body: UpdateRoomTypeBody,
        response: replies({ 200: RoomTypeReply }),
      },
      config: admin,
    },
    async (request) => {
      const b = request.body;
      const rt = await changeRoomType(
        ctx.db,
        request.params.room_type_id,
        {
          name: b.name,
          capacityAdults: b.capacity_adults,
          price: b.price,
          totalQuantity: b.total_quantity,
          overbookingAllowance: b.overbooking_allowance,
          active: b.active,
        },
        ctx.clock.now(),
        scopeOf(request.identity),
      );
      return roomTypeToReply(rt);
    },
  );

  app.post(
    '/api/v1/room-types/:room_type_id/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate a room type: it sells nothing more; existing holds stand',
        params: RoomTypeParams,
        response: replies({ 200: RoomTypeReply }),
      },
      config: admin,
    },
    async (request) =>
      roomTypeToReply(await deactivateRoomType(ctx.db, request.params.room_type_id, ctx.clock.now(), scopeOf(request.identity))),
  );

  app.post(
    '/api/v1/room-types/:room_type_id/capacity',
    {
      schema: {
        tags,
        summary: 'Set rooms out of order, or close the room type, on the nights [from, to) — all nights or none',
        params: RoomTypeParams,
        body: CapacityBody,
        response: replies({ 200: NightsReply }),
      },
      config: admin,
    },
    async (request) => {
      const b = request.body;
      const id = request.params.room_type_id;
      const nights = await changeNightCapacity(
        ctx.db,
        id,
        { from: b.from, to: b.to, outOfOrder: b.out_of_order ?? 0, closed: b.closed ?? false },
        scopeOf(request.identity),
      );
      return nightsToReply(id, nights);
    },
  );

  app.get(
    '/api/v1/room-types/:room_type_id/nights',
    {
      schema: {
        tags,
        summary: 'Nightly capacity and reservations of a room type over [from, to)',
        params: RoomTypeParams,
        querystring: NightsQuery,
        response: replies({ 200: NightsReply }),
      },
      config: admin,
    },
    async (request) => {
      const id = request.params.room_type_id;
      return nightsToReply(id, await roomTypeNights(ctx.db, id, request.query.from, request.query.to, scopeOf(request.identity)));
    },
  );

  // Public: the catalogue (see above).
  app.get(
    '/api/v1/room-types/:room_type_id/stay-rules',
    { schema: { tags, summary: 'The stay rules of a room type', params: RoomTypeParams, response: replies({ 200: StayRulesReply }) } },
    async (request) => {
      const id = request.params.room_type_id;
      return stayRulesToReply(id, await getStayRules(ctx.db, id, scopeOf(request.identity)));
    },
  );

  app.put(
    '/api/v1/room-types/:room_type_id/stay-rules',
    {
      schema: {
        tags,
        summary: 'Replace the stay rules of a room type (min/max stay by arrival date, closed to arrival/departure)',
        params: RoomTypeParams,
        body: StayRulesBody,
        response: replies({ 200: StayRulesReply }),
      },
      config: admin,
    },
    async (request) => {
      const id = request.params.room_type_id;
      return stayRulesToReply(id, await putStayRules(ctx.db, id, stayRulesFromBody(request.body), scopeOf(request.identity)));
    },
  );
}

/**
 * /inventory — the hotel inventory surface of seed 001 (CONTRACTS.md "Hotel inventory and bookings"),
 * a thin adapter over the lodging domain. `hotel_id` is the hotel venue's id ('111' …) and `room_type`
 * the room type's name ("Standard Rooms"); prices are in major units (pounds) as numbers; a hotel id
 * made of digits is answered as a number, as the original's integer ids were.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import { compatAccess, detailErrorHandler } from '../../../platform/http/compat.js';
import { PageOffset } from '../../../platform/http/schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import { hotelRows, pageInventory, type HotelInventoryRow } from '../lodging/hotel-inventory.repository.js';
import { adjustHotelInventory } from '../lodging/hotel-inventory.service.js';
import { findVenue } from '../venues/venue.repository.js';

const ADJUST_REFUSED = 'Not enough available rooms or invalid request.';

const HotelId = Type.Union([Type.Integer(), Type.String()], { description: 'The hotel id (a number when it is all digits)' });
const InventoryRow = Type.Object({
  hotel_name: Type.String(),
  location: Type.String(),
  room_type: Type.String(),
  date: Type.String({ format: 'date' }),
  available_rooms: Type.Integer(),
  room_price: Type.Number({ description: 'Nightly price in major units (e.g. pounds)' }),
  demand_level: Type.String(),
});
const ListedRow = Type.Object({ hotel_id: HotelId, ...InventoryRow.properties });

const HotelParams = Type.Object({ hotel_id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }) });
const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(PageOffset()),
  skip: Type.Optional(PageOffset()),
});
const RangeQuery = Type.Object({
  start_date: Type.Optional(Type.String({ format: 'date' })),
  end_date: Type.Optional(Type.String({ format: 'date' })),
});
const AdjustBody = Type.Object({
  room_type: Type.String({ minLength: 1 }),
  date: Type.String({ format: 'date' }),
  num_rooms: Type.Optional(Type.Integer({ default: 1, description: 'Rooms taken; a negative number returns rooms' })),
});

/** Integer ids stay integers on this surface, as in the original. */
export function hotelIdOut(id: string): number | string {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : id;
}

/** Minor units → major units (an integer over 100 prints as its exact decimal: 36480 → 364.8). */
export function majorUnits(minor: number): number {
  return minor / 100;
}

function toRow(r: HotelInventoryRow): Static<typeof InventoryRow> {
  return {
    hotel_name: r.hotel_name,
    location: r.location,
    room_type: r.room_type,
    date: r.date,
    available_rooms: r.available_rooms,
    room_price: majorUnits(r.price),
    demand_level: r.demand_level,
  };
}

const DetailReply = Type.Object({ detail: Type.Unknown() }, { description: 'FastAPI-style failure' });
const failures = { 400: DetailReply, 404: DetailReply, 409: DetailReply, 422: DetailReply };

export async function hotelInventoryRoutes(app: App, ctx: InventoryContext): Promise<void> {
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    // The only refusals on this surface are adjustments; the original answers each of them alike.
    scope.setErrorHandler(detailErrorHandler((err) => (err.status < 500 ? { status: 400, detail: ADJUST_REFUSED } : undefined)));
    compatAccess(scope);
    const tags = ['hotel inventory (seed 001)'];

    scope.get(
      '/inventory/',
      {
        schema: {
          tags,
          summary: 'Every hotel’s nightly inventory, paginated (limit with offset or skip)',
          querystring: PageQuery,
          response: { 200: Type.Array(ListedRow), ...failures },
        },
      },
      async (request) => {
        const q = request.query;
        const rows = await pageInventory(ctx.db, q.limit ?? 100, q.offset ?? q.skip ?? 0);
        return rows.map((r) => ({ hotel_id: hotelIdOut(r.hotel_id), ...toRow(r) }));
      },
    );

    scope.get(
      '/inventory/hotel_name/:hotel_id',
      {
        schema: {
          tags,
          summary: 'The name of a hotel',
          params: HotelParams,
          response: { 200: Type.Object({ hotel_id: HotelId, hotel_name: Type.String() }), ...failures },
        },
      },
      async (request, reply) => {
        const venue = await findVenue(ctx.db, request.params.hotel_id);
        if (venue === undefined || venue.type !== 'hotel') return reply.status(404).send({ detail: 'Hotel not found' });
        return { hotel_id: hotelIdOut(venue.id), hotel_name: venue.name };
      },
    );

    scope.get(
      '/inventory/:hotel_id',
      {
        schema: {
          tags,
          summary: 'A hotel’s nightly inventory between start_date and end_date (inclusive)',
          params: HotelParams,
          querystring: RangeQuery,
          response: { 200: Type.Array(InventoryRow), ...failures },
        },
      },
      async (request, reply) => {
        const rows = await hotelRows(ctx.db, request.params.hotel_id, request.query.start_date, request.query.end_date);
        if (rows.length === 0) return reply.status(404).send({ detail: 'Hotel not found or no inventory available' });
        return rows.map(toRow);
      },
    );

    scope.post(
      '/inventory/:hotel_id/adjust',
      {
        schema: {
          tags,
          summary: 'Take num_rooms rooms of a room type on a date (a negative number returns rooms)',
          params: HotelParams,
          body: AdjustBody,
          response: { 200: Type.Object({ success: Type.Literal(true), message: Type.String() }), ...failures },
        },
      },
      async (request) => {
        const b = request.body;
        await adjustHotelInventory(ctx, {
          hotelId: request.params.hotel_id,
          roomType: b.room_type,
          date: b.date,
          numRooms: b.num_rooms ?? 1,
        });
        return { success: true as const, message: 'Inventory adjusted.' };
      },
    );
  });
}

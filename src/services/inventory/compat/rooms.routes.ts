/**
 * /rooms — the room inventory surface of seed 002 (CONTRACTS.md "Rooms"), a thin adapter over the
 * lodging domain: list and read room types, search with paired filters, and reserve/release one room
 * per night under a client uuid that takes effect once. FastAPI-style bodies: `{"detail": …}`, 422 for
 * a request that fails validation, 409 `{"detail":{"status":"fail","msg":…}}` for a refused operation.
 * Prices are the room type's integer minor units, as in the original.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppError } from '../../../platform/errors.js';
import type { App } from '../../../platform/http/app.js';
import { Int4 } from '../../../platform/http/schemas.js';
import { compatAccess, detailErrorHandler, type DetailResponse } from '../../../platform/http/compat.js';
import type { InventoryContext } from '../inventory.context.js';
import { findRoomTypes, type RoomTypeMatch } from '../lodging/availability.repository.js';
import { availability } from '../lodging/availability.service.js';
import { requireStay } from '../lodging/lodging.calendar.js';
import { runRoomOperation } from '../lodging/room-operation.service.js';
import type { RoomOperationKind } from '../lodging/lodging.tables.js';

const FAIL_MESSAGES: Record<string, string> = {
  NO_AVAILABILITY: 'Operation failed, no available rooms.',
  NOTHING_TO_RELEASE: 'Operation failed, no rooms to release.',
  OPERATION_UUID_REUSED: 'Operation failed, this uuid was already used for another operation.',
};

export function mapRoomsError(err: AppError): DetailResponse | undefined {
  const msg = FAIL_MESSAGES[err.code];
  if (msg !== undefined) return { status: 409, detail: { status: 'fail', msg } };
  if (err.code === 'ROOM_TYPE_NOT_FOUND') return { status: 404, detail: 'Room type not found' };
  if (err.status === 400) return { status: 400, detail: err.message };
  return undefined;
}

const RoomTypeRow = Type.Object({
  room_type_id: Type.String(),
  name: Type.String(),
  capacity_adults: Type.Integer(),
  price: Type.Integer(),
  total_quantity: Type.Integer(),
});
const SearchRow = Type.Object({
  room_type_id: Type.String(),
  name: Type.String(),
  capacity_adults: Type.Integer(),
  price: Type.Integer(),
  total_quantity: Type.Integer(),
  available_quantity: Type.Optional(Type.Integer()),
});

const SearchQuery = Type.Object({
  room_type_id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  adults: Type.Optional(Int4()),
  min_price: Type.Optional(Int4()),
  max_price: Type.Optional(Int4()),
  check_in: Type.Optional(Type.String({ format: 'date' })),
  check_out: Type.Optional(Type.String({ format: 'date' })),
});

const OperationBody = Type.Object({
  uuid: Type.String({ format: 'uuid', description: 'Names the operation: it takes effect once' }),
  room_type_id: Type.String({ minLength: 1 }),
  check_in: Type.String({ format: 'date' }),
  check_out: Type.String({ format: 'date' }),
});
type OperationBody = Static<typeof OperationBody>;

const OperationReply = Type.Object({
  status: Type.Literal('success'),
  uuid: Type.String(),
  operation: Type.Union([Type.Literal('RESERVE'), Type.Literal('RELEASE')]),
  room_type_id: Type.String(),
  check_in: Type.String(),
  check_out: Type.String(),
  message: Type.String(),
});

const toRow = (m: RoomTypeMatch): Static<typeof RoomTypeRow> => ({
  room_type_id: m.room_type_id,
  name: m.name,
  capacity_adults: m.capacity_adults,
  price: m.price,
  total_quantity: m.total_quantity,
});

const DetailReply = Type.Object({ detail: Type.Unknown() }, { description: 'FastAPI-style failure' });
const failures = { 400: DetailReply, 404: DetailReply, 409: DetailReply, 422: DetailReply };

export async function roomsRoutes(app: App, ctx: InventoryContext): Promise<void> {
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.setErrorHandler(detailErrorHandler(mapRoomsError));
    compatAccess(scope);
    const tags = ['rooms (seed 002)'];

    scope.get('/rooms', { schema: { tags, summary: 'All room types', response: { 200: Type.Array(RoomTypeRow) } } }, async () =>
      (await findRoomTypes(ctx.db, {})).map(toRow),
    );

    scope.get(
      '/rooms/search',
      {
        schema: {
          tags,
          summary: 'Room types matching every filter given; with dates, only those with rooms free on every night',
          querystring: SearchQuery,
          response: { 200: Type.Array(SearchRow), ...failures },
        },
      },
      async (request, reply) => {
        const q = request.query;
        if ((q.min_price === undefined) !== (q.max_price === undefined)) {
          return reply.status(400).send({ detail: "Fields 'min_price' and 'max_price' must be specified both or none." });
        }
        if ((q.check_in === undefined) !== (q.check_out === undefined)) {
          return reply.status(400).send({ detail: "Fields 'check_in' and 'check_out' must be specified both or none." });
        }
        const filter = { roomTypeId: q.room_type_id, name: q.name, adults: q.adults, minPrice: q.min_price, maxPrice: q.max_price };
        if (q.check_in === undefined || q.check_out === undefined) return (await findRoomTypes(ctx.db, filter)).map(toRow);
        requireStay(q.check_in, q.check_out);
        const rows = await availability(ctx.db, { ...filter, checkIn: q.check_in, checkOut: q.check_out });
        return rows.filter((r) => r.available > 0).map((r) => ({ ...toRow(r), available_quantity: r.available }));
      },
    );

    scope.get(
      '/rooms/:room_type_id',
      {
        schema: {
          tags,
          summary: 'One room type, as a one-element list',
          params: Type.Object({ room_type_id: Type.String() }),
          response: { 200: Type.Array(RoomTypeRow), ...failures },
        },
      },
      async (request, reply) => {
        const rows = await findRoomTypes(ctx.db, { roomTypeId: request.params.room_type_id });
        if (rows.length === 0) return reply.status(404).send({ detail: 'Room type not found' });
        return rows.map(toRow);
      },
    );

    const operation = (kind: RoomOperationKind) => async (body: OperationBody) => {
      const result = await runRoomOperation(ctx, {
        uuid: body.uuid,
        operation: kind,
        roomTypeId: body.room_type_id,
        checkIn: body.check_in,
        checkOut: body.check_out,
      });
      return {
        status: 'success' as const,
        uuid: body.uuid,
        operation: kind,
        room_type_id: body.room_type_id,
        check_in: body.check_in,
        check_out: body.check_out,
        message: result.replayed
          ? 'operation was already completed'
          : `one room ${kind === 'RESERVE' ? 'reserved' : 'released'} on every night of the stay`,
      };
    };
    const reserve = operation('RESERVE');
    const release = operation('RELEASE');

    scope.post(
      '/rooms/reserve',
      {
        schema: {
          tags,
          summary: 'Reserve one room on every night of [check_in, check_out), or none; the uuid takes effect once',
          body: OperationBody,
          response: { 200: OperationReply, ...failures },
        },
      },
      async (request) => reserve(request.body),
    );

    scope.post(
      '/rooms/release',
      {
        schema: {
          tags,
          summary: 'Release one directly reserved room on every night of [check_in, check_out), or none; the uuid takes effect once',
          body: OperationBody,
          response: { 200: OperationReply, ...failures },
        },
      },
      async (request) => release(request.body),
    );
  });
}

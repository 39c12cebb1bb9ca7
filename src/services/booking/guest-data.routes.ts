/**
 * A guest's data for the staff who hold it: `GET /api/v1/guests/{guest_id}/data` (everything held,
 * GDPR article 15) and `POST /api/v1/guests/{guest_id}/erase` (article 17). Admin, or the business
 * that owns the bookings (only those bookings). Both answer `Cache-Control: no-store`.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { replies } from '../../platform/http/schemas.js';
import { bookingScope } from './booking.access.js';
import type { BookingContext } from './booking.context.js';
import { BookingReply, bookingToReply, HistoryReply } from './booking.schemas.js';
import { eraseGuest, exportGuest, type Who } from './guest-data.service.js';

const tags = ['guests'];
const GuestParams = Type.Object({ guest_id: Type.String({ minLength: 1, maxLength: 100 }) });

const ExportReply = Type.Object({
  guest_id: Type.String(),
  exported_at: Type.String({ format: 'date-time' }),
  bookings: Type.Array(Type.Object({ booking: BookingReply, history: HistoryReply.properties.history })),
});

const ErasureReply = Type.Object({
  guest_id: Type.String(),
  erased_bookings: Type.Array(Type.String(), { description: 'Bookings whose guest data this request removed' }),
  already_erased: Type.Integer({ description: 'Bookings erased by an earlier request' }),
});

export function guestDataRoutes(app: App, ctx: BookingContext): void {
  const who = async (request: FastifyRequest): Promise<Who> => ({
    actor: { id: request.identity?.sub ?? 'anonymous', role: request.identity?.role ?? 'anonymous' },
    requestId: String(request.id),
    scope: await bookingScope(ctx, request.identity),
  });

  app.get(
    '/api/v1/guests/:guest_id/data',
    {
      schema: {
        tags,
        summary: "Everything held about a guest (GDPR art. 15): their bookings you may see, with each one's history",
        params: GuestParams,
        response: replies({ 200: ExportReply }),
      },
      config: { roles: ['business', 'admin'] },
    },
    async (request, reply) => {
      const data = await exportGuest(ctx, request.params.guest_id, await who(request));
      reply.header('cache-control', 'no-store');
      return {
        guest_id: data.guestId,
        exported_at: ctx.clock.now().toISOString(),
        bookings: data.bookings.map(({ booking, history }) => ({
          booking: bookingToReply(booking),
          history: history.map((h) => ({
            from_status: h.from,
            to_status: h.to,
            changed_by: h.by,
            reason: h.reason,
            created_at: h.at.toISOString(),
          })),
        })),
      };
    },
  );

  app.post(
    '/api/v1/guests/:guest_id/erase',
    {
      schema: {
        tags,
        summary:
          "Erase a guest's data (GDPR art. 17): name, email, phone and requests removed from bookings, sagas and stored answers; ids, dates and amounts kept. 409 while a booking is not over",
        params: GuestParams,
        response: replies({ 200: ErasureReply }),
      },
      config: { roles: ['business', 'admin'] },
    },
    async (request, reply) => {
      const erased = await eraseGuest(ctx, request.params.guest_id, await who(request));
      reply.header('cache-control', 'no-store');
      return { guest_id: erased.guestId, erased_bookings: [...erased.bookingIds], already_erased: erased.alreadyErased };
    },
  );
}

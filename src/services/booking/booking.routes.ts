/** /api/v1/bookings (seed 004): HTTP in, domain calls, HTTP out. */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { idempotentReply, type IdempotencyStore } from '../../platform/http/idempotent.js';
import { IdempotencyHeaders, replies } from '../../platform/http/schemas.js';
import { randomUUID } from 'node:crypto';
import type { Identity } from '../../platform/auth/identity.js';
import { recordAudit } from '../../platform/audit/audit.repository.js';
import { bookingScope } from './booking.access.js';
import { checkAvailability } from './booking.availability.js';
import { bookingError } from './booking.errors.js';
import type { BookingContext } from './booking.context.js';
import { createBookingInput } from './booking.inputs.js';
import { findByReference, findByReferenceAndEmail, getBooking, listBookings, listHistory, type ListFilter } from './booking.repository.js';
import {
  AvailabilityBody,
  AvailabilityReply,
  BookingList,
  BookingParams,
  BookingReply,
  bookingToReply,
  CancelBookingBody,
  CreateBookingBody,
  HistoryReply,
  ListQuery,
  LookupBody,
  ReferenceParams,
  SearchQuery,
  StatusBody,
  UpdateBookingBody,
  VersionQuery,
} from './booking.schemas.js';
import { changeStatus } from './booking-status.service.js';
import { updateBookingDetails } from './saga/change-booking.saga.js';
import { createBooking } from './saga/create-booking.saga.js';
import type { Booking } from './booking.model.js';

const tags = ['booking'];

/** `"3"`, `W/"3"` or `3` → 3; anything else is a bad request. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(value);
  if (m === null) throw bookingError('BOOKING_INVALID', 'If-Match must be the ETag of the booking, e.g. "3".');
  return Number(m[1]);
}

export function etag(b: Booking): string {
  return `"${b.version}"`;
}

function expectedVersion(request: FastifyRequest, fromBody: number | undefined, fromQuery: number | undefined): number | undefined {
  const header: unknown = request.headers['if-match'];
  const ifMatch = parseIfMatch(typeof header === 'string' ? header : undefined);
  const given = [ifMatch, fromBody, fromQuery].filter((v): v is number => v !== undefined);
  if (new Set(given).size > 1) throw bookingError('BOOKING_INVALID', 'If-Match and expected_version disagree.');
  return given[0];
}

function page(bookings: Booking[], total: number, limit: number, offset: number) {
  return {
    bookings: bookings.map(bookingToReply),
    total,
    page: Math.floor(offset / limit) + 1,
    page_size: limit,
    total_pages: Math.ceil(total / limit),
  };
}

/**
 * Whose idempotency keys a request's key lives among: a guest's own, a business user's organization's;
 * staff with every right, services and anonymous callers share the one space they always had (so that a
 * saga's retry finds its key). Nobody replays another guest's or organization's stored answer.
 */
export function keyOwner(identity: Identity | null): string {
  if (identity === null) return '';
  if (identity.role === 'guest') return `guest:${identity.sub}:`;
  if (identity.role === 'business') return `org:${identity.org ?? ''}:`;
  return '';
}

/** Whose booking a create makes: a guest is who the token names, an anonymous caller a new guest; staff and services say. */
export function guestIdFor(identity: Identity | null, fromBody: string | undefined): string {
  if (identity === null) return randomUUID();
  if (identity.role === 'guest') return identity.sub;
  return fromBody ?? randomUUID();
}

/** A guest token lives until 7 days after the stay (or the visit); at least 30 days for a booking without one. */
export function guestTokenValidUntil(b: Booking, now: Date): Date {
  const end = b.stay?.checkOut ?? b.date;
  const after = new Date(`${end}T00:00:00Z`).getTime() + 7 * 86_400_000;
  return new Date(Math.max(after, now.getTime() + (b.stay === null && b.time === null ? 30 * 86_400_000 : 0)));
}

export function bookingRoutes(app: App, ctx: BookingContext, store: IdempotencyStore): void {
  /** The booking a caller names, if it is theirs to see (else 404 BOOKING_NOT_FOUND, as if it did not exist). */
  const owned = async (request: FastifyRequest, id: string) => getBooking(ctx.db, ctx.pii, id, await bookingScope(ctx, request.identity));
  const writers = ['guest', 'business', 'admin'] as const;
  /** Staff reading many guests' data at once leave a line in the audit trail (ids and counts only). */
  const auditBulkRead = async (request: FastifyRequest, what: string, count: number, details: Record<string, unknown>) => {
    const identity = request.identity;
    if (count === 0 || identity === null || (identity.role !== 'business' && identity.role !== 'admin')) return;
    await recordAudit(ctx.db, {
      actor: { id: identity.sub, role: identity.role },
      action: 'bookings.read_in_bulk',
      objectType: 'bookings',
      objectId: what,
      requestId: String(request.id),
      details: { ...details, bookings: count },
      at: ctx.clock.now(),
    });
  };
  const ok = (b: Booking, status = 200) => ({ status, body: bookingToReply(b), headers: { etag: etag(b) } });

  app.post(
    '/api/v1/bookings',
    {
      schema: {
        tags,
        summary:
          'Create a booking: with payment_method, held, priced, paid and CONFIRMED in one saga (402 when declined); without, PENDING until confirmed (expires after 15 minutes)',
        headers: IdempotencyHeaders,
        body: CreateBookingBody,
        response: replies({ 201: BookingReply }),
      },
      config: { roles: writers, anonymous: true },
    },
    async (request, reply) =>
      idempotentReply(store, request, reply, `${keyOwner(request.identity)}booking.create`, async (bookingId) => {
        const identity = request.identity;
        const guestId = guestIdFor(identity, request.body.guest_id);
        const { input, paymentMethod } = createBookingInput(
          { ...request.body, guest_id: guestId },
          { source: 'api', idempotencyKey: request.headers['idempotency-key'] },
        );
        const booking = await createBooking(ctx, input, { bookingId, autoConfirm: false, actor: { id: input.guest_id }, paymentMethod });
        const forGuest = identity === null || identity.role === 'guest';
        if (!forGuest || ctx.issueGuestToken === undefined) return ok(booking, 201);
        const guestToken = await ctx.issueGuestToken(guestId, booking.id, guestTokenValidUntil(booking, ctx.clock.now()));
        return { status: 201, body: { ...bookingToReply(booking), guest_token: guestToken }, headers: { etag: etag(booking) } };
      }),
  );

  app.get(
    '/api/v1/bookings/:booking_id',
    {
      schema: { tags, summary: 'Read a booking', params: BookingParams, response: replies({ 200: BookingReply }) },
      config: { roles: ['guest', 'business', 'admin', 'service'] },
    },
    async (request, reply) => {
      const booking = await owned(request, request.params.booking_id);
      return reply.header('etag', etag(booking)).send(bookingToReply(booking));
    },
  );

  app.get(
    '/api/v1/bookings/reference/:reference',
    {
      schema: {
        tags,
        summary: 'Read a booking by its reference (BR-YYYYMMDD-XXXXXX)',
        params: ReferenceParams,
        response: replies({ 200: BookingReply }),
      },
      config: { roles: ['guest', 'business', 'admin', 'service'] },
    },
    async (request, reply) => {
      const booking = await findByReference(ctx.db, ctx.pii, request.params.reference, await bookingScope(ctx, request.identity));
      if (booking === undefined) throw bookingError('BOOKING_NOT_FOUND', `No booking has reference ${request.params.reference}.`);
      return reply.header('etag', etag(booking)).send(bookingToReply(booking));
    },
  );

  app.put(
    '/api/v1/bookings/:booking_id',
    {
      schema: {
        tags,
        summary:
          'Update a booking; needs the version it was based on (If-Match or expected_version); a moved stay or seating is re-held all or nothing',
        params: BookingParams,
        querystring: VersionQuery,
        headers: IdempotencyHeaders,
        body: UpdateBookingBody,
        response: replies({ 200: BookingReply }),
      },
      config: { roles: writers },
    },
    async (request, reply) =>
      idempotentReply(
        store,
        request,
        reply,
        `${keyOwner(request.identity)}booking.update:${request.params.booking_id}`,
        async (changeId) => {
          await owned(request, request.params.booking_id);
          const b = request.body;
          const version = expectedVersion(request, b.expected_version, request.query.expected_version);
          if (version === undefined) throw bookingError('EXPECTED_VERSION_REQUIRED');
          const booking = await updateBookingDetails(
            ctx,
            request.params.booking_id,
            version,
            {
              guestName: b.guest_name,
              guestEmail: b.guest_email,
              guestPhone: b.guest_phone,
              date: b.booking_date,
              time: b.booking_time,
              durationMinutes: b.duration_minutes,
              partySize: b.party_size,
              roomTypeId: b.room_type_id,
              checkOut: b.check_out,
              nights: b.nights,
              adults: b.adults,
              children: b.children,
              specialRequests: b.special_requests,
              internalNotes: b.internal_notes,
              metadata: b.metadata,
              paymentMethod: b.payment_method,
            },
            { id: 'api' },
            { changeId },
          );
          return ok(booking);
        },
      ),
  );

  app.post(
    '/api/v1/bookings/:booking_id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a booking; what it held goes back to inventory',
        params: BookingParams,
        querystring: VersionQuery,
        headers: IdempotencyHeaders,
        body: CancelBookingBody,
        response: replies({ 200: BookingReply }),
      },
      config: { roles: writers },
    },
    async (request, reply) =>
      idempotentReply(
        store,
        request,
        reply,
        `${keyOwner(request.identity)}booking.cancel:${request.params.booking_id}`,
        async (requestId) => {
          await owned(request, request.params.booking_id);
          const b = request.body;
          const booking = await changeStatus(ctx, request.params.booking_id, 'CANCELLED', {
            actor: { id: b.cancelled_by },
            reason: b.reason ?? null,
            cancelledBy: b.cancelled_by,
            expectedVersion: expectedVersion(request, b.expected_version, request.query.expected_version),
            requestId,
          });
          return ok(booking);
        },
      ),
  );

  app.post(
    '/api/v1/bookings/:booking_id/status',
    {
      schema: {
        tags,
        summary: 'Change the status through the state machine (an illegal transition is 400 naming both states)',
        params: BookingParams,
        querystring: VersionQuery,
        headers: IdempotencyHeaders,
        body: StatusBody,
        response: replies({ 200: BookingReply }),
      },
      config: { roles: ['business', 'admin', 'service'] },
    },
    async (request, reply) =>
      idempotentReply(
        store,
        request,
        reply,
        `${keyOwner(request.identity)}booking.status:${request.params.booking_id}`,
        async (requestId) => {
          await owned(request, request.params.booking_id);
          const b = request.body;
          const by = b.changed_by ?? 'api';
          const booking = await changeStatus(ctx, request.params.booking_id, b.status, {
            actor: { id: by },
            reason: b.reason ?? null,
            cancelledBy: by,
            expectedVersion: expectedVersion(request, b.expected_version, request.query.expected_version),
            requestId,
          });
          return ok(booking);
        },
      ),
  );

  app.get(
    '/api/v1/bookings/:booking_id/history',
    {
      schema: { tags, summary: 'The status history of a booking', params: BookingParams, response: replies({ 200: HistoryReply }) },
      config: { roles: ['business', 'admin', 'service'] },
    },
    async (request) => {
      const booking = await owned(request, request.params.booking_id);
      const history = await listHistory(ctx.db, booking.id);
      return {
        booking_id: booking.id,
        history: history.map((h) => ({
          from_status: h.from,
          to_status: h.to,
          changed_by: h.by,
          reason: h.reason,
          created_at: h.at.toISOString(),
        })),
      };
    },
  );

  app.get(
    '/api/v1/bookings',
    {
      schema: {
        tags,
        summary: "Search the bookings a staff member may see, newest first: by status, dates, and a guest's exact email or phone",
        querystring: SearchQuery,
        response: replies({ 200: BookingList }),
      },
      config: { roles: ['business', 'admin'] },
    },
    async (request) => {
      const q = request.query;
      const filter: ListFilter = {
        status: q.status,
        fromDate: q.from_date,
        toDate: q.to_date,
        ...(q.guest_email === undefined ? {} : { guestEmail: q.guest_email }),
        ...(q.guest_phone === undefined ? {} : { guestPhone: q.guest_phone }),
      };
      const { bookings, total } = await listBookings(ctx.db, ctx.pii, filter, q.limit, q.offset, await bookingScope(ctx, request.identity));
      await auditBulkRead(request, 'search', bookings.length, {
        by_email: q.guest_email !== undefined,
        by_phone: q.guest_phone !== undefined,
      });
      return page(bookings, total, q.limit, q.offset);
    },
  );

  app.post(
    '/api/v1/bookings/lookup',
    {
      schema: {
        tags,
        summary:
          'A guest\'s "find my booking": the booking with this reference and guest email (404 when either does not match), with a guest token to manage it',
        body: LookupBody,
        response: replies({ 200: BookingReply }),
      },
      config: { roles: ['guest', 'business', 'admin', 'service'], anonymous: true },
    },
    async (request, reply) => {
      const { reference, email } = request.body;
      const booking = await findByReferenceAndEmail(ctx.db, ctx.pii, reference, email);
      if (booking === undefined) throw bookingError('BOOKING_NOT_FOUND', 'No booking has this reference and guest email.');
      reply.header('etag', etag(booking)).header('cache-control', 'no-store');
      if (ctx.issueGuestToken === undefined) return bookingToReply(booking);
      const guestToken = await ctx.issueGuestToken(booking.guest.id, booking.id, guestTokenValidUntil(booking, ctx.clock.now()));
      return { ...bookingToReply(booking), guest_token: guestToken };
    },
  );

  const listRoute = (path: string, param: 'guest_id' | 'venue_id', summary: string) =>
    app.get(
      path,
      {
        schema: {
          tags,
          summary,
          params: Type.Object({ [param]: Type.String({ minLength: 1, maxLength: 100 }) }),
          querystring: ListQuery,
          response: replies({ 200: BookingList }),
        },
        config: { roles: ['guest', 'business', 'admin'] },
      },
      async (request) => {
        const id = (request.params as Record<string, string>)[param]!;
        const q = request.query;
        const filter: ListFilter = {
          ...(param === 'guest_id' ? { guestId: id } : { venueId: id }),
          status: q.status,
          fromDate: q.from_date,
          toDate: q.to_date,
        };
        const { bookings, total } = await listBookings(
          ctx.db,
          ctx.pii,
          filter,
          q.limit,
          q.offset,
          await bookingScope(ctx, request.identity),
        );
        if (param === 'venue_id') await auditBulkRead(request, `venue:${id}`, bookings.length, {});
        return page(bookings, total, q.limit, q.offset);
      },
    );
  listRoute('/api/v1/bookings/guest/:guest_id', 'guest_id', "A guest's bookings, newest first");
  listRoute('/api/v1/bookings/venue/:venue_id', 'venue_id', "A venue's bookings, newest first");

  app.post(
    '/api/v1/bookings/availability/check',
    {
      schema: {
        tags,
        summary: "Is there room? Answered from the inventory service's capacity (rooms for the whole stay, or tables at the time)",
        body: AvailabilityBody,
        response: replies({ 200: AvailabilityReply }),
      },
      config: { roles: ['guest', 'business', 'admin', 'service'], anonymous: true },
    },
    async (request) => checkAvailability(ctx, request.body),
  );
}

/**
 * /api/v1 lodging: create a lodging hold, shorten a stay, search availability.
 *
 * Access: holds are `service`, `admin`, and `business` for room types and holds of its organization's
 * venues (another's is a 404). The availability search is public on purpose (no roles): anonymous
 * guests search before they book, and it shows only what is on sale.
 */
import { scopeOf } from '../../../platform/auth/identity.js';
import type { App } from '../../../platform/http/app.js';
import { sendOnce } from '../../../platform/http/idempotent.js';
import { scopedKey } from '../../../platform/idempotency/once.js';
import { IdempotencyHeaders, replies } from '../../../platform/http/schemas.js';
import { DEFAULT_HOLD_TTL_SECONDS } from '../holds/hold.service.js';
import { HoldParams, HoldReply, holdToReply } from '../holds/hold.schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import { searchStays } from './availability.service.js';
import { keyScope } from '../inventory.scope.js';
import { createLodgingHold, LODGING_HOLD_OPERATION, shortenLodgingHold } from './lodging-hold.service.js';
import { AvailabilityQuery, AvailabilityReply, availabilityToReply, CreateLodgingHoldBody, ShortenBody } from './lodging.schemas.js';

export function lodgingRoutes(app: App, ctx: InventoryContext): void {
  const tags = ['inventory'];

  app.post(
    '/api/v1/holds/lodging',
    {
      schema: {
        tags,
        summary: 'Hold rooms of a type on every night of a stay, or none (409 NO_AVAILABILITY names the first full night)',
        headers: IdempotencyHeaders,
        body: CreateLodgingHoldBody,
        response: replies({ 201: HoldReply }),
      },
      config: { roles: ['service', 'business', 'admin'] },
    },
    async (request, reply) => {
      const b = request.body;
      const scope = scopeOf(request.identity);
      return sendOnce(reply, () =>
        createLodgingHold(
          ctx,
          {
            roomTypeId: b.room_type_id,
            checkIn: b.check_in,
            checkOut: b.check_out,
            quantity: b.quantity ?? 1,
            ttlSeconds: b.ttl_seconds ?? DEFAULT_HOLD_TTL_SECONDS,
          },
          {
            render: (hold) => ({ status: 201, body: holdToReply(hold) }),
            key: scopedKey(keyScope(scope, LODGING_HOLD_OPERATION), request.headers['idempotency-key'] ?? b.idempotency_key),
          },
          scope,
        ),
      );
    },
  );

  app.post(
    '/api/v1/holds/:hold_id/shorten',
    {
      schema: {
        tags,
        summary: 'Shorten a held or confirmed stay: the nights from the new check_out on go back on sale (idempotent)',
        params: HoldParams,
        body: ShortenBody,
        response: replies({ 200: HoldReply }),
      },
      config: { roles: ['service', 'business', 'admin'] },
    },
    async (request) =>
      holdToReply(await shortenLodgingHold(ctx, request.params.hold_id, request.body.check_out, scopeOf(request.identity))),
  );

  // Public: the availability search (see above).
  app.get(
    '/api/v1/availability/lodging',
    {
      schema: {
        tags,
        summary: 'Room types of a hotel (venue_id) or a location with the rooms free for the whole stay and night by night',
        querystring: AvailabilityQuery,
        response: replies({ 200: AvailabilityReply }),
      },
    },
    async (request) => {
      const q = request.query;
      const result = await searchStays(ctx.db, {
        venueId: q.venue_id,
        location: q.location,
        roomTypeId: q.room_type_id,
        adults: q.adults,
        minPrice: q.min_price,
        maxPrice: q.max_price,
        checkIn: q.check_in,
        checkOut: q.check_out,
      });
      return availabilityToReply(result);
    },
  );
}

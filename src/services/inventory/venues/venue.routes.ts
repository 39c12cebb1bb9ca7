/**
 * /api/v1/venues: create, read, list, update and deactivate venues of every type.
 *
 * Access: writes are `business` (its own organization; another organization's venue is a 404) and
 * `admin`. The two reads are public on purpose (no roles): the list and a venue by id are the catalogue
 * an anonymous guest browses to book. They show every active venue to everyone; a deactivated venue
 * (`include_inactive=true`, or by id) only within the caller's scope.
 */
import { scopeOf } from '../../../platform/auth/identity.js';
import { Type } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import { replies } from '../../../platform/http/schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import { changeVenue, createVenue, findVenues, getListedVenue } from './venue.service.js';
import { CreateVenueBody, UpdateVenueBody, VenueParams, VenueQuery, VenueReply, venueToReply } from './venue.schemas.js';

export function venueRoutes(app: App, ctx: InventoryContext): void {
  const tags = ['inventory'];
  const admin = { roles: ['business', 'admin'] as const };

  app.post(
    '/api/v1/venues',
    {
      schema: {
        tags,
        summary: 'Create a venue (hotel, restaurant, cafe or shop)',
        body: CreateVenueBody,
        response: replies({ 201: VenueReply }),
      },
      config: admin,
    },
    async (request, reply) => {
      const b = request.body;
      const venue = await createVenue(
        ctx.db,
        {
          id: b.id,
          organizationId: b.organization_id,
          type: b.type,
          name: b.name,
          location: b.location,
          timeZone: b.time_zone,
          currency: b.currency,
        },
        ctx.clock.now(),
        scopeOf(request.identity),
      );
      return reply.status(201).send(venueToReply(venue));
    },
  );

  // Public: the catalogue of active venues (see above).
  app.get(
    '/api/v1/venues',
    {
      schema: {
        tags,
        summary: 'List venues',
        querystring: VenueQuery,
        response: replies({ 200: Type.Object({ venues: Type.Array(VenueReply) }) }),
      },
    },
    async (request) => {
      const q = request.query;
      const venues = await findVenues(
        ctx.db,
        {
          type: q.type,
          location: q.location,
          organizationId: q.organization_id,
          includeInactive: q.include_inactive,
        },
        scopeOf(request.identity),
      );
      return { venues: venues.map(venueToReply) };
    },
  );

  // Public: a venue of the catalogue (see above).
  app.get(
    '/api/v1/venues/:venue_id',
    { schema: { tags, summary: 'Read a venue', params: VenueParams, response: replies({ 200: VenueReply }) } },
    async (request) => venueToReply(await getListedVenue(ctx.db, request.params.venue_id, scopeOf(request.identity))),
  );

  app.patch(
    '/api/v1/venues/:venue_id',
    {
      schema: { tags, summary: 'Change a venue', params: VenueParams, body: UpdateVenueBody, response: replies({ 200: VenueReply }) },
      config: admin,
    },
    async (request) => {
      const b = request.body;
      const venue = await changeVenue(
        ctx.db,
        request.params.venue_id,
        { name: b.name, location: b.location, timeZone: b.time_zone, currency: b.currency },
        ctx.clock.now(),
        scopeOf(request.identity),
      );
      return venueToReply(venue);
    },
  );

  app.post(
    '/api/v1/venues/:venue_id/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate a venue: it sells nothing more; existing holds stand',
        params: VenueParams,
        response: replies({ 200: VenueReply }),
      },
      config: admin,
    },
    async (request) =>
      venueToReply(await changeVenue(ctx.db, request.params.venue_id, { active: false }, ctx.clock.now(), scopeOf(request.identity))),
  );
}

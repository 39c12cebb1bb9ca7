/** /api/v1/venues: create, read, list, update and deactivate venues of every type. */
import { Type } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import { replies } from '../../../platform/http/schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import { changeVenue, createVenue, findVenues, getVenue } from './venue.service.js';
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
      );
      return reply.status(201).send(venueToReply(venue));
    },
  );

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
      const venues = await findVenues(ctx.db, {
        type: q.type,
        location: q.location,
        organizationId: q.organization_id,
        includeInactive: q.include_inactive,
      });
      return { venues: venues.map(venueToReply) };
    },
  );

  app.get(
    '/api/v1/venues/:venue_id',
    { schema: { tags, summary: 'Read a venue', params: VenueParams, response: replies({ 200: VenueReply }) } },
    async (request) => venueToReply(await getVenue(ctx.db, request.params.venue_id)),
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
    async (request) => venueToReply(await changeVenue(ctx.db, request.params.venue_id, { active: false }, ctx.clock.now())),
  );
}

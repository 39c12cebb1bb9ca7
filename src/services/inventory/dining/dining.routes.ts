/**
 * /api/v1 dining routes: settings and tables of restaurants and cafes, slot availability, and dining
 * holds. Reading, confirming and releasing a hold are the core routes at /api/v1/holds/{id}.
 *
 * Access: settings, tables and holds are `business` (its organization's venues, narrowed to its
 * `venues`; another's is a 404), `admin`, and for reads and holds `service`. The availability search is
 * public on purpose (no roles), like the lodging one: anonymous guests search before they book.
 */
import { Type } from 'typebox';
import { scopeOf } from '../../../platform/auth/identity.js';
import { keyScope } from '../inventory.scope.js';
import type { App } from '../../../platform/http/app.js';
import { sendOnce } from '../../../platform/http/idempotent.js';
import { IdempotencyHeaders, replies } from '../../../platform/http/schemas.js';
import { scopedKey } from '../../../platform/idempotency/once.js';
import { HoldReply, holdToReply } from '../holds/hold.schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import { DEFAULT_HOLD_TTL_SECONDS } from '../holds/hold.service.js';
import { DEFAULT_BUFFER_MINUTES, DEFAULT_SLOT_MINUTES } from './dining.settings.js';
import {
  AvailabilityQuery,
  AvailabilityReply,
  availabilityToReply,
  CreateTableBody,
  DiningHoldBody,
  DiningSettingsBody,
  DiningSettingsReply,
  settingsToReply,
  TableParams,
  TableReply,
  TablesQuery,
  tableToReply,
  UpdateTableBody,
  VenueParams,
} from './dining.schemas.js';
import {
  addTable,
  changeTable,
  dayAvailability,
  DINING_HOLD_OPERATION,
  getDiningSettings,
  holdTable,
  putDiningSettings,
  venueTables,
} from './dining.service.js';
import { readInterval, weekdayNumber, type OpeningInterval } from './slots.domain.js';
import { platformError } from '../../../platform/errors.js';

export function diningRoutes(app: App, ctx: InventoryContext): void {
  const tags = ['inventory'];
  const admin = { roles: ['business', 'admin'] as const };

  app.get(
    '/api/v1/venues/:venue_id/dining-settings',
    {
      schema: {
        tags,
        summary: 'Read the dining settings of a restaurant or cafe',
        params: VenueParams,
        response: replies({ 200: DiningSettingsReply }),
      },
      config: { roles: ['business', 'admin', 'service'] },
    },
    async (request) => {
      const { venue, settings } = await getDiningSettings(ctx.db, request.params.venue_id, scopeOf(request.identity));
      return settingsToReply(venue, settings);
    },
  );

  app.put(
    '/api/v1/venues/:venue_id/dining-settings',
    {
      schema: {
        tags,
        summary: 'Replace the dining settings of a restaurant or cafe (hours, closed dates, slots, durations, buffer, pacing)',
        params: VenueParams,
        body: DiningSettingsBody,
        response: replies({ 200: DiningSettingsReply }),
      },
      config: admin,
    },
    async (request) => {
      const b = request.body;
      const hours: OpeningInterval[] = b.hours.map((h, i) => {
        const read = readInterval(weekdayNumber(h.weekday), h.opens, h.closes);
        if (typeof read === 'string') throw platformError('VALIDATION_FAILED', `hours[${i}]: ${read}.`);
        return read;
      });
      const { venue, settings } = await putDiningSettings(
        ctx,
        request.params.venue_id,
        {
          slotMinutes: b.slot_minutes ?? DEFAULT_SLOT_MINUTES,
          defaultDurationMinutes: b.default_duration_minutes,
          durationRules: [...(b.durations ?? [])]
            .map((r) => ({ maxParty: r.max_party, minutes: r.minutes }))
            .sort((x, y) => x.maxParty - y.maxParty),
          bufferMinutes: b.buffer_minutes ?? DEFAULT_BUFFER_MINUTES,
          pacingCovers: b.pacing_covers ?? null,
          hours,
          closedDates: b.closed_dates ?? [],
        },
        scopeOf(request.identity),
      );
      return settingsToReply(venue, settings);
    },
  );

  app.post(
    '/api/v1/venues/:venue_id/tables',
    {
      schema: {
        tags,
        summary: 'Add a table to a restaurant or cafe',
        params: VenueParams,
        body: CreateTableBody,
        response: replies({ 201: TableReply }),
      },
      config: admin,
    },
    async (request, reply) => {
      const b = request.body;
      const table = await addTable(
        ctx,
        request.params.venue_id,
        { name: b.name, minSeats: b.min_seats ?? 1, maxSeats: b.max_seats, area: b.area ?? 'main' },
        scopeOf(request.identity),
      );
      return reply.status(201).send(tableToReply(table));
    },
  );

  app.get(
    '/api/v1/venues/:venue_id/tables',
    {
      schema: {
        tags,
        summary: 'List the tables of a restaurant or cafe (active ones unless include_inactive)',
        params: VenueParams,
        querystring: TablesQuery,
        response: replies({ 200: Type.Object({ tables: Type.Array(TableReply) }) }),
      },
      config: { roles: ['business', 'admin', 'service'] },
    },
    async (request) => ({
      tables: (await venueTables(ctx.db, request.params.venue_id, request.query.include_inactive ?? false, scopeOf(request.identity))).map(
        tableToReply,
      ),
    }),
  );

  app.patch(
    '/api/v1/tables/:table_id',
    {
      schema: {
        tags,
        summary: 'Change a table (seatings it already holds stand)',
        params: TableParams,
        body: UpdateTableBody,
        response: replies({ 200: TableReply }),
      },
      config: admin,
    },
    async (request) => {
      const b = request.body;
      return tableToReply(
        await changeTable(
          ctx,
          request.params.table_id,
          { name: b.name, minSeats: b.min_seats, maxSeats: b.max_seats, area: b.area, active: b.active },
          scopeOf(request.identity),
        ),
      );
    },
  );

  app.post(
    '/api/v1/tables/:table_id/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate a table: it takes no new seatings; seatings it holds stand',
        params: TableParams,
        response: replies({ 200: TableReply }),
      },
      config: admin,
    },
    async (request) => tableToReply(await changeTable(ctx, request.params.table_id, { active: false }, scopeOf(request.identity))),
  );

  app.get(
    '/api/v1/availability/dining',
    {
      schema: {
        tags,
        summary: 'Slot availability of a restaurant or cafe for a date and party size',
        querystring: AvailabilityQuery,
        response: replies({ 200: AvailabilityReply }),
      },
      // Public: the availability search (see above). It was guest/business/admin/service, which
      // refused the anonymous guests it exists for (the lodging search has always been public).
    },
    async (request) => {
      const q = request.query;
      return availabilityToReply(
        await dayAvailability(
          ctx.db,
          { venueId: q.venue_id, date: q.date, partySize: q.party_size, durationMinutes: q.duration_minutes, area: q.area },
          ctx.clock.now(),
        ),
      );
    },
  );

  app.post(
    '/api/v1/holds/dining',
    {
      schema: {
        tags,
        summary: 'Hold one table for a party at a venue-local date and time (best fit); idempotent with a key',
        headers: IdempotencyHeaders,
        body: DiningHoldBody,
        response: replies({ 201: HoldReply }),
      },
      config: { roles: ['service', 'business', 'admin'] },
    },
    async (request, reply) => {
      const b = request.body;
      const scope = scopeOf(request.identity);
      return sendOnce(reply, () =>
        holdTable(
          ctx,
          {
            venueId: b.venue_id,
            date: b.date,
            time: b.time,
            partySize: b.party_size,
            durationMinutes: b.duration_minutes,
            area: b.area,
            ttlSeconds: b.ttl_seconds ?? DEFAULT_HOLD_TTL_SECONDS,
          },
          {
            render: (hold) => ({ status: 201, body: holdToReply(hold) }),
            key: scopedKey(keyScope(scope, DINING_HOLD_OPERATION), request.headers['idempotency-key'] ?? b.idempotency_key),
          },
          scope,
        ),
      );
    },
  );
}

/**
 * `GET /api/v1/events/outboxes`: how far behind each outbox of this database is — unpublished events,
 * the oldest one's age, dead events (the first 100, with their last error) — for operators (admin)
 * and monitoring (service). The same figures as `innkeeper events status`.
 */
import { Type } from 'typebox';
import type { App, ServiceDeps } from '../http/app.js';
import { replies } from '../http/schemas.js';
import { deadEvents, outboxLag, outboxSchemas } from './outbox-admin.js';

const OutboxesReply = Type.Object({
  outboxes: Type.Array(
    Type.Object({
      outbox: Type.String({ description: 'The schema whose outbox it is' }),
      unpublished: Type.Integer({ minimum: 0 }),
      dead: Type.Integer({ minimum: 0 }),
      oldest_unpublished_ms: Type.Integer({ minimum: 0, description: 'Age of the oldest unpublished event; 0 when none' }),
    }),
  ),
  dead: Type.Array(
    Type.Object({
      outbox: Type.String(),
      event_id: Type.String(),
      event_type: Type.String(),
      aggregate_id: Type.String(),
      attempts: Type.Integer(),
      last_error: Type.Union([Type.String(), Type.Null()]),
      dead_at: Type.String({ format: 'date-time' }),
    }),
  ),
});

export function outboxStatusRoutes(app: App, deps: Pick<ServiceDeps, 'database' | 'clock'>): void {
  app.get(
    '/api/v1/events/outboxes',
    {
      schema: {
        tags: ['events'],
        summary: 'Each outbox’s unpublished and dead events and the oldest unpublished event’s age',
        response: replies({ 200: OutboxesReply }),
      },
      config: { roles: ['admin', 'service'] },
    },
    async (_request, reply) => {
      const db = deps.database.db;
      const outboxes = await outboxSchemas(db);
      const [lag, dead] = await Promise.all([outboxLag(db, outboxes, deps.clock.now()), deadEvents(db, outboxes)]);
      void reply.header('cache-control', 'no-store');
      return {
        outboxes: lag.map((l) => ({ ...l, oldest_unpublished_ms: Math.round(l.oldest_unpublished_ms) })),
        dead: dead.map((d) => ({ ...d, dead_at: new Date(d.dead_at).toISOString() })),
      };
    },
  );
}

/**
 * `GET /api/v1/events/schemas` and `GET /api/v1/events/schemas/{event_type}`: the JSON Schemas of the
 * events the services publish (docs/events). Platform-level: every process serves them. For the
 * callers who integrate with the events (admin, service, business); anonymous callers are refused like
 * on every /api/v1 route that is not the guest's own booking flow.
 */
import { Type } from 'typebox';
import { platformError } from '../errors.js';
import type { App } from '../http/app.js';
import { replies } from '../http/schemas.js';
import { eventSchemas } from './event-schemas.js';

const EventSchemaReply = Type.Object({
  event_type: Type.String({ description: 'e.g. booking.created' }),
  version: Type.String({ description: 'The schema major version, e.g. v1 (the envelope says "1.0")' }),
  schema: Type.Record(Type.String(), Type.Unknown(), { description: 'A JSON Schema (draft 2020-12) of the whole envelope' }),
});

const ROLES = ['admin', 'service', 'business'] as const;

export function eventSchemaRoutes(app: App): void {
  const schemas = eventSchemas();
  app.get(
    '/api/v1/events/schemas',
    {
      schema: {
        tags: ['events'],
        summary: 'The JSON Schemas (draft 2020-12) of every event the services publish, one per event type and version',
        response: replies({ 200: Type.Object({ schemas: Type.Array(EventSchemaReply) }) }),
      },
      config: { roles: ROLES },
    },
    async () => ({ schemas: [...schemas] }),
  );
  app.get(
    '/api/v1/events/schemas/:event_type',
    {
      schema: {
        tags: ['events'],
        summary: "The JSON Schemas of one event type (every version's)",
        params: Type.Object({ event_type: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9_.]+$' }) }),
        response: replies({ 200: Type.Object({ schemas: Type.Array(EventSchemaReply) }) }),
      },
      config: { roles: ROLES },
    },
    async (request) => {
      const found = schemas.filter((s) => s.event_type === request.params.event_type);
      if (found.length === 0) {
        throw platformError('NOT_FOUND', `No event type ${request.params.event_type} is published.`, {
          event_type: request.params.event_type,
        });
      }
      return { schemas: found };
    },
  );
}

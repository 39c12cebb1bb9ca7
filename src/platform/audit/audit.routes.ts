/** `GET /api/v1/audit`: the audit trail, newest first, for admins. */
import type { QueryExecutorProvider } from 'kysely';
import { Type } from 'typebox';
import type { App } from '../http/app.js';
import { replies } from '../http/schemas.js';
import { AUDIT_ACTIONS, listAudit } from './audit.repository.js';

const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)))),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    object_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    object_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before_id: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

const AuditReply = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.String({ format: 'date-time' }),
      actor: Type.String(),
      actor_role: Type.String(),
      action: Type.String(),
      object_type: Type.String(),
      object_id: Type.String(),
      request_id: Type.Union([Type.String(), Type.Null()]),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  next_before_id: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as before_id for the page before; null at the oldest' }),
});

export function auditRoutes(app: App, db: QueryExecutorProvider): void {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The audit trail of sensitive actions (exports, erasures, searches by guest contact, refunds, price changes, accounts, keys), newest first',
        querystring: AuditQuery,
        response: replies({ 200: AuditReply }),
      },
      config: { roles: ['admin'] },
    },
    async (request) => {
      const q = request.query;
      const events = await listAudit(db, {
        action: q.action,
        actor: q.actor,
        objectType: q.object_type,
        objectId: q.object_id,
        from: q.from === undefined ? undefined : new Date(q.from),
        to: q.to === undefined ? undefined : new Date(q.to),
        beforeId: q.before_id,
        limit: q.limit,
      });
      return {
        events: events.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          actor: e.actor.id,
          actor_role: e.actor.role,
          action: e.action,
          object_type: e.objectType,
          object_id: e.objectId,
          request_id: e.requestId ?? null,
          details: e.details,
        })),
        next_before_id: events.length === q.limit ? events[events.length - 1]!.id : null,
      };
    },
  );
}

/** The /api/v1/webhooks contract, one TypeBox schema per request and response, and the mappers to them. */
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDateTime } from '../../platform/http/schemas.js';
import type { Delivery, DeliveryAttempt, Endpoint } from './webhook.model.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A topic pattern as RabbitMQ's topic exchange reads it: dot-separated words, `*` one word, `#` any number. */
const EventTypePattern = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^(?:[A-Za-z0-9_-]+|\\*|#)(?:\\.(?:[A-Za-z0-9_-]+|\\*|#))*$',
  description: 'An event type or topic pattern (`booking.*`, `booking.#`, `#` for every event)',
});
const EventTypes = Type.Array(EventTypePattern, { minItems: 1, maxItems: 50 });
const WebhookUrl = Type.String({ minLength: 1, maxLength: 2000, description: 'An http(s) URL on a public address' });
const Description = Type.String({ maxLength: 1000 });
const EndpointStatus = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);

export const EndpointId = Type.String({ pattern: '^ep_[A-Za-z0-9]{24}$' });
export const EndpointParams = Type.Object({ id: EndpointId });
export const DeliveryParams = Type.Object({ delivery_id: Type.String({ pattern: '^msg_[A-Za-z0-9]{24}$' }) });

export const CreateEndpointBody = Type.Object(
  {
    url: WebhookUrl,
    event_types: Type.Optional(EventTypes),
    description: Type.Optional(Description),
    organization_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Admins only: the organization whose events it receives (absent: every organization’s). A business user’s endpoint is its own organization’s.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PatchEndpointBody = Type.Object(
  {
    url: Type.Optional(WebhookUrl),
    event_types: Type.Optional(EventTypes),
    description: Type.Optional(Nullable(Description)),
    status: Type.Optional(EndpointStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const EndpointReply = Type.Object({
  id: EndpointId,
  url: Type.String(),
  event_types: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  organization_id: Nullable(Type.String()),
  status: EndpointStatus,
  disabled_reason: Nullable(Type.String()),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type EndpointReply = Static<typeof EndpointReply>;

/** Only the creation and a rotation show the secret. */
export const EndpointWithSecretReply = Type.Intersect([
  EndpointReply,
  Type.Object({ secret: Type.String({ pattern: '^whsec_', description: 'Shown only now: `whsec_` + base64 of 32 bytes' }) }),
]);

export const EndpointList = Type.Object({ endpoints: Type.Array(EndpointReply) });

const AttemptReply = Type.Object({
  attempted_at: IsoDateTime,
  status_code: Nullable(Type.Integer()),
  duration_ms: Type.Integer(),
  error: Nullable(Type.String()),
});

export const DeliveryReply = Type.Object({
  id: Type.String(),
  endpoint_id: EndpointId,
  event_id: Type.String(),
  event_type: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('cancelled')]),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(IsoDateTime),
  last_status: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  created_at: IsoDateTime,
  delivered_at: Nullable(IsoDateTime),
});

export const DeliveryWithAttempts = Type.Intersect([DeliveryReply, Type.Object({ attempt_history: Type.Array(AttemptReply) })]);
export const DeliveryList = Type.Object({ deliveries: Type.Array(DeliveryWithAttempts) });
export const DeliveriesQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
  { additionalProperties: false },
);

export const endpointToReply = (e: Endpoint): EndpointReply => ({
  id: e.id,
  url: e.url,
  event_types: [...e.eventTypes],
  description: e.description,
  organization_id: e.organizationId,
  status: e.status,
  disabled_reason: e.disabledReason,
  created_at: e.createdAt.toISOString(),
  updated_at: e.updatedAt.toISOString(),
});

export const deliveryToReply = (d: Delivery): Static<typeof DeliveryReply> => ({
  id: d.id,
  endpoint_id: d.endpointId,
  event_id: d.eventId,
  event_type: d.eventType,
  status: d.status,
  attempts: d.attempts,
  next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
  last_status: d.lastStatus,
  last_error: d.lastError,
  created_at: d.createdAt.toISOString(),
  delivered_at: d.deliveredAt?.toISOString() ?? null,
});

export const attemptToReply = (a: DeliveryAttempt): Static<typeof AttemptReply> => ({
  attempted_at: a.attemptedAt.toISOString(),
  status_code: a.statusCode,
  duration_ms: a.durationMs,
  error: a.error,
});

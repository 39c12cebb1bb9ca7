/** /api/v1/webhooks: HTTP in, use-case calls, HTTP out. Business users and admins only (webhook.access.ts). */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app.js';
import { ErrorReply, replies } from '../../platform/http/schemas.js';
import { endpointScope } from './webhook.access.js';
import {
  CreateEndpointBody,
  DeliveriesQuery,
  DeliveryList,
  DeliveryParams,
  DeliveryReply,
  EndpointList,
  EndpointParams,
  EndpointReply,
  EndpointWithSecretReply,
  PatchEndpointBody,
  attemptToReply,
  deliveryToReply,
  endpointToReply,
} from './webhook.schemas.js';
import {
  changeEndpoint,
  createEndpoint,
  endpointDeliveries,
  getEndpoint,
  listEndpoints,
  removeEndpoint,
  retryDelivery,
  rotateEndpointSecret,
  type Actor,
  type WebhookContext,
} from './webhook.service.js';

const tags = ['webhooks'];
const roles = ['business', 'admin'] as const;
const withForbidden = <S extends Record<number, unknown>>(success: S) => ({ ...replies(success), 403: ErrorReply });

const actorOf = (request: FastifyRequest): Actor => ({
  id: request.identity?.sub ?? 'anonymous',
  role: request.identity?.role ?? 'anonymous',
  requestId: request.id,
});

export function webhookRoutes(app: App, ctx: WebhookContext): void {
  app.post(
    '/api/v1/webhooks/endpoints',
    {
      schema: {
        tags,
        summary: 'Create a webhook endpoint; the answer shows its signing secret (this once)',
        body: CreateEndpointBody,
        response: withForbidden({ 201: EndpointWithSecretReply }),
      },
      config: { roles },
    },
    async (request, reply) => {
      const scope = endpointScope(request.identity);
      const b = request.body;
      const { endpoint, secret } = await createEndpoint(ctx, scope, actorOf(request), {
        url: b.url,
        eventTypes: b.event_types,
        description: b.description,
        organizationId: b.organization_id,
      });
      return reply.status(201).send({ ...endpointToReply(endpoint), secret });
    },
  );

  app.get(
    '/api/v1/webhooks/endpoints',
    {
      schema: {
        tags,
        summary: 'List webhook endpoints (a business user: its organization’s)',
        response: withForbidden({ 200: EndpointList }),
      },
      config: { roles },
    },
    async (request) => ({ endpoints: (await listEndpoints(ctx, endpointScope(request.identity))).map(endpointToReply) }),
  );

  app.get(
    '/api/v1/webhooks/endpoints/:id',
    {
      schema: { tags, summary: 'Read a webhook endpoint', params: EndpointParams, response: withForbidden({ 200: EndpointReply }) },
      config: { roles },
    },
    async (request) => endpointToReply(await getEndpoint(ctx, endpointScope(request.identity), request.params.id)),
  );

  app.patch(
    '/api/v1/webhooks/endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook endpoint’s URL, event types, description or status (enabling clears its failure record)',
        params: EndpointParams,
        body: PatchEndpointBody,
        response: withForbidden({ 200: EndpointReply }),
      },
      config: { roles },
    },
    async (request) => {
      const b = request.body;
      return endpointToReply(
        await changeEndpoint(ctx, endpointScope(request.identity), request.params.id, {
          url: b.url,
          eventTypes: b.event_types,
          description: b.description,
          status: b.status,
        }),
      );
    },
  );

  app.delete(
    '/api/v1/webhooks/endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint and its deliveries',
        params: EndpointParams,
        response: withForbidden({ 204: { type: 'null' } }),
      },
      config: { roles },
    },
    async (request, reply) => {
      await removeEndpoint(ctx, endpointScope(request.identity), actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/webhooks/endpoints/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret: the new one is shown this once; the old one keeps signing beside it for 24 h',
        params: EndpointParams,
        response: withForbidden({ 200: EndpointWithSecretReply }),
      },
      config: { roles },
    },
    async (request) => {
      const { endpoint, secret } = await rotateEndpointSecret(ctx, endpointScope(request.identity), actorOf(request), request.params.id);
      return { ...endpointToReply(endpoint), secret };
    },
  );

  app.get(
    '/api/v1/webhooks/endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'An endpoint’s deliveries, newest first, each with its attempts (time, status code, duration, error)',
        params: EndpointParams,
        querystring: DeliveriesQuery,
        response: withForbidden({ 200: DeliveryList }),
      },
      config: { roles },
    },
    async (request) => {
      const rows = await endpointDeliveries(ctx, endpointScope(request.identity), request.params.id, request.query.limit ?? 100);
      return { deliveries: rows.map((r) => ({ ...deliveryToReply(r.delivery), attempt_history: r.attempts.map(attemptToReply) })) };
    },
  );

  app.post(
    '/api/v1/webhooks/deliveries/:delivery_id/retry',
    {
      schema: {
        tags,
        summary: 'Send a delivery again now, with a fresh retry schedule',
        params: DeliveryParams,
        response: withForbidden({ 202: DeliveryReply }),
      },
      config: { roles },
    },
    async (request, reply) => {
      const delivery = await retryDelivery(ctx, endpointScope(request.identity), request.params.delivery_id);
      return reply.status(202).send(deliveryToReply(delivery));
    },
  );
}

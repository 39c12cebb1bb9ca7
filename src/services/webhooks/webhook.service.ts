/**
 * Use-cases of the webhooks service: endpoints (created, read, changed, deleted, their secret rotated)
 * and their deliveries (listed with every attempt, retried by hand). Each opens its own short
 * transaction; URL checks that resolve DNS run before it opens.
 */
import { recordAudit, type AuditActor } from '../../platform/audit/audit.repository.js';
import type { Clock } from '../../platform/clock.js';
import type { PiiVault } from '../../platform/pii/pii-vault.js';
import type { VenueOwners } from './clients/inventory.client.js';
import { webhookError } from './webhook.errors.js';
import { PREVIOUS_SECRET_VALID_MS, type Delivery, type DeliveryAttempt, type Endpoint, type EndpointScope } from './webhook.model.js';
import * as repo from './webhook.repository.js';
import { newSecret } from './webhook.signing.js';
import { checkWebhookUrl, type UrlPolicy } from './webhook.ssrf.js';
import type { EndpointStatus, WebhookDb } from './webhook.tables.js';

/** What the use-cases need of the logger. */
export interface WebhookLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WebhookContext {
  readonly db: WebhookDb;
  readonly clock: Clock;
  readonly pii: PiiVault;
  readonly venues: VenueOwners;
  readonly urlPolicy: UrlPolicy;
  readonly log: WebhookLog;
}

/** The field name secrets are sealed under (it is bound into the ciphertext). */
export const SECRET_FIELD = 'webhook_endpoint.secret';

/** An audit entry's who and which request. */
export interface Actor extends AuditActor {
  readonly requestId?: string | undefined;
}

export interface CreateEndpointInput {
  readonly url: string;
  readonly eventTypes: readonly string[] | undefined;
  readonly description: string | undefined;
  /** For an admin: the organization whose events it receives (absent: every organization's). */
  readonly organizationId: string | undefined;
}

export async function createEndpoint(
  ctx: WebhookContext,
  scope: EndpointScope,
  actor: Actor,
  input: CreateEndpointInput,
): Promise<{ endpoint: Endpoint; secret: string }> {
  if (scope.kind === 'none') throw webhookError('WEBHOOK_SCOPE_REFUSED');
  if (scope.kind === 'organization' && input.organizationId !== undefined && input.organizationId !== scope.org) {
    throw webhookError('WEBHOOK_SCOPE_REFUSED', 'A business user creates endpoints for its own organization only.');
  }
  const url = await checkWebhookUrl(input.url, ctx.urlPolicy);
  const secret = newSecret();
  const at = ctx.clock.now();
  const endpoint = await ctx.db.transaction().execute(async (trx) => {
    const created = await repo.insertEndpoint(trx, {
      id: repo.newEndpointId(),
      organizationId: scope.kind === 'organization' ? scope.org : (input.organizationId ?? null),
      url: url.toString(),
      eventTypes: input.eventTypes ?? ['#'],
      description: input.description ?? null,
      sealedSecret: ctx.pii.seal(SECRET_FIELD, secret),
      createdBy: actor.id,
      at,
    });
    await recordAudit(trx, {
      actor,
      action: 'webhook_endpoint.created',
      objectType: 'webhook_endpoint',
      objectId: created.id,
      requestId: actor.requestId,
      details: { organization_id: created.organizationId, event_types: created.eventTypes },
      at,
    });
    return created;
  });
  return { endpoint, secret };
}

export function listEndpoints(ctx: WebhookContext, scope: EndpointScope): Promise<Endpoint[]> {
  return repo.listEndpoints(ctx.db, scope);
}

export async function getEndpoint(ctx: WebhookContext, scope: EndpointScope, id: string): Promise<Endpoint> {
  const endpoint = await repo.findEndpoint(ctx.db, id, scope);
  if (endpoint === undefined) throw webhookError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return endpoint;
}

export interface EndpointChange {
  readonly url?: string | undefined;
  readonly eventTypes?: readonly string[] | undefined;
  readonly description?: string | null | undefined;
  readonly status?: EndpointStatus | undefined;
}

export async function changeEndpoint(ctx: WebhookContext, scope: EndpointScope, id: string, change: EndpointChange): Promise<Endpoint> {
  const url = change.url === undefined ? undefined : (await checkWebhookUrl(change.url, ctx.urlPolicy)).toString();
  const updated = await ctx.db.transaction().execute((trx) =>
    repo.updateEndpoint(
      trx,
      id,
      scope,
      {
        ...(url === undefined ? {} : { url }),
        ...(change.eventTypes === undefined ? {} : { eventTypes: change.eventTypes }),
        ...(change.description === undefined ? {} : { description: change.description }),
        ...(change.status === undefined ? {} : { status: change.status }),
      },
      ctx.clock.now(),
    ),
  );
  if (updated === undefined) throw webhookError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return updated;
}

export async function removeEndpoint(ctx: WebhookContext, scope: EndpointScope, actor: Actor, id: string): Promise<void> {
  const at = ctx.clock.now();
  const removed = await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.deleteEndpoint(trx, id, scope))) return false;
    await recordAudit(trx, {
      actor,
      action: 'webhook_endpoint.deleted',
      objectType: 'webhook_endpoint',
      objectId: id,
      requestId: actor.requestId,
      at,
    });
    return true;
  });
  if (!removed) throw webhookError('WEBHOOK_ENDPOINT_NOT_FOUND');
}

/** A new secret; the previous one keeps signing (beside it) for 24 hours. */
export async function rotateEndpointSecret(
  ctx: WebhookContext,
  scope: EndpointScope,
  actor: Actor,
  id: string,
): Promise<{ endpoint: Endpoint; secret: string }> {
  const secret = newSecret();
  const at = ctx.clock.now();
  const endpoint = await ctx.db.transaction().execute(async (trx) => {
    const rotated = await repo.rotateSecret(
      trx,
      id,
      scope,
      ctx.pii.seal(SECRET_FIELD, secret),
      new Date(at.getTime() + PREVIOUS_SECRET_VALID_MS),
      at,
    );
    if (rotated === undefined) return undefined;
    await recordAudit(trx, {
      actor,
      action: 'webhook_endpoint.secret_rotated',
      objectType: 'webhook_endpoint',
      objectId: id,
      requestId: actor.requestId,
      at,
    });
    return rotated;
  });
  if (endpoint === undefined) throw webhookError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return { endpoint, secret };
}

export async function endpointDeliveries(
  ctx: WebhookContext,
  scope: EndpointScope,
  id: string,
  limit: number,
): Promise<{ delivery: Delivery; attempts: DeliveryAttempt[] }[]> {
  await getEndpoint(ctx, scope, id);
  return repo.listDeliveries(ctx.db, id, limit);
}

/** Makes a delivery due now, with a fresh retry schedule (whatever its status was). */
export async function retryDelivery(ctx: WebhookContext, scope: EndpointScope, deliveryId: string): Promise<Delivery> {
  const delivery = await repo.findDelivery(ctx.db, deliveryId, scope);
  if (delivery === undefined) throw webhookError('WEBHOOK_DELIVERY_NOT_FOUND');
  const endpoint = await getEndpoint(ctx, scope, delivery.endpointId);
  if (endpoint.status !== 'enabled') throw webhookError('WEBHOOK_ENDPOINT_DISABLED');
  const requeued = await ctx.db.transaction().execute((trx) => repo.requeueDelivery(trx, deliveryId, ctx.clock.now()));
  if (requeued === undefined) throw webhookError('WEBHOOK_DELIVERY_NOT_FOUND');
  return requeued;
}

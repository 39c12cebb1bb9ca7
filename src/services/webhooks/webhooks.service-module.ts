/**
 * The webhooks service: endpoints that organizations (and admins) register, and signed deliveries of
 * the platform's events to them (Standard Webhooks), in schema `webhook`. Events arrive through the
 * `webhooks` consumer; the `webhooks.deliver` job sends what is due.
 */
import type { ServiceDeps, ServiceModule } from '../../platform/http/app.js';
import { InventoryClient, type VenueOwners } from './clients/inventory.client.js';
import * as createWebhooks from './migrations/2026_12_07_230000_create_webhooks.js';
import { webhookConsumer } from './webhook.consumer.js';
import { deliveryJob, type DeliverOptions } from './webhook.delivery.js';
import { webhookRoutes } from './webhook.routes.js';
import type { WebhookContext } from './webhook.service.js';
import type { UrlPolicy } from './webhook.ssrf.js';
import type { WebhookDb } from './webhook.tables.js';

/** WEBHOOK_ALLOW_PRIVATE=1, read once when this module loads. */
export const ALLOW_PRIVATE_FROM_ENV = process.env.WEBHOOK_ALLOW_PRIVATE === '1';

export interface WebhooksServiceOptions {
  /** Private and local targets allowed (default: WEBHOOK_ALLOW_PRIVATE=1). */
  readonly allowPrivate?: boolean;
  /** DNS resolution for the create/patch check (tests). */
  readonly resolve?: UrlPolicy['resolve'];
  /** Where venues' organizations are asked (default: the inventory service). */
  readonly venues?: (deps: ServiceDeps) => VenueOwners;
  /** Jitter source and send timeout of the delivery job. */
  readonly delivery?: DeliverOptions;
}

export function webhooksServiceModule(options: WebhooksServiceOptions = {}): ServiceModule {
  return {
    name: 'webhooks',
    title: 'Webhooks: endpoints and signed deliveries of events (Standard Webhooks)',
    migrations: {
      schema: 'webhook',
      migrations: { '2026_12_07_230000_create_webhooks': createWebhooks },
    },
    register: async (app, deps) => {
      const ctx: WebhookContext = {
        db: deps.database.db as WebhookDb,
        clock: deps.clock,
        pii: deps.pii,
        venues:
          options.venues?.(deps) ??
          new InventoryClient({ baseUrl: () => deps.serviceUrl('inventory'), authorization: deps.serviceAuthorization }),
        urlPolicy: {
          allowPrivate: options.allowPrivate ?? ALLOW_PRIVATE_FROM_ENV,
          ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
        },
        log: app.log,
      };
      webhookRoutes(app, ctx);
      deps.events?.addConsumer(webhookConsumer(ctx));
      deps.scheduler.add(deliveryJob(ctx, options.delivery));
    },
  };
}

export const webhooksService: ServiceModule = webhooksServiceModule();

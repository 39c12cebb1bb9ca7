/**
 * The payment service: payment intents (authorize, capture, cancel, refunds) and their ledger, in
 * schema `payment`. Money moves through an injected `PaymentProvider`; the default is the local test
 * provider, which is NOT a real processor and says so at start-up, on every intent and in the README.
 */
import type { Kysely } from 'kysely';
import type { ServiceDeps, ServiceModule } from '../../platform/http/app.js';
import * as createPayments from './migrations/2026_11_25_170000_create_payments.js';
import * as createProviderAttempts from './migrations/2026_12_01_090000_create_provider_attempts.js';
import * as addIntentVenue from './migrations/2026_12_07_160000_add_intent_venue.js';
import * as createOutbox from './migrations/2026_12_10_100000_create_outbox.js';
import { InventoryClient } from './clients/inventory.client.js';
import { paymentJobs } from './payment.jobs.js';
import { paymentRoutes } from './payment.routes.js';
import type { PaymentContext } from './payment.service.js';
import type { PaymentDb } from './payment.tables.js';
import type { PaymentProvider } from './providers/payment.provider.js';
import { localTestProvider } from './providers/local-test.provider.js';
import type { LocalTestProviderDB } from './providers/local-test.repository.js';

export interface PaymentServiceOptions {
  /** The card processor (see the adapter interface in providers/payment.provider.ts); by default the local test provider (no money moves). */
  readonly provider?: (deps: ServiceDeps) => PaymentProvider;
  /** How long (real time, ms) a request waits for another provider call on the same intent or key; 5 s by default. */
  readonly waitMs?: number;
}

export function paymentServiceModule(options: PaymentServiceOptions = {}): ServiceModule {
  return {
    name: 'payment',
    title: 'Payments: intents, authorization, capture, refunds and a ledger that always balances',
    migrations: {
      schema: 'payment',
      migrations: {
        '2026_11_25_170000_create_payments': createPayments,
        '2026_12_01_090000_create_provider_attempts': createProviderAttempts,
        '2026_12_07_160000_add_intent_venue': addIntentVenue,
        '2026_12_10_100000_create_outbox': createOutbox,
      },
    },
    register: async (app, deps) => {
      const provider =
        options.provider?.(deps) ?? localTestProvider({ clock: deps.clock, db: deps.database.db as Kysely<LocalTestProviderDB> });
      if (!provider.live) {
        app.log.warn(
          { provider: provider.name },
          `payments use ${provider.name}: NOT a real card processor, no money moves (development and tests only)`,
        );
      }
      const ctx: PaymentContext = {
        db: deps.database.db as PaymentDb,
        venues: new InventoryClient({ baseUrl: () => deps.serviceUrl('inventory'), authorization: deps.serviceAuthorization }),
        clock: deps.clock,
        provider,
        idempotencyTtlMs: deps.idempotencyTtlMs,
        log: app.log,
        ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
      };
      paymentRoutes(app, ctx);
      for (const job of paymentJobs(ctx)) deps.scheduler.add(job);
      deps.events?.addOutbox('payment');
    },
  };
}

export const paymentService: ServiceModule = paymentServiceModule();

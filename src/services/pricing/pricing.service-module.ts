/**
 * The pricing service: rate plans, seasons and events, weekday rules, length-of-stay discounts, promo
 * codes, taxes, dining prices and cancellation policies, and the quotes and fees computed from them.
 * Integer minor units everywhere, rounded half up on the minor unit (money.ts). It reads no other
 * service's tables: venue and room type ids are references the callers vouch for; which venues are a
 * business caller's it asks the inventory service (pricing.access.ts).
 */
import { purgeExpiredKeys } from '../../platform/idempotency/idempotency-key.repository.js';
import type { ServiceModule } from '../../platform/http/app.js';
import { adminRoutes } from './admin/resources.routes.js';
import { InventoryClient } from './clients/inventory.client.js';
import * as createRatePlansRules from './migrations/2026_11_25_160000_create_rate_plans_rules.js';
import * as createPromoCodes from './migrations/2026_11_25_160100_create_promo_codes.js';
import * as createTaxesDiningCancellation from './migrations/2026_11_25_160200_create_taxes_dining_cancellation.js';
import type { PricingContext } from './pricing.context.js';
import type { PricingDb } from './pricing.tables.js';
import { quoteRoutes } from './quote.routes.js';

export const pricingService: ServiceModule = {
  name: 'pricing',
  title: 'Pricing: quotes in integer minor units, promo codes counted atomically, cancellation fees',
  migrations: {
    schema: 'pricing',
    migrations: {
      '2026_11_25_160000_create_rate_plans_rules': createRatePlansRules,
      '2026_11_25_160100_create_promo_codes': createPromoCodes,
      '2026_11_25_160200_create_taxes_dining_cancellation': createTaxesDiningCancellation,
    },
  },
  register: async (app, deps) => {
    const ctx: PricingContext = {
      db: deps.database.db as PricingDb,
      venues: new InventoryClient({ baseUrl: () => deps.serviceUrl('inventory'), authorization: deps.serviceAuthorization }),
      clock: deps.clock,
      idempotencyTtlMs: deps.idempotencyTtlMs,
    };
    adminRoutes(app, ctx);
    quoteRoutes(app, ctx);
    deps.scheduler.add({
      name: 'purge-pricing-idempotency-keys',
      description: 'Delete pricing idempotency keys past their expiry (IDEMPOTENCY_TTL_HOURS)',
      schedule: { everyMs: 3_600_000 },
      run: async (now) => ({ purged: await purgeExpiredKeys(deps.database.db, 'pricing', now) }),
    });
  },
};

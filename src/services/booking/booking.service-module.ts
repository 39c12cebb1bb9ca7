/**
 * The booking service: the single source of truth for a booking's state. It coordinates inventory
 * through its HTTP API (in this process or another, the same way) and never reads inventory's tables.
 */
import type { ServiceModule } from '../../platform/http/app.js';
import { guestJsonProtection } from './booking.pii.js';
import { bookingRoutes } from './booking.routes.js';
import { guestDataRoutes } from './guest-data.routes.js';
import { DEFAULT_PENDING_TTL_MS, DEFAULT_SAGA_RECOVERY_AFTER_MS, type BookingContext } from './booking.context.js';
import type { BookingDb } from './booking.tables.js';
import { InventoryClient } from './clients/inventory.client.js';
import { PaymentClient } from './clients/payment.client.js';
import { PricingClient } from './clients/pricing.client.js';
import { bookingsCompatRoutes } from './compat/bookings.routes.js';
import { bookingJobs } from './jobs/booking.jobs.js';
import * as createBookings from './migrations/2026_11_25_150000_create_bookings.js';
import * as createSagas from './migrations/2026_11_25_151000_create_sagas.js';
import * as changeSagas from './migrations/2026_12_07_120000_change_sagas.js';
import * as guestDataSealed from './migrations/2026_12_08_100000_guest_data_sealed.js';
import * as guestErasure from './migrations/2026_12_08_120000_guest_erasure.js';
import * as outboxRelay from './migrations/2026_12_09_100000_outbox_relay.js';

export const bookingService: ServiceModule = {
  name: 'booking',
  title: 'Bookings: the lifecycle of every stay and seating, exact under retries and races',
  migrations: {
    schema: 'booking',
    migrations: {
      '2026_11_25_150000_create_bookings': createBookings,
      '2026_11_25_151000_create_sagas': createSagas,
      '2026_12_07_120000_change_sagas': changeSagas,
      '2026_12_08_100000_guest_data_sealed': guestDataSealed,
      '2026_12_08_120000_guest_erasure': guestErasure,
      '2026_12_09_100000_outbox_relay': outboxRelay,
    },
  },
  register: async (app, deps) => {
    const ctx: BookingContext = {
      db: deps.database.db as BookingDb,
      clock: deps.clock,
      pii: deps.pii,
      inventory: new InventoryClient({ baseUrl: () => deps.serviceUrl('inventory'), authorization: deps.serviceAuthorization }),
      pricing: new PricingClient({ baseUrl: () => deps.serviceUrl('pricing'), authorization: deps.serviceAuthorization }),
      payment: new PaymentClient({ baseUrl: () => deps.serviceUrl('payment'), authorization: deps.serviceAuthorization }),
      pendingTtlMs: DEFAULT_PENDING_TTL_MS,
      sagaRecoveryAfterMs: deps.sagaRecoveryAfterMs ?? DEFAULT_SAGA_RECOVERY_AFTER_MS,
      log: app.log,
      issueGuestToken: deps.issueGuestToken,
    };
    const store = {
      db: deps.database.db,
      schema: 'booking',
      clock: deps.clock,
      ttlMs: deps.idempotencyTtlMs,
      // A request whose process died is resumed by a retry with its key once its saga would be
      // recovered anyway (or after 30 s): the retry settles that saga, then answers as it ended.
      takeOverAfterMs: Math.min(30_000, ctx.sagaRecoveryAfterMs),
      // Stored answers carry the guest's name, email, phone and guest token: sealed at rest.
      protect: guestJsonProtection(deps.pii),
    };
    bookingRoutes(app, ctx, store);
    guestDataRoutes(app, ctx);
    await app.register(async (scope) => bookingsCompatRoutes(scope, ctx));
    for (const job of bookingJobs(ctx)) deps.scheduler.add(job);
    deps.events?.addOutbox('booking');
  },
};

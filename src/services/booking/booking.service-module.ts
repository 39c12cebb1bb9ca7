/**
 * The booking service: the single source of truth for a booking's state. It coordinates inventory
 * through its HTTP API (in this process or another, the same way) and never reads inventory's tables.
 */
import type { ServiceModule } from '../../platform/http/app.js';
import { bookingRoutes } from './booking.routes.js';
import { DEFAULT_PENDING_TTL_MS, type BookingContext } from './booking.service.js';
import type { BookingDb } from './booking.tables.js';
import { InventoryClient } from './clients/inventory.client.js';
import { bookingsCompatRoutes } from './compat/bookings.routes.js';
import { bookingJobs } from './jobs/booking.jobs.js';
import * as createBookings from './migrations/2026_11_25_150000_create_bookings.js';

export const bookingService: ServiceModule = {
  name: 'booking',
  title: 'Bookings: the lifecycle of every stay and seating, exact under retries and races',
  migrations: {
    schema: 'booking',
    migrations: { '2026_11_25_150000_create_bookings': createBookings },
  },
  register: async (app, deps) => {
    const ctx: BookingContext = {
      db: deps.database.db as BookingDb,
      clock: deps.clock,
      inventory: new InventoryClient({ baseUrl: () => deps.serviceUrl('inventory') }),
      pendingTtlMs: DEFAULT_PENDING_TTL_MS,
      log: app.log,
    };
    const store = { db: deps.database.db, schema: 'booking', clock: deps.clock, ttlMs: deps.idempotencyTtlMs };
    bookingRoutes(app, ctx, store);
    await app.register(async (scope) => bookingsCompatRoutes(scope, ctx));
    for (const job of bookingJobs(ctx)) deps.scheduler.add(job);
  },
};

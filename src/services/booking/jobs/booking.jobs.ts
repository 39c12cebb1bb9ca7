/** The booking service's scheduled jobs (run once across replicas by the platform scheduler). */
import { purgeExpiredKeys } from '../../../platform/db/idempotency.js';
import type { Job } from '../../../platform/jobs/scheduler.js';
import { completeFinishedStays, expirePendingBookings, runInventoryTasks, type BookingContext } from '../booking.service.js';

export function bookingJobs(ctx: BookingContext): Job[] {
  return [
    {
      name: 'expire-pending-bookings',
      description: 'PENDING bookings past expires_at become EXPIRED and their holds are released',
      schedule: { everyMs: 30_000 },
      run: async () => ({ expired: await expirePendingBookings(ctx) }),
    },
    {
      name: 'complete-stays',
      description: 'Stays past check-out still confirmed become COMPLETED; unused nights go back (seed 001 daily job)',
      schedule: { dailyAtUtc: '03:00' },
      run: async () => ({ completed: await completeFinishedStays(ctx) }),
    },
    {
      name: 'sync-inventory',
      description: 'Retry releases and shortened stays the inventory service did not take yet',
      schedule: { everyMs: 15_000 },
      run: async () => runInventoryTasks(ctx),
    },
    {
      name: 'purge-booking-idempotency-keys',
      description: 'Delete booking idempotency keys past their expiry (IDEMPOTENCY_TTL_HOURS)',
      schedule: { everyMs: 3_600_000 },
      run: async (now) => ({ purged: await purgeExpiredKeys(ctx.db, 'booking', now) }),
    },
  ];
}

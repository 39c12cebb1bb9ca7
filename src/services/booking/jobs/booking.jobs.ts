/** The booking service's scheduled jobs (run once across replicas by the platform scheduler). */
import { purgeExpiredKeys } from '../../../platform/db/idempotency.js';
import type { Job } from '../../../platform/jobs/scheduler.js';
import { completeFinishedStays, expirePendingBookings, type BookingContext } from '../booking.service.js';
import { runTasks } from '../booking.tasks.js';
import { recoverSagas } from '../saga/create-booking.saga.js';

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
      description: 'Retry the calls booking changes left to make (release, shorten, refund, void, promo) until done',
      schedule: { everyMs: 15_000 },
      run: async () => runTasks(ctx),
    },
    {
      name: 'recover-sagas',
      description: 'Finish or compensate create-booking sagas stuck past the recovery timeout (a crash, a service down)',
      schedule: { everyMs: 30_000 },
      run: async () => recoverSagas(ctx),
    },
    {
      name: 'purge-booking-idempotency-keys',
      description: 'Delete booking idempotency keys past their expiry (IDEMPOTENCY_TTL_HOURS)',
      schedule: { everyMs: 3_600_000 },
      run: async (now) => ({ purged: await purgeExpiredKeys(ctx.db, 'booking', now) }),
    },
  ];
}

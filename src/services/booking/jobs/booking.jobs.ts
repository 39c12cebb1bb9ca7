/** The booking service's scheduled jobs (run once across replicas by the platform scheduler). */
import { purgeExpiredKeys } from '../../../platform/idempotency/idempotency-key.repository.js';
import type { Job } from '../../../platform/jobs/scheduler.js';
import { SYSTEM, type BookingContext } from '../booking.context.js';
import { pendingPastExpiry, staysPastCheckOut } from '../booking.repository.js';
import type { BookingStatus } from '../booking.states.js';
import { changeStatus } from '../booking-status.service.js';
import { runTasks } from '../booking.tasks.js';
import { changeBookingSaga } from '../saga/change-booking.saga.js';
import { createBookingSaga } from '../saga/create-booking.saga.js';
import { recoverStuckSagas } from '../saga/saga.runner.js';

/**
 * Moves each booking to `to` on the system's behalf; one that another change moved meanwhile is
 * skipped (the other change won, which is fine). Returns how many moved.
 */
async function transitionEach(ctx: BookingContext, ids: readonly { id: string }[], to: BookingStatus, reason: string): Promise<number> {
  let moved = 0;
  for (const { id } of ids) {
    try {
      await changeStatus(ctx, id, to, { actor: SYSTEM, reason });
      moved++;
    } catch (err) {
      ctx.log?.warn({ err, booking: id, to }, 'a scheduled status change was skipped');
    }
  }
  return moved;
}

/** Expires PENDING bookings past their expiry and returns what they held. */
export async function expirePendingBookings(ctx: BookingContext, limit = 200): Promise<number> {
  return transitionEach(ctx, await pendingPastExpiry(ctx.db, ctx.clock.now(), limit), 'EXPIRED', 'not confirmed before it expired');
}

/** The seed-001 daily job: stays past check-out still CONFIRMED (or checked in) become COMPLETED. */
export async function completeFinishedStays(ctx: BookingContext, limit = 500): Promise<number> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  return transitionEach(ctx, await staysPastCheckOut(ctx.db, today, limit), 'COMPLETED', 'stay ended');
}

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
      run: async () => recoverStuckSagas(ctx, [createBookingSaga, changeBookingSaga]),
    },
    {
      name: 'purge-booking-idempotency-keys',
      description: 'Delete booking idempotency keys past their expiry (IDEMPOTENCY_TTL_HOURS)',
      schedule: { everyMs: 3_600_000 },
      run: async (now) => ({ purged: await purgeExpiredKeys(ctx.db, 'booking', now) }),
    },
  ];
}

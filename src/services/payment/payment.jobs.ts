/** The payment service's scheduled jobs (run once across replicas by the platform scheduler). */
import { purgeExpiredKeys } from '../../platform/idempotency/idempotency-key.repository.js';
import type { Job } from '../../platform/jobs/scheduler.js';
import type { PaymentContext } from './payment.service.js';

export function paymentJobs(ctx: PaymentContext): Job[] {
  return [
    {
      name: 'purge-payment-idempotency-keys',
      description: 'Delete payment idempotency keys past their expiry (IDEMPOTENCY_TTL_HOURS)',
      schedule: { everyMs: 3_600_000 },
      run: async (now) => ({ purged: await purgeExpiredKeys(ctx.db, 'payment', now) }),
    },
  ];
}

/** The payment service's scheduled jobs (run once across replicas by the platform scheduler). */
import { purgeExpiredKeys } from '../../platform/idempotency/idempotency-key.repository.js';
import type { Job } from '../../platform/jobs/scheduler.js';
import type { PaymentContext } from './payment.service.js';
import { PROVIDER_CALL_DEADLINE_MS, recoverPendingAttempts } from './provider-call.service.js';

export function paymentJobs(ctx: PaymentContext): Job[] {
  return [
    {
      name: 'recover-payment-attempts',
      description: `Settle provider calls still pending ${PROVIDER_CALL_DEADLINE_MS / 1000} s after they were made, from what the provider did under their key`,
      schedule: { everyMs: PROVIDER_CALL_DEADLINE_MS / 2 },
      run: async (now) => ({ ...(await recoverPendingAttempts(ctx, now)) }),
    },
    {
      name: 'purge-payment-idempotency-keys',
      description: 'Delete payment idempotency keys past their expiry (IDEMPOTENCY_TTL_HOURS)',
      schedule: { everyMs: 3_600_000 },
      run: async (now) => ({ purged: await purgeExpiredKeys(ctx.db, 'payment', now) }),
    },
  ];
}

/**
 * Moved to platform/idempotency (once.ts, saga-key.ts, idempotency-key.repository.ts; see
 * docs/adr/0004-once-only-helper.md). This re-export remains only for booking's purge job, which
 * imports it from here until the booking split switches it to `../idempotency/idempotency-key.repository.js`.
 */
export { purgeExpiredKeys } from '../idempotency/idempotency-key.repository.js';

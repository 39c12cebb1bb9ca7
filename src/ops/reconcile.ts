/**
 * The operator's reconciliation across services: one function that the `innkeeper reconcile` command,
 * the tests (`test/helpers/reconcile.ts`) and the benchmark share. Each service answers facts about its
 * own schema (`src/services/<service>/<service>.reconcile.ts`, read-only); the comparison across them
 * is `reconcile.domain.ts`. It reads every service's schema from one database, the all-in-one
 * deployment's; in a split deployment it is run with access to each service's database (today they
 * share one `DATABASE_URL`).
 *
 * Every fact is read in one read-only REPEATABLE READ transaction, so all of them come from one
 * snapshot of the database: a change committing meanwhile is seen whole or not at all. What one
 * snapshot cannot make atomic is a flow that changes several services one call at a time outside a
 * saga (a booking change takes and confirms its new hold, and pays, before its own commit): caught in
 * the middle, it shows as a problem that is gone on the next run. On a busy system, believe what two
 * runs report.
 */
import type { Clock } from '../platform/clock.js';
import type { AnyDB } from '../platform/db/database.js';
import { bookingFacts, openTasks, runningSagas } from '../services/booking/booking.reconcile.js';
import {
  allocationMismatches,
  bookableHolds,
  directMismatches,
  nightMismatches,
  stockMismatches,
} from '../services/inventory/inventory.reconcile.js';
import { intentFacts, ledgerDiscrepancies } from '../services/payment/payment.reconcile.js';
import { activeRedemptions, promoUsesMismatches } from '../services/pricing/pricing.reconcile.js';
import { compare, DEFAULT_DEADLINE_MS, type CheckName, type ReconcileFacts, type ReconcileReport } from './reconcile.domain.js';

export {
  CHECKS,
  DEFAULT_DEADLINE_MS,
  formatProblem,
  isCheckName,
  type CheckName,
  type Problem,
  type ReconcileReport,
} from './reconcile.domain.js';

export interface ReconcileOptions {
  /** Open booking tasks and running sagas older than this are problems (default 10 minutes). */
  readonly deadlineMs?: number;
  /** Checks not to run. */
  readonly skip?: readonly CheckName[];
}

/** Reads each service's facts and compares them; `problems` is empty when everything agrees. */
export async function reconcile(db: AnyDB, clock: Clock, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const facts = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx): Promise<ReconcileFacts> => ({
      booking: { bookings: await bookingFacts(trx), tasks: await openTasks(trx), sagas: await runningSagas(trx) },
      inventory: {
        nights: await nightMismatches(trx),
        direct: await directMismatches(trx),
        stock: await stockMismatches(trx),
        allocations: await allocationMismatches(trx),
        holds: await bookableHolds(trx),
      },
      pricing: { uses: await promoUsesMismatches(trx), redemptions: await activeRedemptions(trx) },
      payment: { intents: await intentFacts(trx), ledger: await ledgerDiscrepancies(trx) },
    }));
  return compare(facts, clock.now(), { deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS, skip: options.skip ?? [] });
}

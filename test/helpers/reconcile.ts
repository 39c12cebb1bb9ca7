/**
 * The operator's reconciliation (src/ops/reconcile.ts) as a test assertion: runs the same function
 * `innkeeper reconcile` and the benchmark run, by the test's clock, and fails listing every problem.
 */
import { expect } from 'vitest';
import type { Clock } from '../../src/platform/clock.js';
import type { AnyDB } from '../../src/platform/db/database.js';
import { formatProblem, reconcile, type ReconcileOptions, type ReconcileReport } from '../../src/ops/reconcile.js';
import type { TestContext } from './context.js';

/** A test context, or a database and the clock to judge deadlines by. */
export type Reconcilable = Pick<TestContext, 'database' | 'clock'> | { readonly db: AnyDB; readonly clock: Clock };

export async function reconcileNow(target: Reconcilable, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  return 'database' in target ? reconcile(target.database.db, target.clock, options) : reconcile(target.db, target.clock, options);
}

/** Fails the test, listing every problem, unless the services' data agree. */
export async function expectReconciled(target: Reconcilable, options: ReconcileOptions = {}): Promise<void> {
  const report = await reconcileNow(target, options);
  expect(report.problems.map(formatProblem), 'innkeeper reconcile finds no problem').toEqual([]);
}

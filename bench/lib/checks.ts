/**
 * Exactness checks on the bench database: nothing oversold (SQL), and the services' data agree (the
 * operator's reconciliation, the same function as `innkeeper reconcile` and `expectReconciled` in
 * test/helpers/reconcile.ts).
 */
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { CHECKS, formatProblem, reconcile } from '../../src/ops/reconcile.js';
import { systemClock } from '../../src/platform/clock.js';
import type { AnyDB } from '../../src/platform/db/database.js';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /**
   * `exactness` (nothing oversold, everything reconciled, races decided exactly): a failure fails the
   * run. `answers` (every answer as expected, e.g. no 5xx while searching under overload): a failure is
   * reported (WARN) but does not fail the run.
   */
  readonly kind: 'exactness' | 'answers';
}

export function check(name: string, ok: boolean, detail: string, kind: Check['kind'] = 'exactness'): Check {
  return { name, ok, detail, kind };
}

/** No night, stock item or table is ever over its capacity. */
export async function noOversell(pool: pg.Pool): Promise<Check[]> {
  const nights = await pool.query<{ n: number }>(
    `select count(*)::int as n from inventory.room_night where reserved > capacity or reserved < 0 or reserved_direct > reserved`,
  );
  const stock = await pool.query<{ n: number }>(
    `select count(*)::int as n from inventory.stock_item where reserved_qty > quantity or reserved_qty < 0 or quantity < 0`,
  );
  const tables = await pool.query<{ n: number }>(
    `select count(*)::int as n from inventory.table_allocation a join inventory.table_allocation b
       on a.table_id = b.table_id and a.hold_id < b.hold_id and a.active and b.active and a.during && b.during`,
  );
  return [
    check('no night over capacity', nights.rows[0]!.n === 0, `${nights.rows[0]!.n} nights over capacity`),
    check('no stock over quantity', stock.rows[0]!.n === 0, `${stock.rows[0]!.n} items over quantity`),
    check('no table double-seated', tables.rows[0]!.n === 0, `${tables.rows[0]!.n} overlapping allocations`),
  ];
}

/**
 * The reconciliation once the platform has settled: a create saga that failed half-way (after a 5xx)
 * is finished or compensated by the platform's `recover-sagas` job (every 30 s, for sagas untouched for
 * 60 s), and a booking task (release, refund) is retried by its job; so while sagas are running or
 * tasks pending, this waits, up to `maxWaitMs`, and says how long it took.
 */
export async function settledReconciliation(pool: pg.Pool, maxWaitMs = 100_000): Promise<Check[]> {
  const start = Date.now();
  for (;;) {
    const { rows } = await pool.query<{ sagas: number; tasks: number }>(
      `select (select count(*)::int from booking.saga where status = 'running') as sagas,
              (select count(*)::int from booking.task where done_at is null) as tasks`,
    );
    if ((rows[0]!.sagas === 0 && rows[0]!.tasks === 0) || Date.now() - start >= maxWaitMs) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const waited = Math.round((Date.now() - start) / 1000);
  const checks = await reconciliation(pool);
  return waited < 1 ? checks : [...checks, check('sagas and tasks settled (recovery jobs)', true, `waited ${waited} s`)];
}

/**
 * The operator's reconciliation (`src/ops/reconcile.ts`, what `innkeeper reconcile` and the tests'
 * `expectReconciled` run), on the bench database: one exactness check per reconciliation check, each
 * naming its first problems. Once the platform has settled (above), nothing may be left open, so the
 * deadline for tasks and sagas is 0. Beside it, a HELD hold without a booking (a request that failed
 * after its hold was taken) is not oversold inventory but unsold inventory until it expires: it is
 * reported (WARN), not failed.
 */
export async function reconciliation(pool: pg.Pool): Promise<Check[]> {
  // Not destroyed: that would end the caller's pool.
  const db: AnyDB = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const report = await reconcile(db, systemClock, { deadlineMs: 0 });
  const checks = CHECKS.map((name) => {
    const found = report.problems.filter((p) => p.check === name);
    const sample = found.slice(0, 3).map(formatProblem).join('; ');
    return check(`reconcile: ${name}`, found.length === 0, found.length === 0 ? 'clean' : `${found.length} problems (${sample})`);
  });
  const held = await pool.query<{ n: number; last_expiry: Date | null }>(
    `with booked as (
       select inventory_reservation_id as id from booking.booking
       where status in ('PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED') and inventory_reservation_id is not null
     )
     select count(*)::int as n, max(h.expires_at) as last_expiry from inventory.hold h
     where h.status = 'HELD' and h.kind in ('lodging', 'dining') and h.id not in (select id from booked)`,
  );
  const h = held.rows[0]!;
  return [
    ...checks,
    check(
      'no held inventory without a booking',
      h.n === 0,
      h.n === 0
        ? '0 held holds without a booking'
        : `${h.n} HELD holds without a booking (requests that failed after the hold was taken; back on sale when they expire, the last at ${h.last_expiry?.toISOString()})`,
      'answers',
    ),
  ];
}

/**
 * Exactness checks, in SQL on the bench database: nothing oversold, and inventory and bookings agree
 * (the same reconciliation as `expectReconciled` in test/helpers/booking-fixtures.ts).
 */
import type pg from 'pg';

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
 * Every night's reserved count equals the active holds on it (plus what was reserved directly); every
 * active booking has its hold, every confirmed hold its booking; stock reserved equals its held retail
 * holds; no booking task (release, refund…) left undone, no create saga left half-way. A HELD hold
 * without a booking (a request that failed after its hold was taken) is not oversold inventory but
 * unsold inventory until it expires: it is reported (WARN), not failed.
 */
export async function reconciliation(pool: pg.Pool): Promise<Check[]> {
  const nights = await pool.query<{ room_type_id: string; night: string; reserved: number; held: number }>(
    `select n.room_type_id, n.night, n.reserved, coalesce(h.held, 0)::int as held
     from inventory.room_night n
     left join (
       select hn.room_type_id, hn.night, sum(hn.quantity)::int as held
       from inventory.hold_night hn join inventory.hold h on h.id = hn.hold_id
       where h.status in ('HELD', 'CONFIRMED')
       group by hn.room_type_id, hn.night
     ) h on h.room_type_id = n.room_type_id and h.night = n.night
     where n.reserved <> coalesce(h.held, 0) + n.reserved_direct`,
  );
  const tables = await pool.query<{ n: number }>(
    `select count(*)::int as n from inventory.table_allocation a join inventory.hold h on h.id = a.hold_id
     where a.active <> (h.status in ('HELD', 'CONFIRMED'))`,
  );
  const holds = await pool.query<{
    bookings_without_hold: number;
    confirmed_orphans: number;
    held_orphans: number;
    last_expiry: Date | null;
  }>(
    `with booked as (
       select inventory_reservation_id as id from booking.booking
       where status in ('PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED') and inventory_reservation_id is not null
     ), orphans as (
       select h.status, h.expires_at from inventory.hold h
       where h.status in ('HELD', 'CONFIRMED') and h.kind in ('lodging', 'dining') and h.id not in (select id from booked)
     )
     select (select count(*)::int from booked b
               where not exists (select 1 from inventory.hold h where h.id = b.id and h.status in ('HELD', 'CONFIRMED'))) as bookings_without_hold,
            (select count(*)::int from orphans where status = 'CONFIRMED') as confirmed_orphans,
            (select count(*)::int from orphans where status = 'HELD') as held_orphans,
            (select max(expires_at) from orphans where status = 'HELD') as last_expiry`,
  );
  const stock = await pool.query<{ n: number }>(
    `select count(*)::int as n from inventory.stock_item s
     where s.reserved_qty <> coalesce((select sum(sh.quantity) from inventory.stock_hold sh join inventory.hold h on h.id = sh.hold_id
                                         where sh.item_id = s.id and h.status = 'HELD'), 0)`,
  );
  const tasks = await pool.query<{ n: number }>(`select count(*)::int as n from booking.task where done_at is null`);
  const sagas = await pool.query<{ n: number }>(`select count(*)::int as n from booking.saga where status = 'running'`);
  const h = holds.rows[0]!;
  const sample = nights.rows
    .slice(0, 3)
    .map((r) => `${r.room_type_id} ${r.night}: reserved ${r.reserved}, held ${r.held}`)
    .join('; ');
  return [
    check(
      'every night reserved = its active holds',
      nights.rows.length === 0,
      `${nights.rows.length} nights disagree${sample ? ` (${sample})` : ''}`,
    ),
    check('table allocations live exactly while their hold is', tables.rows[0]!.n === 0, `${tables.rows[0]!.n} allocations disagree`),
    check('every active booking has its hold', h.bookings_without_hold === 0, `${h.bookings_without_hold} bookings without an active hold`),
    check(
      'every confirmed hold belongs to an active booking',
      h.confirmed_orphans === 0,
      `${h.confirmed_orphans} confirmed holds without a booking`,
    ),
    check(
      'no held inventory without a booking',
      h.held_orphans === 0,
      h.held_orphans === 0
        ? '0 held holds without a booking'
        : `${h.held_orphans} HELD holds without a booking (requests that failed after the hold was taken; back on sale when they expire, the last at ${h.last_expiry?.toISOString()})`,
      'answers',
    ),
    check('stock reserved = its held retail holds', stock.rows[0]!.n === 0, `${stock.rows[0]!.n} items disagree`),
    check('no booking task left undone', tasks.rows[0]!.n === 0, `${tasks.rows[0]!.n} tasks pending`),
    check('no create saga left running', sagas.rows[0]!.n === 0, `${sagas.rows[0]!.n} sagas running`),
  ];
}

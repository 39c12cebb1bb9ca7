/**
 * Venue-local wall-clock times → instants, resolved by the database's time zone rules
 * (`timestamp at time zone tz`), so daylight-saving days are right on every back end.
 */
import { sql } from 'kysely';
import type { InventoryExecutor } from '../inventory.tables.js';

export interface ResolvedTime {
  readonly at: Date;
  /**
   * False for a wall-clock time skipped when clocks go forward (01:30 on a spring-forward night in
   * London): PostgreSQL still gives it an instant, which belongs to another wall-clock time.
   */
  readonly exists: boolean;
}

/** Resolves 'YYYY-MM-DD HH:MM' strings in time zone `tz`, in order, in one query. */
export async function resolveLocalTimes(db: InventoryExecutor, tz: string, locals: readonly string[]): Promise<ResolvedTime[]> {
  if (locals.length === 0) return [];
  const { rows } = await sql<{ at: Date; exists: boolean }>`
    select (l::timestamp at time zone ${tz}) as at,
           ((l::timestamp at time zone ${tz}) at time zone ${tz}) = l::timestamp as exists
    from unnest(${[...locals]}::text[]) with ordinality as u(l, n)
    order by n`.execute(db);
  return rows.map((r) => ({ at: r.at, exists: r.exists }));
}

/**
 * SQL for table allocations: which table is free for a window, taking one, giving it back, and the
 * set-based slot availability of a day. An allocation of a HELD hold past its expiry still blocks its
 * table in the database until it is reclaimed (`expireDueHolds`); every query that answers "is it
 * free" counts it as free, because taking the table reclaims it first.
 */
import { sql } from 'kysely';
import type { InventoryExecutor, InventoryTrx } from '../inventory.tables.js';

export interface SeatingWindow {
  readonly venueId: string;
  readonly party: number;
  /** Only tables of this area, when given. */
  readonly area: string | undefined;
  readonly start: Date;
  /** Seating end plus the turn buffer: the table is blocked for `[start, blockedUntil)`. */
  readonly blockedUntil: Date;
}

export interface FreeTable {
  readonly id: string;
  readonly name: string;
  readonly area: string;
  readonly minSeats: number;
  readonly maxSeats: number;
}

/**
 * The best free table for the window: the smallest that seats the party, then the lowest id. A table
 * blocked only by HELD holds past their expiry counts as free; the caller reclaims them before taking it.
 */
export async function findFreeTable(trx: InventoryTrx, w: SeatingWindow, now: Date): Promise<FreeTable | undefined> {
  const { rows } = await sql<FreeTable>`
    select t.id, t.name, t.area, t.min_seats as "minSeats", t.max_seats as "maxSeats"
    from inventory.dining_table t
    where t.venue_id = ${w.venueId} and t.active
      and t.min_seats <= ${w.party} and ${w.party} <= t.max_seats
      and (${w.area ?? null}::text is null or t.area = ${w.area ?? null})
      and not exists (
        select 1 from inventory.table_allocation a
        join inventory.hold h on h.id = a.hold_id
        where a.table_id = t.id and a.active and a.during && tstzrange(${w.start}, ${w.blockedUntil})
          and not (h.status = 'HELD' and h.expires_at <= ${now}))
    order by t.max_seats, t.id
    limit 1`.execute(trx);
  return rows[0];
}

/**
 * Locks a table row until the (sub)transaction ends, so that two requests never insert competing
 * allocations of one table at the same time: without it, two in-progress inserts can each wait on the
 * other's exclusion check (a deadlock PostgreSQL breaks only after deadlock_timeout).
 */
export async function lockTable(trx: InventoryTrx, tableId: string): Promise<void> {
  await sql`select 1 from inventory.dining_table where id = ${tableId} for no key update`.execute(trx);
}

/** HELD holds past their expiry whose allocations still block this table during the window. */
export async function expiredHoldsOnTable(trx: InventoryTrx, tableId: string, w: SeatingWindow, now: Date): Promise<string[]> {
  const { rows } = await sql<{ hold_id: string }>`
    select a.hold_id
    from inventory.table_allocation a
    join inventory.hold h on h.id = a.hold_id
    where a.table_id = ${tableId} and a.active and a.during && tstzrange(${w.start}, ${w.blockedUntil})
      and h.status = 'HELD' and h.expires_at <= ${now}`.execute(trx);
  return rows.map((r) => r.hold_id);
}

export interface NewAllocation {
  readonly holdId: string;
  readonly tableId: string;
  readonly venueId: string;
  readonly party: number;
  readonly start: Date;
  readonly blockedUntil: Date;
  readonly localDate: string;
  readonly localTime: string;
  readonly durationMinutes: number;
  readonly bufferMinutes: number;
  readonly now: Date;
}

/** Inserts an allocation; the EXCLUDE constraint raises SQLSTATE 23P01 when the table is taken meanwhile. */
export async function insertAllocation(trx: InventoryTrx, a: NewAllocation): Promise<void> {
  await sql`
    insert into inventory.table_allocation
      (hold_id, table_id, venue_id, party_size, during, local_date, local_time, duration_minutes, buffer_minutes, active, created_at)
    values (${a.holdId}, ${a.tableId}, ${a.venueId}, ${a.party}, tstzrange(${a.start}, ${a.blockedUntil}),
            ${a.localDate}, ${a.localTime}, ${a.durationMinutes}, ${a.bufferMinutes}, true, ${a.now})`.execute(trx);
}

/**
 * Gives tables back: these holds' allocations stop blocking, once (a second call changes nothing).
 * Called by the hold lifecycle after it ended the holds, so each allocation ends when its hold did.
 */
export async function endAllocations(trx: InventoryTrx, holdIds: readonly string[]): Promise<void> {
  if (holdIds.length === 0) return;
  await sql`
    update inventory.table_allocation a
    set active = false, ended_at = coalesce(h.ended_at, h.updated_at)
    from inventory.hold h
    where h.id = a.hold_id and a.active and a.hold_id = any(${[...holdIds]}::uuid[])`.execute(trx);
}

/**
 * Serialises, until the transaction ends, every request that starts covers in this venue's slot, so
 * that counting covers and then taking a table is race-free (a transaction-level advisory lock).
 */
export async function lockPacingSlot(trx: InventoryTrx, venueId: string, slotStart: Date): Promise<void> {
  const epochMinute = Math.floor(slotStart.getTime() / 60_000);
  await sql`select pg_advisory_xact_lock(hashtext(${`inventory.dining.pacing:${venueId}`}), ${epochMinute}::int)`.execute(trx);
}

/** Covers of live seatings that start in `[from, to)` at the venue. */
export async function coversStarting(db: InventoryExecutor, venueId: string, from: Date, to: Date, now: Date): Promise<number> {
  const { rows } = await sql<{ covers: number }>`
    select coalesce(sum(a.party_size), 0)::int as covers
    from inventory.table_allocation a
    join inventory.hold h on h.id = a.hold_id
    where a.venue_id = ${venueId} and a.active
      and lower(a.during) >= ${from} and lower(a.during) < ${to}
      and not (h.status = 'HELD' and h.expires_at <= ${now})`.execute(db);
  return rows[0]?.covers ?? 0;
}

export interface SlotWindow {
  readonly start: Date;
  readonly blockedUntil: Date;
  /** End of the slot, for pacing: covers that start in `[start, slotEnd)`. */
  readonly slotEnd: Date;
}

export interface SlotCount {
  /** Fitting active tables with no live allocation overlapping the window. */
  readonly tablesFree: number;
  /** Covers of live seatings starting in the slot. */
  readonly covers: number;
}

/**
 * For every slot at once (one query): free fitting tables and covers already starting there.
 *
 * Set-based, so that its cost is slots × live allocations of the day whatever plan the statistics
 * lead to: the day's live allocations are read once (each marked whether its table fits the party),
 * joined to the slots they overlap, and the busy fitting tables are counted per slot and taken from
 * the number of fitting tables. (The anti-join per slot and table it replaces re-scanned the live
 * allocations for every pair whenever the tables had no statistics yet — a new restaurant, or PGlite,
 * which never analyzes: 10,600 scans, ~200 ms of database CPU for 200 tables × 53 slots.)
 */
export async function countSlots(
  db: InventoryExecutor,
  q: { venueId: string; party: number; area: string | undefined; now: Date; slots: readonly SlotWindow[] },
): Promise<SlotCount[]> {
  if (q.slots.length === 0) return [];
  const starts = q.slots.map((s) => s.start.toISOString());
  const blocked = q.slots.map((s) => s.blockedUntil.toISOString());
  const ends = q.slots.map((s) => s.slotEnd.toISOString());
  const area = q.area ?? null;
  const { rows } = await sql<{ tables_free: number; covers: number }>`
    with slot as materialized (
      select n, start_at, slot_end, tstzrange(start_at, blocked_until) as blocks
      from unnest(${starts}::timestamptz[], ${blocked}::timestamptz[], ${ends}::timestamptz[])
        with ordinality as s(start_at, blocked_until, slot_end, n)
    ),
    live as materialized (
      select a.table_id, a.during, lower(a.during) as start_at, a.party_size,
        (t.active and t.min_seats <= ${q.party} and ${q.party} <= t.max_seats and (${area}::text is null or t.area = ${area})) as fits
      from inventory.table_allocation a
      join inventory.hold h on h.id = a.hold_id
      join inventory.dining_table t on t.id = a.table_id
      where a.venue_id = ${q.venueId} and a.active
        and not (h.status = 'HELD' and h.expires_at <= ${q.now})
        and a.during && (select tstzrange(min(start_at), max(greatest(upper(blocks), slot_end))) from slot)
    ),
    busy as (
      select s.n, count(distinct l.table_id)::int as tables
      from slot s join live l on l.fits and l.during && s.blocks
      group by s.n
    ),
    started as (
      select s.n, sum(l.party_size)::int as covers
      from slot s join live l on l.start_at >= s.start_at and l.start_at < s.slot_end
      group by s.n
    )
    select
      (select count(*)::int from inventory.dining_table t
        where t.venue_id = ${q.venueId} and t.active
          and t.min_seats <= ${q.party} and ${q.party} <= t.max_seats
          and (${area}::text is null or t.area = ${area})) - coalesce(b.tables, 0) as tables_free,
      coalesce(c.covers, 0) as covers
    from slot s
    left join busy b on b.n = s.n
    left join started c on c.n = s.n
    order by s.n`.execute(db);
  return rows.map((r) => ({ tablesFree: r.tables_free, covers: r.covers }));
}

export interface AllocationDetails {
  readonly holdId: string;
  readonly tableId: string;
  readonly tableName: string;
  readonly area: string;
  readonly minSeats: number;
  readonly maxSeats: number;
  readonly party: number;
  readonly localDate: string;
  readonly localTime: string;
  readonly start: Date;
  readonly durationMinutes: number;
  readonly bufferMinutes: number;
}

export async function describeAllocations(db: InventoryExecutor, holdIds: readonly string[]): Promise<AllocationDetails[]> {
  if (holdIds.length === 0) return [];
  const { rows } = await sql<AllocationDetails>`
    select a.hold_id as "holdId", a.table_id as "tableId", t.name as "tableName", t.area, t.min_seats as "minSeats",
           t.max_seats as "maxSeats", a.party_size as party, a.local_date as "localDate", a.local_time as "localTime",
           lower(a.during) as start, a.duration_minutes as "durationMinutes", a.buffer_minutes as "bufferMinutes"
    from inventory.table_allocation a
    join inventory.dining_table t on t.id = a.table_id
    where a.hold_id = any(${[...holdIds]}::uuid[])`.execute(db);
  return rows;
}

/**
 * Read-only facts of the inventory schema for the operator's reconciliation (`src/ops/reconcile.ts`).
 * Each query answers a question about this schema alone: the rows that disagree with what the schema
 * says they must add up to, and which holds are active. Comparing them with other services' facts is
 * the caller's business; nothing here reads another schema or writes anything.
 */
import { sql } from 'kysely';
import type { HoldKind, HoldStatus, InventoryExecutor } from './inventory.tables.js';

/** A night whose `reserved` is not `reserved_direct` + what its HELD and CONFIRMED holds took. */
export interface NightMismatch {
  readonly roomTypeId: string;
  readonly night: string;
  readonly reserved: number;
  readonly reservedDirect: number;
  readonly held: number;
}

/** A night whose `reserved_direct` is not what its /rooms operations and adjustments add up to. */
export interface DirectMismatch {
  readonly roomTypeId: string;
  readonly night: string;
  readonly reservedDirect: number;
  readonly logged: number;
}

/** A stock item whose `reserved_qty` is not the units of its HELD retail holds. */
export interface StockMismatch {
  readonly itemId: string;
  readonly productId: string;
  readonly reservedQty: number;
  readonly held: number;
}

/** A table allocation active while its hold is not, or inactive while its hold is. */
export interface AllocationMismatch {
  readonly holdId: string;
  readonly tableId: string;
  readonly active: boolean;
  readonly holdStatus: HoldStatus;
}

export interface HoldFact {
  readonly id: string;
  readonly kind: HoldKind;
  readonly status: HoldStatus;
}

/**
 * `reserved = reserved_direct + Σ hold_night.quantity` of the night's HELD and CONFIRMED holds. A HELD
 * hold past its expiry still counts: its nights are taken until the sweep (or the next request for
 * them) expires it, and then they go back with its status in one transaction.
 */
export async function nightMismatches(db: InventoryExecutor): Promise<NightMismatch[]> {
  const { rows } = await sql<NightMismatch>`
    select n.room_type_id as "roomTypeId", n.night, n.reserved, n.reserved_direct as "reservedDirect",
           coalesce(h.held, 0)::int as held
    from inventory.room_night n
    left join (
      select hn.room_type_id, hn.night, sum(hn.quantity)::int as held
      from inventory.hold_night hn join inventory.hold h on h.id = hn.hold_id
      where h.status in ('HELD', 'CONFIRMED')
      group by hn.room_type_id, hn.night
    ) h on h.room_type_id = n.room_type_id and h.night = n.night
    where n.reserved <> n.reserved_direct + coalesce(h.held, 0)
    order by n.room_type_id, n.night`.execute(db);
  return rows;
}

/**
 * `reserved_direct` = Σ succeeded /rooms operations (RESERVE +1, RELEASE −1 on each night of
 * `[check_in, check_out)`) + Σ `room_night_adjustment.delta` (/inventory adjust, data sets).
 */
export async function directMismatches(db: InventoryExecutor): Promise<DirectMismatch[]> {
  const { rows } = await sql<DirectMismatch>`
    with logged as (
      select room_type_id, night, sum(delta)::int as delta from (
        select o.room_type_id, d::date as night, case o.operation when 'RESERVE' then 1 else -1 end as delta
        from inventory.room_operation o
        cross join lateral generate_series(o.check_in::timestamp, o.check_out::timestamp - interval '1 day', interval '1 day') d
        where o.status = 'SUCCESS'
        union all
        select room_type_id, night, delta from inventory.room_night_adjustment
      ) changes
      group by room_type_id, night
    )
    select coalesce(n.room_type_id, l.room_type_id) as "roomTypeId", to_char(coalesce(n.night, l.night), 'YYYY-MM-DD') as night,
           coalesce(n.reserved_direct, 0) as "reservedDirect", coalesce(l.delta, 0) as logged
    from (select room_type_id, night, reserved_direct from inventory.room_night where reserved_direct <> 0) n
    full join logged l on l.room_type_id = n.room_type_id and l.night = n.night
    where coalesce(n.reserved_direct, 0) <> coalesce(l.delta, 0)
    order by 1, 2`.execute(db);
  return rows;
}

/** `reserved_qty` = Σ units of the item's HELD retail holds (a confirmed hold's units have left `quantity`). */
export async function stockMismatches(db: InventoryExecutor): Promise<StockMismatch[]> {
  const { rows } = await sql<StockMismatch>`
    select s.id as "itemId", s.product_id as "productId", s.reserved_qty as "reservedQty", coalesce(h.held, 0)::int as held
    from inventory.stock_item s
    left join (
      select sh.item_id, sum(sh.quantity)::int as held
      from inventory.stock_hold sh join inventory.hold h on h.id = sh.hold_id
      where h.status = 'HELD'
      group by sh.item_id
    ) h on h.item_id = s.id
    where s.reserved_qty <> coalesce(h.held, 0)
    order by s.product_id, s.id`.execute(db);
  return rows;
}

/** A table allocation is active exactly while its hold is HELD or CONFIRMED. */
export async function allocationMismatches(db: InventoryExecutor): Promise<AllocationMismatch[]> {
  const { rows } = await sql<AllocationMismatch>`
    select a.hold_id as "holdId", a.table_id as "tableId", a.active, h.status as "holdStatus"
    from inventory.table_allocation a join inventory.hold h on h.id = a.hold_id
    where a.active <> (h.status in ('HELD', 'CONFIRMED'))
    order by a.hold_id`.execute(db);
  return rows;
}

/** Every lodging and dining hold (the kinds a booking takes), whatever its status. */
export async function bookableHolds(db: InventoryExecutor): Promise<HoldFact[]> {
  return db
    .selectFrom('inventory.hold')
    .select(['id', 'kind', 'status'])
    .where('kind', 'in', ['lodging', 'dining'])
    .orderBy('id')
    .execute();
}

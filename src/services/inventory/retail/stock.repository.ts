/**
 * SQL for retail stock. Every change of a quantity is one conditional statement whose WHERE clause
 * decides it (zero rows returned = refused), so concurrent requests can never oversell; the table's
 * CHECK constraints back every rule. Rows are mapped once, here.
 */
import { sql, type Selectable } from 'kysely';
import { ALL, owned, type Scope } from '../inventory.scope.js';
import type { InventoryExecutor, InventoryTrx } from '../inventory.tables.js';
import type { StockItemTable, StockMovementKind } from './retail.tables.js';

/** The most units one item can hold (a CHECK constraint in the table). */
export const MAX_STOCK_QUANTITY = 1_000_000_000;

export interface StockItem {
  readonly id: string;
  readonly productId: string;
  readonly productName: string;
  readonly venueId: string | null;
  readonly quantity: number;
  readonly reservedQty: number;
  /** quantity − reservedQty: what a reduce or a new hold can still take. */
  readonly availableQty: number;
  /** `stock.low` is written when availableQty falls from at least this to under it (0: never). */
  readonly lowStockThreshold: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

export function rowToStockItem(row: Selectable<StockItemTable>): StockItem {
  return {
    id: row.id,
    productId: row.product_id,
    productName: row.product_name,
    venueId: row.venue_id,
    quantity: row.quantity,
    reservedQty: row.reserved_qty,
    availableQty: row.quantity - row.reserved_qty,
    lowStockThreshold: row.low_stock_threshold,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

export interface NewStockItem {
  readonly id: string;
  readonly productId: string;
  readonly productName: string;
  readonly quantity: number;
  readonly venueId: string | null;
  /** The column's default (5) when absent. */
  readonly lowStockThreshold?: number;
}

/** Inserts a live item; undefined when the product already has one (a racing duplicate included). */
export async function insertItem(trx: InventoryTrx, item: NewStockItem, now: Date): Promise<StockItem | undefined> {
  const row = await trx
    .insertInto('inventory.stock_item')
    .values({
      id: item.id,
      product_id: item.productId,
      product_name: item.productName,
      venue_id: item.venueId,
      quantity: item.quantity,
      reserved_qty: 0,
      ...(item.lowStockThreshold !== undefined ? { low_stock_threshold: item.lowStockThreshold } : {}),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('product_id').where('deleted_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && rowToStockItem(row);
}

/** The item's venue column, which every ownership condition on stock names (no venue: no organization's). */
const ITEM_VENUE = 'inventory.stock_item.venue_id';

function selectLiveItem(db: InventoryExecutor, productId: string, scope: Scope) {
  return owned(
    db.selectFrom('inventory.stock_item').selectAll().where('product_id', '=', productId).where('deleted_at', 'is', null),
    scope,
    ITEM_VENUE,
  );
}

/** The live item of a product, if it is within the caller's scope. */
export async function findLiveItem(db: InventoryExecutor, productId: string, scope: Scope = ALL): Promise<StockItem | undefined> {
  const row = await selectLiveItem(db, productId, scope).executeTakeFirst();
  return row && rowToStockItem(row);
}

/** The live item of a product within the scope, locked (FOR UPDATE) so the change that follows applies to it. */
export async function lockLiveItem(trx: InventoryTrx, productId: string, scope: Scope): Promise<StockItem | undefined> {
  const row = await selectLiveItem(trx, productId, scope).forUpdate().executeTakeFirst();
  return row && rowToStockItem(row);
}

export async function listLiveItems(db: InventoryExecutor, filter: { venueId?: string }, scope: Scope = ALL): Promise<StockItem[]> {
  let q = owned(
    db.selectFrom('inventory.stock_item').selectAll().where('deleted_at', 'is', null).orderBy('created_at').orderBy('product_id'),
    scope,
    ITEM_VENUE,
  );
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  return (await q.execute()).map(rowToStockItem);
}

// Request quantities are bound as bigint: a reduce of more units than an int holds is a refusal, not an error.

/** reduce: takes `n` units off the shelf if that many are available (not reserved). */
export async function takeUnits(trx: InventoryTrx, productId: string, n: number, now: Date): Promise<StockItem | undefined> {
  const row = await trx
    .updateTable('inventory.stock_item')
    .set({ quantity: sql<number>`quantity - ${n}::bigint`, updated_at: now })
    .where('product_id', '=', productId)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`quantity - reserved_qty >= ${n}::bigint`)
    .returningAll()
    .executeTakeFirst();
  return row && rowToStockItem(row);
}

/** restock: adds `n` units, up to MAX_STOCK_QUANTITY. */
export async function addUnits(trx: InventoryTrx, productId: string, n: number, now: Date): Promise<StockItem | undefined> {
  const row = await trx
    .updateTable('inventory.stock_item')
    .set({ quantity: sql<number>`quantity + ${n}::bigint`, updated_at: now })
    .where('product_id', '=', productId)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`quantity + ${n}::bigint <= ${MAX_STOCK_QUANTITY}`)
    .returningAll()
    .executeTakeFirst();
  return row && rowToStockItem(row);
}

/**
 * Renames and/or sets the quantity (never below what holds reserved). Returns the item and the
 * quantity it had, which the movement log needs; the CTE locks the row so both come from one version.
 */
export async function setItem(
  trx: InventoryTrx,
  productId: string,
  changes: { productName?: string; quantity?: number; lowStockThreshold?: number },
  now: Date,
): Promise<{ item: StockItem; previousQuantity: number } | undefined> {
  const name = changes.productName ?? null;
  const quantity = changes.quantity ?? null;
  const threshold = changes.lowStockThreshold ?? null;
  const { rows } = await sql<Selectable<StockItemTable> & { previous_quantity: number }>`
    with old as (
      select id, quantity from inventory.stock_item
      where product_id = ${productId} and deleted_at is null
      for update
    )
    update inventory.stock_item i
    set product_name = coalesce(${name}::text, i.product_name),
        quantity = coalesce(${quantity}::int, i.quantity),
        low_stock_threshold = coalesce(${threshold}::int, i.low_stock_threshold),
        updated_at = ${now}
    from old
    where i.id = old.id and (${quantity}::int is null or i.reserved_qty <= ${quantity}::int)
    returning i.*, old.quantity as previous_quantity`.execute(trx);
  const row = rows[0];
  return row && { item: rowToStockItem(row), previousQuantity: row.previous_quantity };
}

/** Deletes (stamps deleted_at) an item that no hold has reserved units of. */
export async function deleteItem(trx: InventoryTrx, productId: string, now: Date): Promise<StockItem | undefined> {
  const row = await trx
    .updateTable('inventory.stock_item')
    .set({ deleted_at: now, updated_at: now })
    .where('product_id', '=', productId)
    .where('deleted_at', 'is', null)
    .where('reserved_qty', '=', 0)
    .returningAll()
    .executeTakeFirst();
  return row && rowToStockItem(row);
}

/** A new retail hold: reserves `n` units of a live item if that many are available. */
export async function reserveUnits(trx: InventoryTrx, itemId: string, n: number, now: Date): Promise<StockItem | undefined> {
  const row = await trx
    .updateTable('inventory.stock_item')
    .set({ reserved_qty: sql<number>`reserved_qty + ${n}::bigint`, updated_at: now })
    .where('id', '=', itemId)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`quantity - reserved_qty >= ${n}::bigint`)
    .returningAll()
    .executeTakeFirst();
  return row && rowToStockItem(row);
}

export async function insertStockHold(trx: InventoryTrx, holdId: string, itemId: string, quantity: number): Promise<void> {
  await trx.insertInto('inventory.stock_hold').values({ hold_id: holdId, item_id: itemId, quantity }).execute();
}

/** HELD retail holds on the item whose expiry has passed (they still count in reserved_qty). */
export async function dueHoldsOnItem(trx: InventoryTrx, itemId: string, now: Date): Promise<string[]> {
  const rows = await trx
    .selectFrom('inventory.stock_hold as sh')
    .innerJoin('inventory.hold as h', 'h.id', 'sh.hold_id')
    .select('sh.hold_id')
    .where('sh.item_id', '=', itemId)
    .where('h.status', '=', 'HELD')
    .where('h.expires_at', '<=', now)
    .execute();
  return rows.map((r) => r.hold_id);
}

/**
 * Gives back the units these holds reserved. Items are updated in id order so that two transactions
 * giving back holds on the same items never deadlock. The item's updated_at becomes the instant the
 * holds ended (the hold rows were just stamped by the caller).
 */
export async function unreserveForHolds(trx: InventoryTrx, holdIds: readonly string[]): Promise<void> {
  if (holdIds.length === 0) return;
  const totals = await trx
    .selectFrom('inventory.stock_hold as sh')
    .innerJoin('inventory.hold as h', 'h.id', 'sh.hold_id')
    .select((eb) => ['sh.item_id', eb.fn.sum<number>('sh.quantity').as('total'), eb.fn.max('h.updated_at').as('at')])
    .where('sh.hold_id', 'in', holdIds)
    .groupBy('sh.item_id')
    .orderBy('sh.item_id')
    .execute();
  for (const t of totals) {
    await trx
      .updateTable('inventory.stock_item')
      .set({ reserved_qty: sql<number>`reserved_qty - ${Number(t.total)}::int`, updated_at: t.at })
      .where('id', '=', t.item_id)
      .execute();
  }
}

/** A confirmed retail hold: its units leave the shelf (quantity and reserved_qty both fall). */
export async function commitHoldUnits(
  trx: InventoryTrx,
  holdId: string,
): Promise<{ itemId: string; quantity: number; quantityAfter: number; at: Date } | undefined> {
  const { rows } = await sql<{ item_id: string; quantity: number; quantity_after: number; at: Date }>`
    update inventory.stock_item i
    set quantity = i.quantity - sh.quantity,
        reserved_qty = i.reserved_qty - sh.quantity,
        updated_at = h.confirmed_at
    from inventory.stock_hold sh join inventory.hold h on h.id = sh.hold_id
    where sh.hold_id = ${holdId} and i.id = sh.item_id
    returning i.id as item_id, sh.quantity, i.quantity as quantity_after, h.confirmed_at as at`.execute(trx);
  const row = rows[0];
  return row && { itemId: row.item_id, quantity: row.quantity, quantityAfter: row.quantity_after, at: row.at };
}

export async function describeStockHolds(
  db: InventoryExecutor,
  holdIds: readonly string[],
): Promise<{ holdId: string; productId: string; productName: string; quantity: number }[]> {
  if (holdIds.length === 0) return [];
  const rows = await db
    .selectFrom('inventory.stock_hold as sh')
    .innerJoin('inventory.stock_item as i', 'i.id', 'sh.item_id')
    .select(['sh.hold_id', 'sh.quantity', 'i.product_id', 'i.product_name'])
    .where('sh.hold_id', 'in', holdIds)
    .execute();
  return rows.map((r) => ({ holdId: r.hold_id, productId: r.product_id, productName: r.product_name, quantity: r.quantity }));
}

export interface NewMovement {
  readonly itemId: string;
  readonly kind: StockMovementKind;
  readonly delta: number;
  readonly quantityAfter: number;
  readonly holdId?: string | null;
  readonly idempotencyKey?: string | null;
  readonly at: Date;
}

export async function insertMovement(trx: InventoryTrx, m: NewMovement): Promise<void> {
  await trx
    .insertInto('inventory.stock_movement')
    .values({
      item_id: m.itemId,
      kind: m.kind,
      quantity_delta: m.delta,
      quantity_after: m.quantityAfter,
      hold_id: m.holdId ?? null,
      idempotency_key: m.idempotencyKey ?? null,
      at: m.at,
    })
    .execute();
}

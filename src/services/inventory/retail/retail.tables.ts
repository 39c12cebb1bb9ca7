/** Row types of the retail tables of the inventory schema. */
import type { ColumnType, Generated } from 'kysely';

/** A product's stock. `available_qty = quantity - reserved_qty` is computed on read, never stored. */
export interface StockItemTable {
  id: string;
  /** The caller's key for the product (unique among live items). */
  product_id: string;
  product_name: string;
  /** The shop that sells it; NULL for items created through /api/inventory. */
  venue_id: string | null;
  quantity: number;
  /** Units taken by HELD retail holds; they leave `quantity` when a hold is confirmed. */
  reserved_qty: ColumnType<number, number | undefined, number>;
  /** `stock.low` is written when available units fall from at least this to under it (0: never). */
  low_stock_threshold: ColumnType<number, number | undefined, number>;
  created_at: Date;
  updated_at: Date;
  /** Set by a delete: the row stays because holds and movements refer to it. */
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** What a retail hold took: `quantity` units of one item. */
export interface StockHoldTable {
  hold_id: string;
  item_id: string;
  quantity: number;
}

export const STOCK_MOVEMENT_KINDS = ['create', 'reduce', 'restock', 'set', 'commit'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

/** Every change of an item's `quantity`, so that the sum of `quantity_delta` is its quantity. */
export interface StockMovementTable {
  id: Generated<number>;
  item_id: string;
  kind: StockMovementKind;
  quantity_delta: number;
  quantity_after: number;
  /** The retail hold a `commit` confirmed. */
  hold_id: string | null;
  /** The Idempotency-Key of the request that made the change, when it had one. */
  idempotency_key: string | null;
  at: Date;
}

export interface RetailTables {
  'inventory.stock_item': StockItemTable;
  'inventory.stock_hold': StockHoldTable;
  'inventory.stock_movement': StockMovementTable;
}

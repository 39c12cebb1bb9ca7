/**
 * Request and reply schemas of retail stock: the canonical /api/v1 contract, then the /api/inventory
 * compatibility contract (CONTRACTS.md "Retail stock"). One schema each = validation, types and docs.
 */
import { Type, type Static } from 'typebox';
import { IsoDateTime } from '../../../platform/http/schemas.js';
import { TtlSeconds } from '../holds/hold.schemas.js';
import { MAX_STOCK_QUANTITY, type StockItem } from './stock.repository.js';

/** A product's key: it appears in URLs, so no whitespace or '/'. */
export const ProductId = Type.String({ pattern: '^[^\\s/]{1,100}$', description: 'The product key: 1–100 characters, no spaces or "/"' });
const ProductName = Type.String({ minLength: 1, maxLength: 200 });
/** A stock level (create, set). */
const StockLevel = Type.Integer({ minimum: 0, maximum: MAX_STOCK_QUANTITY, description: `Units on the shelf (0–${MAX_STOCK_QUANTITY})` });
/** Units to add. */
const RestockQuantity = Type.Integer({ minimum: 1, maximum: MAX_STOCK_QUANTITY, description: 'Units delivered' });
/** Units to take or ask for: any positive number is a fair question; more than there is gets a refusal. */
const TakeQuantity = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Units wanted (at least 1)' });
/** Where `stock.low` is written (available falling from at least this to under it). */
const LowStockThreshold = Type.Integer({
  minimum: 0,
  maximum: MAX_STOCK_QUANTITY,
  description: 'A stock.low event is written when available_qty falls from at least this to under it (0: never); 5 by default',
});
const VenueId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'A shop (venue of type retail)' });

// ---------------------------------------------------------------------------------------------------
// /api/v1

export const StockItemReply = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    product_id: Type.String(),
    product_name: Type.String(),
    venue_id: Type.Union([Type.String(), Type.Null()]),
    quantity: Type.Integer({ description: 'Units on the shelf, reserved ones included' }),
    reserved_qty: Type.Integer({ description: 'Units taken by holds that are not yet confirmed' }),
    available_qty: Type.Integer({ description: 'quantity − reserved_qty: what can still be sold' }),
    low_stock_threshold: LowStockThreshold,
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'StockItem' },
);
export type StockItemReply = Static<typeof StockItemReply>;

export const StockListReply = Type.Object({ items: Type.Array(StockItemReply) });

export const StockParams = Type.Object({ product_id: ProductId });
export const StockQuery = Type.Object({ venue_id: Type.Optional(VenueId) }, { additionalProperties: false });

export const CreateStockBody = Type.Object(
  {
    product_id: ProductId,
    product_name: ProductName,
    quantity: StockLevel,
    venue_id: Type.Optional(VenueId),
    low_stock_threshold: Type.Optional(LowStockThreshold),
  },
  { additionalProperties: false },
);
export const TakeBody = Type.Object({ quantity: TakeQuantity }, { additionalProperties: false });
export const RestockBody = Type.Object({ quantity: RestockQuantity }, { additionalProperties: false });
export const UpdateStockBody = Type.Object(
  { product_name: Type.Optional(ProductName), quantity: Type.Optional(StockLevel), low_stock_threshold: Type.Optional(LowStockThreshold) },
  { additionalProperties: false, minProperties: 1 },
);

export const RetailHoldBody = Type.Object(
  {
    product_id: ProductId,
    quantity: TakeQuantity,
    ttl_seconds: Type.Optional(TtlSeconds),
    idempotency_key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Same as the Idempotency-Key header (the header wins)' }),
    ),
  },
  { additionalProperties: false },
);

export function stockItemToReply(item: StockItem): StockItemReply {
  return {
    id: item.id,
    product_id: item.productId,
    product_name: item.productName,
    venue_id: item.venueId,
    quantity: item.quantity,
    reserved_qty: item.reservedQty,
    available_qty: item.availableQty,
    low_stock_threshold: item.lowStockThreshold,
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------------
// /api/inventory (seed 003). Unknown body fields are ignored, as the original (pydantic) did.

export const InventoryItem = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    product_id: Type.String(),
    product_name: Type.String(),
    quantity: Type.Integer(),
    reserved_qty: Type.Integer(),
    available_qty: Type.Integer(),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'RetailInventoryItem' },
);
export type InventoryItem = Static<typeof InventoryItem>;

export const InventoryParams = Type.Object({ product_id: Type.String({ minLength: 1 }) });
export const InventoryCreateBody = Type.Object({ product_id: ProductId, product_name: ProductName, quantity: StockLevel });
export const InventoryTakeBody = Type.Object({ quantity: TakeQuantity });
export const InventoryRestockBody = Type.Object({ quantity: RestockQuantity });
// null means "unchanged" (pydantic's Optional). `nullable`, not anyOf with null: the app's ajv coerces
// types, and through anyOf it would turn "" into null or null into 0; a value of an allowed type is never coerced.
export const InventoryUpdateBody = Type.Object({
  product_name: Type.Optional(Type.Unsafe<string | null>({ type: 'string', nullable: true, minLength: 1, maxLength: 200 })),
  quantity: Type.Optional(Type.Unsafe<number | null>({ type: 'integer', nullable: true, minimum: 0, maximum: MAX_STOCK_QUANTITY })),
});
export const InventoryCheckQuery = Type.Object({ quantity: TakeQuantity });
export const InventoryCheckReply = Type.Object({ product_id: Type.String(), requested: Type.Integer(), in_stock: Type.Boolean() });
export const InventoryDeletedReply = Type.Object({ message: Type.String() });
export const DetailReply = Type.Object({ detail: Type.Unknown() }, { description: 'FastAPI-style failure' });

export function stockItemToInventoryItem(item: StockItem): InventoryItem {
  return {
    id: item.id,
    product_id: item.productId,
    product_name: item.productName,
    quantity: item.quantity,
    reserved_qty: item.reservedQty,
    available_qty: item.availableQty,
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
  };
}

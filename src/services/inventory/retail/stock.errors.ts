import { defineErrors } from '../../../platform/errors.js';

/**
 * Failure kinds of retail stock. Each carries `details.product_id` (and the figures its message
 * names), so that a compatibility surface can word it its own way, also when the failure is replayed
 * from a stored idempotency key.
 */
export const stockError = defineErrors({
  STOCK_ITEM_NOT_FOUND: { status: 404, message: 'The product has no stock item.' },
  STOCK_ITEM_EXISTS: { status: 409, message: 'The product already has a stock item.' },
  INSUFFICIENT_STOCK: { status: 409, message: 'Not enough stock is available.' },
  QUANTITY_BELOW_RESERVED: { status: 409, message: 'The quantity would fall below the units reserved by holds.' },
  STOCK_ITEM_RESERVED: { status: 409, message: 'The item has units reserved by holds and cannot be deleted.' },
  STOCK_LIMIT_EXCEEDED: { status: 409, message: 'The quantity would exceed the most an item can hold.' },
});

export type StockErrorCode = (typeof stockError.codes)[number];

/** How /api/inventory words each stock failure: the contract's status and detail, also for a replayed failure. */
import { describe, expect, it } from 'vitest';
import { AppError, platformError } from '../../../../src/platform/errors.js';
import { retailInventoryDetail } from '../../../../src/services/inventory/compat/retail-inventory.routes.js';
import { stockError } from '../../../../src/services/inventory/retail/stock.errors.js';

/** What an idempotency key stores and a replay rebuilds. */
const roundTrip = (e: AppError) => {
  const stored = JSON.parse(JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } })) as {
    error: { code: string; message: string; details: unknown };
  };
  return new AppError(stored.error.code, stored.error.message, stored.error.details);
};

describe('the /api/inventory wording of stock failures', () => {
  const cases: [AppError, number, unknown][] = [
    [stockError('STOCK_ITEM_NOT_FOUND', 'x', { product_id: 'p-1' }), 404, 'Inventory for product p-1 not found'],
    [stockError('STOCK_ITEM_EXISTS', 'x', { product_id: 'p-1' }), 409, 'Inventory for product p-1 already exists'],
    [
      stockError('INSUFFICIENT_STOCK', 'x', { product_id: 'p-1', available: 95, requested: 99999 }),
      400,
      'Insufficient stock. Available: 95, Requested: 99999',
    ],
    [
      stockError('QUANTITY_BELOW_RESERVED', 'x', { product_id: 'p-1', requested: 2, reserved_qty: 5 }),
      400,
      'Quantity cannot be below reserved quantity. Reserved: 5, Requested: 2',
    ],
    [
      stockError('STOCK_LIMIT_EXCEEDED', 'x', { product_id: 'p-1', quantity: 1_000_000_000, requested: 1 }),
      400,
      'Quantity cannot exceed 1000000000. Current: 1000000000, Requested: 1',
    ],
    [
      stockError('STOCK_ITEM_RESERVED', 'x', { product_id: 'p-1', reserved_qty: 3 }),
      409,
      'Inventory for product p-1 has 3 reserved units and cannot be deleted',
    ],
    [
      platformError('VALIDATION_FAILED', 'Unexpected end of JSON input'),
      422,
      [{ loc: ['body'], msg: 'Unexpected end of JSON input', type: 'value_error' }],
    ],
  ];

  it.each(cases)('%s', (err, status, detail) => {
    expect(retailInventoryDetail(err)).toEqual({ status, detail });
    expect(retailInventoryDetail(roundTrip(err))).toEqual({ status, detail });
  });

  it('leaves other failures to the default rendering', () => {
    expect(retailInventoryDetail(platformError('IDEMPOTENCY_KEY_REUSED'))).toBeUndefined();
  });
});

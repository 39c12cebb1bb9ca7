/**
 * The contracts name refusal codes and limits that the owning services declare elsewhere (their error
 * registries, the hold lifecycle). Both sides must agree: a code the contract promises is one the
 * service registers, with the same HTTP status; the TTL limits are the ones the hold service applies.
 */
import { describe, expect, it } from 'vitest';
import { InventoryErrorCodes, DEFAULT_HOLD_TTL_SECONDS, MAX_HOLD_TTL_SECONDS } from '../../../src/contracts/inventory.js';
import { PaymentErrorCodes } from '../../../src/contracts/payment.js';
import { PricingErrorCodes, PROMO_REFUSALS } from '../../../src/contracts/pricing.js';
import { AppError } from '../../../src/platform/errors.js';
import * as holds from '../../../src/services/inventory/holds/hold.service.js';
import { inventoryError } from '../../../src/services/inventory/inventory.errors.js';
import { diningError } from '../../../src/services/inventory/dining/dining.errors.js';
import { lodgingError } from '../../../src/services/inventory/lodging/lodging.errors.js';
import { stockError } from '../../../src/services/inventory/retail/stock.errors.js';
import { paymentError } from '../../../src/services/payment/payment.errors.js';
import { pricingError } from '../../../src/services/pricing/pricing.errors.js';

const registered = (codes: readonly string[]) => new Set(codes);

describe.each([
  [
    'inventory',
    InventoryErrorCodes,
    registered([...inventoryError.codes, ...lodgingError.codes, ...diningError.codes, ...stockError.codes]),
  ],
  ['pricing', PricingErrorCodes, registered(pricingError.codes)],
  ['payment', PaymentErrorCodes, registered(paymentError.codes)],
] as const)('the %s contract’s refusal codes', (_service, contract, own) => {
  it.each(Object.entries(contract))('%s is declared by the service with status %i', (code, status) => {
    expect(own.has(code), `${code} is in the service's error registry`).toBe(true);
    expect(new AppError(code).status).toBe(status);
  });
});

describe('the contracts’ other promises', () => {
  it('every promo refusal is a pricing refusal code', () => {
    for (const code of PROMO_REFUSALS) expect(Object.keys(PricingErrorCodes)).toContain(code);
  });

  it('states the hold TTL limits the hold service applies', () => {
    expect(DEFAULT_HOLD_TTL_SECONDS).toBe(holds.DEFAULT_HOLD_TTL_SECONDS);
    expect(MAX_HOLD_TTL_SECONDS).toBe(holds.MAX_HOLD_TTL_SECONDS);
  });
});

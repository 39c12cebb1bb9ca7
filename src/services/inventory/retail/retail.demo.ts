/**
 * The retail part of the demo data set: the hotel group's gift shop in London (GBP) with a dozen
 * products in stock, two baskets holding units (active holds) and one sale already made (a confirmed
 * hold). Everything goes through the same use-cases as the API; skipped when the shop already exists.
 */
import type { ServiceDeps } from '../../../platform/http/app.js';
import { confirmHold } from '../holds/hold.service.js';
import { inventoryContext } from '../inventory.service-module.js';
import { findVenue } from '../venues/venue.repository.js';
import { createVenue } from '../venues/venue.service.js';
import { createStock, holdStock } from './stock.service.js';

export const DEMO_SHOP = {
  id: 'lancaster-gift-shop',
  organizationId: 'demo-hotel-group',
  name: 'The Lancaster Gift Shop',
  location: 'London',
} as const;

export const DEMO_PRODUCTS = [
  { productId: 'GIFT-TEDDY', productName: 'Lancaster teddy bear', quantity: 40 },
  { productId: 'GIFT-ROBE', productName: 'Waffle bathrobe', quantity: 25 },
  { productId: 'GIFT-SLIPPERS', productName: 'Embroidered slippers', quantity: 60 },
  { productId: 'GIFT-CANDLE', productName: 'Hyde Park scented candle', quantity: 36 },
  { productId: 'GIFT-TEA', productName: 'Afternoon tea caddy', quantity: 48 },
  { productId: 'GIFT-SHORTBREAD', productName: 'All-butter shortbread tin', quantity: 90 },
  { productId: 'GIFT-JAM', productName: 'Strawberry preserve', quantity: 72 },
  { productId: 'GIFT-MUG', productName: 'Bone china mug', quantity: 30 },
  { productId: 'GIFT-UMBRELLA', productName: 'Doorman umbrella', quantity: 15 },
  { productId: 'GIFT-POSTCARDS', productName: 'Postcard set', quantity: 200 },
  { productId: 'GIFT-GIN', productName: 'London dry gin, 70cl', quantity: 18 },
  { productId: 'GIFT-BOOK', productName: 'A history of the hotel', quantity: 12 },
] as const;

const DAY_SECONDS = 24 * 3600;
const same = <T>(value: T) => ({ status: 200, body: value });

export async function loadRetailDemo(deps: ServiceDeps): Promise<void> {
  const ctx = inventoryContext(deps);
  const now = deps.clock.now();
  if ((await findVenue(ctx.db, DEMO_SHOP.id)) !== undefined) return;
  await createVenue(ctx.db, { ...DEMO_SHOP, type: 'retail', timeZone: 'Europe/London', currency: 'GBP' }, now);
  for (const product of DEMO_PRODUCTS) {
    await createStock(ctx, { ...product, venueId: DEMO_SHOP.id }, { render: same });
  }
  // Two baskets still open (held for a day), and one sale made: its units have left the shelf.
  await holdStock(ctx, { productId: 'GIFT-TEDDY', quantity: 2, ttlSeconds: DAY_SECONDS }, { render: same });
  await holdStock(ctx, { productId: 'GIFT-TEA', quantity: 3, ttlSeconds: DAY_SECONDS }, { render: same });
  const sale = await holdStock(ctx, { productId: 'GIFT-GIN', quantity: 2, ttlSeconds: DAY_SECONDS }, { render: same });
  await confirmHold(ctx.db, ctx.holdKinds, sale.body.id, now);
}

/** The retail part of the demo data set: a shop with a dozen products, active holds and a sale. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRetailDemo, DEMO_PRODUCTS, DEMO_SHOP } from '../../../../src/services/inventory/retail/retail.demo.js';
import { createTestContext, type TestContext } from '../../../helpers/context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await loadRetailDemo(ctx.deps);
});
afterAll(async () => ctx.close());

interface Item {
  product_id: string;
  venue_id: string | null;
  quantity: number;
  reserved_qty: number;
  available_qty: number;
}

describe('the retail demo', () => {
  it('has a shop in London with a dozen products in stock', async () => {
    const shop = await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${DEMO_SHOP.id}` });
    expect(shop.json()).toMatchObject({ type: 'retail', location: 'London', currency: 'GBP', active: true });
    const items = (await ctx.app.inject({ method: 'GET', url: `/api/v1/stock?venue_id=${DEMO_SHOP.id}` })).json<{ items: Item[] }>().items;
    expect(items).toHaveLength(12);
    expect(items.every((i) => i.venue_id === DEMO_SHOP.id && i.available_qty > 0)).toBe(true);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/inventory' })).json<Item[]>()).toHaveLength(12);
  });

  it('has two active holds and one confirmed sale', async () => {
    const items = new Map(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/stock' })).json<{ items: Item[] }>().items.map((i) => [i.product_id, i]),
    );
    const start = new Map(DEMO_PRODUCTS.map((p) => [p.productId as string, p.quantity as number]));
    expect(items.get('GIFT-TEDDY')).toMatchObject({ quantity: start.get('GIFT-TEDDY'), reserved_qty: 2 });
    expect(items.get('GIFT-TEA')).toMatchObject({ quantity: start.get('GIFT-TEA'), reserved_qty: 3 });
    expect(items.get('GIFT-GIN')).toMatchObject({ quantity: start.get('GIFT-GIN')! - 2, reserved_qty: 0 });
  });

  it('is loaded once', async () => {
    await loadRetailDemo(ctx.deps);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/stock' })).json<{ items: Item[] }>().items).toHaveLength(12);
  });
});

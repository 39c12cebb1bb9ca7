import { retailInventoryRoutes } from '../compat/retail-inventory.routes.js';
import type { InventoryPart } from '../inventory.part.js';
import { retailMigrations } from './retail.migrations.js';
import { stockRoutes } from './stock.routes.js';
import { retailHoldKind } from './stock.service.js';

/** Retail stock: items with reserved units, retail holds, /api/v1/stock and the /api/inventory surface. */
export const retailPart: InventoryPart = {
  name: 'retail',
  migrations: retailMigrations,
  holdKind: retailHoldKind,
  register: async (app, ctx) => {
    stockRoutes(app, ctx);
    await retailInventoryRoutes(app, ctx);
  },
};

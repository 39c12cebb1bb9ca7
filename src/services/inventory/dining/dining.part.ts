import type { InventoryPart } from '../inventory.part.js';
import { diningHoldKind } from './dining.hold-kind.js';
import { diningMigrations } from './dining.migrations.js';
import { diningRoutes } from './dining.routes.js';

/** Restaurant and cafe tables sold by time slot. */
export const diningPart: InventoryPart = {
  name: 'dining',
  migrations: diningMigrations,
  holdKind: diningHoldKind,
  register: async (app, ctx) => diningRoutes(app, ctx),
};

import type { InventoryPart } from '../inventory.part.js';
import { diningMigrations } from './dining.migrations.js';

export const diningPart: InventoryPart = {
  name: 'dining',
  migrations: diningMigrations,
  register: async () => undefined,
};

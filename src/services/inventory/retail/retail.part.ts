import type { InventoryPart } from '../inventory.part.js';
import { retailMigrations } from './retail.migrations.js';

export const retailPart: InventoryPart = {
  name: 'retail',
  migrations: retailMigrations,
  register: async () => undefined,
};

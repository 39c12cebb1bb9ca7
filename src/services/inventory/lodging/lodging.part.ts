import type { InventoryPart } from '../inventory.part.js';
import { lodgingMigrations } from './lodging.migrations.js';

export const lodgingPart: InventoryPart = {
  name: 'lodging',
  migrations: lodgingMigrations,
  register: async () => undefined,
};

import type { Migration } from 'kysely';
import * as createDining from './migrations/2026_11_25_130000_create_dining.js';

/** The dining migrations of the inventory schema (names sort after the core's 2026_11_25_110000). */
export const diningMigrations: Record<string, Migration> = {
  '2026_11_25_130000_create_dining': createDining,
};

import type { Migration } from 'kysely';
import * as createStock from './migrations/2026_11_25_140000_create_stock.js';
import * as stockLowThreshold from './migrations/2026_12_10_110000_stock_low_threshold.js';

/** The retail migrations of the inventory schema (names sort after the core's 2026_11_25_110000). */
export const retailMigrations: Record<string, Migration> = {
  '2026_11_25_140000_create_stock': createStock,
  '2026_12_10_110000_stock_low_threshold': stockLowThreshold,
};

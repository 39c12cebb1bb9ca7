import type { Migration } from 'kysely';

/** The retail migrations of the inventory schema (names sort after the core's 2026_11_25_110000). */
export const retailMigrations: Record<string, Migration> = {};

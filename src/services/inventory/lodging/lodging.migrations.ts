import type { Migration } from 'kysely';

/** The lodging migrations of the inventory schema (names sort after the core's 2026_11_25_110000). */
export const lodgingMigrations: Record<string, Migration> = {};

import type { Migration } from 'kysely';
import * as createRoomTypesNights from './migrations/2026_11_25_120000_create_room_types_nights.js';
import * as createLodgingHolds from './migrations/2026_11_25_120100_create_lodging_holds.js';
import * as createStayRules from './migrations/2026_11_25_120200_create_stay_rules.js';
import * as createRoomOperations from './migrations/2026_11_25_120300_create_room_operations.js';

/** The lodging migrations of the inventory schema (names sort after the core's 2026_11_25_110000). */
export const lodgingMigrations: Record<string, Migration> = {
  '2026_11_25_120000_create_room_types_nights': createRoomTypesNights,
  '2026_11_25_120100_create_lodging_holds': createLodgingHolds,
  '2026_11_25_120200_create_stay_rules': createStayRules,
  '2026_11_25_120300_create_room_operations': createRoomOperations,
};

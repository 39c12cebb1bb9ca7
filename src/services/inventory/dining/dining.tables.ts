/** Row types of the dining tables of the inventory schema (restaurant and cafe tables sold by time slot). */
import type { ColumnType } from 'kysely';

/** A venue's dining settings; absent until the venue's first `PUT …/dining-settings`. */
export interface DiningSettingsTable {
  venue_id: string;
  slot_minutes: number;
  default_duration_minutes: number;
  buffer_minutes: number;
  pacing_covers: number | null;
  updated_at: Date;
}

export interface DiningDurationRuleTable {
  venue_id: string;
  max_party: number;
  minutes: number;
}

/** One opening interval of a weekday (ISO 1 = Monday); `closes_minute` past 1440 ends the next day. */
export interface DiningHoursTable {
  venue_id: string;
  weekday: number;
  opens_minute: number;
  closes_minute: number;
}

export interface DiningClosedDateTable {
  venue_id: string;
  /** 'YYYY-MM-DD': a service day on which the venue does not open. */
  date: string;
}

export interface DiningTableTable {
  id: string;
  venue_id: string;
  name: string;
  min_seats: number;
  max_seats: number;
  area: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Date;
  updated_at: Date;
}

/**
 * What a dining hold took: one table for `during = [start, start + duration + buffer)`. The database
 * refuses two active allocations of one table whose ranges overlap (EXCLUDE USING gist).
 */
export interface TableAllocationTable {
  hold_id: string;
  table_id: string;
  venue_id: string;
  party_size: number;
  /** tstzrange; written and read through SQL (`tstzrange(…)`, `lower(during)`). */
  during: ColumnType<string, string, string>;
  local_date: string;
  local_time: string;
  duration_minutes: number;
  buffer_minutes: number;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Date;
  ended_at: Date | null;
}

export interface DiningTables {
  'inventory.dining_settings': DiningSettingsTable;
  'inventory.dining_duration_rule': DiningDurationRuleTable;
  'inventory.dining_hours': DiningHoursTable;
  'inventory.dining_closed_date': DiningClosedDateTable;
  'inventory.dining_table': DiningTableTable;
  'inventory.table_allocation': TableAllocationTable;
}

/** Row types of the lodging tables of the inventory schema. Dates are 'YYYY-MM-DD' strings. */
import type { ColumnType, Generated } from 'kysely';

export interface RoomTypeTable {
  id: string;
  venue_id: string;
  name: string;
  capacity_adults: number;
  /** Nightly price in minor units of the venue's currency. */
  price: number;
  total_quantity: number;
  overbooking_allowance: ColumnType<number, number | undefined, number>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  /** Rows of room_night exist for every night in [nights_from, nights_until]. */
  nights_from: string;
  nights_until: string;
  created_at: Date;
  updated_at: Date;
}

export interface RoomNightTable {
  room_type_id: string;
  night: string;
  capacity: number;
  reserved: ColumnType<number, number | undefined, number>;
  /** The part of `reserved` taken outside holds (/rooms, /inventory adjust, data sets). */
  reserved_direct: ColumnType<number, number | undefined, number>;
  out_of_order: ColumnType<number, number | undefined, number>;
  closed: ColumnType<boolean, boolean | undefined, boolean>;
  demand_level: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LodgingHoldTable {
  hold_id: string;
  room_type_id: string;
  check_in: string;
  check_out: string;
  booked_check_out: string;
  quantity: number;
}

export interface HoldNightTable {
  hold_id: string;
  room_type_id: string;
  night: string;
  quantity: number;
}

export interface StayRuleTable {
  id: Generated<number>;
  room_type_id: string;
  from_date: string;
  to_date: string;
  min_stay: number | null;
  max_stay: number | null;
  closed_to_arrival: ColumnType<boolean, boolean | undefined, boolean>;
  closed_to_departure: ColumnType<boolean, boolean | undefined, boolean>;
}

export type RoomOperationKind = 'RESERVE' | 'RELEASE';
export type RoomOperationStatus = 'SUCCESS' | 'FAILED';

export interface RoomOperationTable {
  uuid: string;
  operation: RoomOperationKind;
  room_type_id: string;
  check_in: string;
  check_out: string;
  status: RoomOperationStatus;
  created_at: Date;
  updated_at: Date;
}

export type AdjustmentSource = 'inventory-adjust' | 'dataset';

export interface RoomNightAdjustmentTable {
  id: Generated<number>;
  room_type_id: string;
  night: string;
  delta: number;
  source: AdjustmentSource;
  reference: string | null;
  created_at: Date;
}

export interface LodgingTables {
  'inventory.room_type': RoomTypeTable;
  'inventory.room_night': RoomNightTable;
  'inventory.lodging_hold': LodgingHoldTable;
  'inventory.hold_night': HoldNightTable;
  'inventory.stay_rule': StayRuleTable;
  'inventory.room_operation': RoomOperationTable;
  'inventory.room_night_adjustment': RoomNightAdjustmentTable;
}

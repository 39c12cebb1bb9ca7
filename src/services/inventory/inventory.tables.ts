/**
 * Row types of the inventory schema, in one place. Each capability adds its tables in its own
 * `*.tables.ts`; `InventoryDB` is their union, the type every inventory repository is written against.
 */
import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { DiningTables } from './dining/dining.tables.js';
import type { LodgingTables } from './lodging/lodging.tables.js';
import type { RetailTables } from './retail/retail.tables.js';

export type VenueType = 'hotel' | 'restaurant' | 'cafe' | 'retail';
export type HoldKind = 'lodging' | 'dining' | 'retail';
export type HoldStatus = 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';

export interface VenueTable {
  id: string;
  organization_id: string;
  type: VenueType;
  name: string;
  location: ColumnType<string, string | undefined, string>;
  time_zone: ColumnType<string, string | undefined, string>;
  currency: ColumnType<string, string | undefined, string>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Date;
  updated_at: Date;
}

export interface HoldTable {
  id: string;
  kind: HoldKind;
  venue_id: string | null;
  status: HoldStatus;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  confirmed_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
}

export interface CoreTables {
  'inventory.venue': VenueTable;
  'inventory.hold': HoldTable;
}

export type InventoryDB = CoreTables & LodgingTables & DiningTables & RetailTables;
export type InventoryDb = Kysely<InventoryDB>;
export type InventoryTrx = Transaction<InventoryDB>;
/** Repository functions that may run inside or outside a transaction take this. */
export type InventoryExecutor = Kysely<InventoryDB> | Transaction<InventoryDB>;

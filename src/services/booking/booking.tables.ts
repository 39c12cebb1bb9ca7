/** Row types of the booking schema, in one place. */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { BookingStatus } from './booking.states.js';

export type VenueType = 'hotel' | 'restaurant' | 'cafe';
export type InventoryStatus = 'HELD' | 'CONFIRMED' | 'RELEASED';

export interface BookingTable {
  id: string;
  booking_reference: string;
  short_id: string;
  idempotency_key: string | null;
  guest_id: string;
  /** Sealed (platform/pii), like the email and phone; rows from before sealing may hold plain text. */
  guest_name: string;
  guest_email: string | null;
  guest_phone: string | null;
  /** Blind indexes (keyed HMAC) of the normalised email and phone, for exact-match lookups. */
  guest_email_index: ColumnType<string | null, string | null | undefined, string | null>;
  guest_phone_index: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the guest's data was erased (GDPR article 17); null while it is held. */
  guest_erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  venue_id: string;
  venue_type: VenueType;
  venue_name: string;
  booking_date: string;
  booking_time: string | null;
  duration_minutes: number | null;
  end_time: Date | null;
  party_size: number;
  status: BookingStatus;
  version: ColumnType<number, number | undefined, number>;
  base_price: number | null;
  tax_amount: ColumnType<number, number | undefined, number>;
  discount_amount: ColumnType<number, number | undefined, number>;
  total_price: number | null;
  currency: string;
  payment_intent_id: string | null;
  payment_status: string | null;
  inventory_reservation_id: string | null;
  inventory_item_id: string | null;
  inventory_status: InventoryStatus;
  special_requests: string | null;
  internal_notes: string | null;
  room_type_id: string | null;
  room_type_name: string | null;
  check_in: string | null;
  check_out: string | null;
  nights: number | null;
  adults: number | null;
  children: number | null;
  room_price: number | null;
  meal_plan: string | null;
  market_segment: string | null;
  booking_channel: string | null;
  is_holiday: boolean | null;
  source: string;
  metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Date;
  updated_at: Date;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  checked_in_at: Date | null;
  completed_at: Date | null;
  expires_at: Date | null;
  cancellation_reason: string | null;
  cancelled_by: string | null;
  promo_code: ColumnType<string | null, string | null | undefined, string | null>;
  amount_captured: ColumnType<number, number | undefined, number>;
  amount_refunded: ColumnType<number, number | undefined, number>;
  cancellation_fee: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface StatusHistoryTable {
  id: Generated<number>;
  booking_id: string;
  from_status: BookingStatus | null;
  to_status: BookingStatus;
  changed_by: string;
  reason: string | null;
  created_at: Date;
  request_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface OutboxEventTable {
  seq: Generated<number>;
  event_id: string;
  event_type: string;
  aggregate_id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  sequence: number;
  occurred_at: Date;
  published_at: Date | null;
  attempts: Generated<number>;
  next_attempt_at: Date | null;
  claimed_until: Date | null;
  claim_token: string | null;
  last_error: string | null;
  dead_at: Date | null;
}

export type TaskAction = 'release_hold' | 'shorten_stay' | 'refund_payment' | 'void_payment' | 'release_promo';

export interface TaskTable {
  id: Generated<number>;
  booking_id: string;
  action: TaskAction;
  hold_id: string | null;
  intent_id: string | null;
  amount: number | null;
  check_out: string | null;
  promo_code: string | null;
  call_key: string;
  reason: string;
  created_at: Date;
  claimed_until: Date | null;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  done_at: Date | null;
}

export type SagaStatus = 'running' | 'completed' | 'compensated';

export interface SagaTable {
  id: string;
  booking_id: string;
  kind: 'create' | 'change';
  status: SagaStatus;
  step: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  outcome: string | null;
  started_at: Date;
  updated_at: Date;
}

export interface BookingDB {
  'booking.task': TaskTable;
  'booking.saga': SagaTable;
  'booking.booking': BookingTable;
  'booking.booking_status_history': StatusHistoryTable;
  'booking.outbox_event': OutboxEventTable;
}

export type BookingDb = Kysely<BookingDB>;
export type BookingTrx = Transaction<BookingDB>;
export type BookingExecutor = BookingDb | BookingTrx;

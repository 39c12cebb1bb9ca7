/** Row types of the webhook schema, in one place. */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

export const ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface EndpointTable {
  id: string;
  seq: Generated<number>;
  /** null: an administrator's endpoint, which receives every organization's events. */
  organization_id: string | null;
  url: string;
  event_types: ColumnType<string[], string, string>;
  description: string | null;
  status: EndpointStatus;
  disabled_reason: string | null;
  /** Sealed (platform/pii), never plain. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryTable {
  id: string;
  seq: Generated<number>;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  envelope: ColumnType<Record<string, unknown>, string, string>;
  status: DeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

export interface DeliveryAttemptTable {
  id: Generated<number>;
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface WebhookDB {
  'webhook.endpoint': EndpointTable;
  'webhook.delivery': DeliveryTable;
  'webhook.delivery_attempt': DeliveryAttemptTable;
}

export type WebhookDb = Kysely<WebhookDB>;
export type WebhookTrx = Transaction<WebhookDB>;
export type WebhookExecutor = Kysely<WebhookDB> | Transaction<WebhookDB>;

/** The webhooks service's domain values, and the one mapper from rows to them. */
import type { DeliveryAttemptTable, DeliveryStatus, DeliveryTable, EndpointStatus, EndpointTable } from './webhook.tables.js';
import type { Selectable } from 'kysely';

export interface Endpoint {
  readonly id: string;
  readonly organizationId: string | null;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description: string | null;
  readonly status: EndpointStatus;
  readonly disabledReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Delivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

export interface DeliveryAttempt {
  readonly attemptedAt: Date;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

/** Whose endpoints a caller manages: every one (admin, service), one organization's, or none. */
export type EndpointScope = { readonly kind: 'all' } | { readonly kind: 'organization'; readonly org: string } | { readonly kind: 'none' };

export const rowToEndpoint = (r: Selectable<EndpointTable>): Endpoint => ({
  id: r.id,
  organizationId: r.organization_id,
  url: r.url,
  eventTypes: r.event_types,
  description: r.description,
  status: r.status,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const rowToDelivery = (r: Selectable<DeliveryTable>): Delivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

export const rowToAttempt = (r: Selectable<DeliveryAttemptTable>): DeliveryAttempt => ({
  attemptedAt: r.attempted_at,
  statusCode: r.status_code,
  durationMs: r.duration_ms,
  error: r.error,
});

/**
 * When a failed delivery is tried again, by how many attempts it has had (Standard Webhooks'
 * schedule, stretched past three days): 5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h, the last try
 * about 3.6 days after the first (never under 3, whatever the jitter), so that a receiver failing
 * throughout is disabled (DISABLE_AFTER_FAILING_MS) before its delivery runs out of tries. After the
 * last the delivery is failed. Each delay gets ±10 % jitter, so that receivers recovering from an
 * outage are not hit by every sender at the same instant.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];
export const JITTER = 0.1;

/** The delay before the next attempt after `attempts` failed ones, or undefined when none is left. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_DELAYS_MS[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** An endpoint failing without a success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3_600_000;
/** A rotated-out secret keeps signing this long. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 3_600_000;

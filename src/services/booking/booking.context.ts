/**
 * What every booking use-case gets: its database, its clock, the clients of the services it
 * coordinates, and the few settings that shape a booking's life. One small explicit context (no
 * container), built once by the service module; every booking module imports it from here, so none
 * of them imports another only for a type.
 */
import type { Clock } from '../../platform/clock.js';
import type { PiiVault } from '../../platform/pii/pii-vault.js';
import type { InventoryClient } from './clients/inventory.client.js';
import type { PaymentClient } from './clients/payment.client.js';
import type { PricingClient } from './clients/pricing.client.js';
import type { BookingDb } from './booking.tables.js';

export interface BookingContext {
  readonly db: BookingDb;
  readonly clock: Clock;
  /** Seals guest data for storage and opens it for whoever may see it (platform/pii). */
  readonly pii: PiiVault;
  readonly inventory: InventoryClient;
  readonly pricing: PricingClient;
  readonly payment: PaymentClient;
  /** How long a PENDING booking lives before it expires (seed 004: 15 minutes). */
  readonly pendingTtlMs: number;
  /** A saga untouched this long is finished or compensated by the recovery job. */
  readonly sagaRecoveryAfterMs: number;
  readonly log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Signs the guest token a create answers with (absent when access control is off). */
  readonly issueGuestToken?: (guestId: string, bookingId: string, validUntil: Date) => Promise<string>;
}

/** Who asks for a change: recorded in the status history and the events (`changed_by`). */
export interface Actor {
  readonly id: string;
}

/** The actor of the scheduled jobs and of compensations. */
export const SYSTEM: Actor = { id: 'system' };

export const DEFAULT_PENDING_TTL_MS = 15 * 60_000;
export const DEFAULT_SAGA_RECOVERY_AFTER_MS = 60_000;

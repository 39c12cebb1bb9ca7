import type { Clock } from '../../platform/clock.js';
import type { OnceStore } from '../../platform/idempotency/once.js';
import type { Scheduler } from '../../platform/jobs/scheduler.js';
import type { HoldKinds } from './holds/hold.kinds.js';
import type { InventoryDB, InventoryDb } from './inventory.tables.js';

/** What the inventory service's use-cases and routes are given. */
export interface InventoryContext {
  readonly db: InventoryDb;
  readonly clock: Clock;
  readonly holdKinds: HoldKinds;
  /** How long idempotency keys are kept. */
  readonly idempotencyTtlMs: number;
  /** Parts add their scheduled jobs here (run once across processes, and once at start-up). */
  readonly scheduler: Scheduler;
}

/** Where inventory keeps its idempotency keys (`inventory.idempotency_key`). */
export function inventoryKeys(ctx: InventoryContext): OnceStore<InventoryDB> {
  return { db: ctx.db, schema: 'inventory', clock: ctx.clock, ttlMs: ctx.idempotencyTtlMs };
}

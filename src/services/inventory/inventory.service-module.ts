/**
 * The inventory service: the one place that decides whether a room-night, a table or a unit of stock
 * can be sold. Composes its parts (lodging, dining, retail) over one schema and one hold lifecycle.
 */
import type { Migration } from 'kysely';
import { purgeExpiredKeys } from '../../platform/idempotency/idempotency-key.repository.js';
import type { ServiceModule } from '../../platform/http/app.js';
import { diningPart } from './dining/dining.part.js';
import type { HoldKindHandler } from './holds/hold.kinds.js';
import { holdRoutes } from './holds/hold.routes.js';
import { sweepExpiredHolds } from './holds/hold.service.js';
import type { InventoryContext } from './inventory.context.js';
import type { HoldKind, InventoryDb } from './inventory.tables.js';
import { lodgingPart } from './lodging/lodging.part.js';
import * as createVenuesHolds from './migrations/2026_11_25_110000_create_venues_holds.js';
import * as createOutbox from './migrations/2026_12_10_100000_create_outbox.js';
import { retailPart } from './retail/retail.part.js';
import { venueRoutes } from './venues/venue.routes.js';

const parts = [lodgingPart, diningPart, retailPart] as const;

export const inventoryHoldKinds: ReadonlyMap<HoldKind, HoldKindHandler> = new Map(
  parts.flatMap((p) => (p.holdKind ? [[p.holdKind.kind, p.holdKind] as const] : [])),
);

const HOLD_SWEEP_INTERVAL_MS = 30_000;

export function inventoryContext(deps: Parameters<ServiceModule['register']>[1]): InventoryContext {
  return {
    db: deps.database.db as InventoryDb,
    clock: deps.clock,
    holdKinds: inventoryHoldKinds,
    idempotencyTtlMs: deps.idempotencyTtlMs,
    scheduler: deps.scheduler,
  };
}

export const inventoryService: ServiceModule = {
  name: 'inventory',
  title: 'Inventory: room-nights, dining tables by time slot, retail stock, and holds with expiry',
  migrations: {
    schema: 'inventory',
    migrations: Object.assign(
      { '2026_11_25_110000_create_venues_holds': createVenuesHolds, '2026_12_10_100000_create_outbox': createOutbox },
      ...parts.map((p) => p.migrations),
    ) as Record<string, Migration>,
  },
  register: async (app, deps) => {
    const ctx = inventoryContext(deps);
    venueRoutes(app, ctx);
    holdRoutes(app, ctx);
    for (const part of parts) await part.register(app, ctx);

    // Expired holds go back on sale even when nobody asks for that inventory; the hot path also
    // reclaims them on demand before refusing, so the sweep is about tidiness, not correctness.
    deps.scheduler.add({
      name: 'expire-holds',
      description: 'Return the inventory of holds past their expiry',
      schedule: { everyMs: HOLD_SWEEP_INTERVAL_MS },
      run: async (now) => ({ expired: await sweepExpiredHolds(ctx.db, ctx.holdKinds, now) }),
    });
    deps.scheduler.add({
      name: 'purge-inventory-idempotency-keys',
      description: 'Delete inventory idempotency keys past their expiry',
      schedule: { everyMs: 3_600_000 },
      run: async (now) => ({ purged: await purgeExpiredKeys(deps.database.db, 'inventory', now) }),
    });
    deps.events?.addOutbox('inventory');
  },
};

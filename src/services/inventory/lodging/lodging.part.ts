import type { InventoryPart } from '../inventory.part.js';
import { hotelInventoryRoutes } from '../compat/hotel-inventory.routes.js';
import { roomsRoutes } from '../compat/rooms.routes.js';
import { lodgingHoldKind } from './lodging-hold.kind.js';
import { lodgingMigrations } from './lodging.migrations.js';
import { lodgingRoutes } from './lodging.routes.js';
import { extendNightHorizon } from './room-night.service.js';
import { roomTypeRoutes } from './room-type.routes.js';

/** Hotels: room types, nightly inventory, stay rules, availability, lodging holds; /rooms and /inventory. */
export const lodgingPart: InventoryPart = {
  name: 'lodging',
  migrations: lodgingMigrations,
  holdKind: lodgingHoldKind,
  register: async (app, ctx) => {
    lodgingRoutes(app, ctx);
    roomTypeRoutes(app, ctx);
    await roomsRoutes(app, ctx);
    await hotelInventoryRoutes(app, ctx);

    // Nightly rows exist a year and more ahead so the hot path never creates them; the scheduler runs
    // this at start-up and daily, once across processes.
    ctx.scheduler.add({
      name: 'extend-night-horizon',
      description: 'Create the nightly inventory rows of every room type up to today + 400 days',
      schedule: { dailyAtUtc: '00:05' },
      run: async (now) => ({ room_types_extended: await extendNightHorizon(ctx.db, now) }),
    });
  },
};

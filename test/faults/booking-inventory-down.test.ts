/**
 * The booking service in one process, the inventory service in another (here: two apps over one
 * database, as `--services` splits them). With inventory down, creates answer 503 with a clear message
 * and leave nothing behind; a cancel made while it is down is completed by the sync job later.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/platform/jobs/scheduler.js';
import { generatedRing } from '../../src/platform/pii/pii-keys.js';
import { PiiVault } from '../../src/platform/pii/pii-vault.js';
import { buildApp, type App } from '../../src/platform/http/app.js';
import { loggerOptions } from '../../src/platform/observability/logger.js';
import { serviceModules } from '../../src/services/index.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { expectReconciled, guest, makeHotel } from '../helpers/booking-fixtures.js';

let inventory: TestContext;
let booking: App;
let bookingScheduler: Scheduler;
let inventoryUrl: string;
let up = true;

beforeAll(async () => {
  inventory = await createTestContext({ services: ['inventory'] });
  inventoryUrl = await inventory.listen();
  bookingScheduler = new Scheduler(inventory.database, inventory.clock);
  booking = await buildApp({
    services: serviceModules(['booking']),
    logger: pino(loggerOptions('silent')),
    deps: {
      database: inventory.database,
      clock: inventory.clock,
      scheduler: bookingScheduler,
      pii: new PiiVault(generatedRing()),
      idempotencyTtlMs: 86_400_000,
      // A closed port stands for the stopped inventory process.
      serviceUrl: () => (up ? inventoryUrl : 'http://127.0.0.1:9'),
    },
  });
});
afterAll(async () => {
  await booking.close();
  await inventory.close();
});

type Json = Record<string, unknown>;

describe('with the inventory service stopped', () => {
  it('creates answer 503 with a clear message and leave nothing behind', async () => {
    const hotel = await makeHotel(inventory, { rooms: 2 });
    up = false;
    const res = await booking.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { 'idempotency-key': 'while-down-1' },
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-02-01',
        nights: 2,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
      },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json<Json>()).toMatchObject({ error: { code: 'INVENTORY_SERVICE_UNAVAILABLE' } });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/inventory service is unavailable.*nothing was booked/);
    const db = inventory.database.db;
    expect((await sql<{ n: number }>`select count(*)::int as n from booking.booking`.execute(db)).rows[0]!.n).toBe(0);
    expect((await sql<{ n: number }>`select count(*)::int as n from inventory.hold`.execute(db)).rows[0]!.n).toBe(0);
    expect((await sql<{ n: number }>`select count(*)::int as n from booking.idempotency_key`.execute(db)).rows[0]!.n).toBe(0);

    // The same key works once inventory is back: the 503 was not stored.
    up = true;
    const retry = await booking.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { 'idempotency-key': 'while-down-1' },
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-02-01',
        nights: 2,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
      },
    });
    expect(retry.statusCode).toBe(201);
    await expectReconciled(inventory);
  });

  it('a cancel while inventory is down cancels now and returns the rooms when it is back', async () => {
    const hotel = await makeHotel(inventory, { rooms: 1 });
    const created = await booking.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(2),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-02-10',
        nights: 1,
        party_size: 1,
        room_type_id: hotel.roomTypeId,
      },
    });
    const id = created.json<Json>().id as string;
    up = false;
    const cancel = await booking.inject({
      method: 'POST',
      url: `/api/v1/bookings/${id}/cancel`,
      payload: { cancelled_by: 'guest-2', reason: 'flight cancelled' },
    });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json<Json>()).toMatchObject({ status: 'CANCELLED' });
    const pending = await sql<{ n: number }>`select count(*)::int as n from booking.task where done_at is null`.execute(
      inventory.database.db,
    );
    expect(pending.rows[0]!.n).toBe(1);
    up = true;
    inventory.clock.advance(60_000);
    const run = await bookingScheduler.runNow('sync-inventory');
    expect(run.result).toEqual({ done: 1, failed: 0 });
    await expectReconciled(inventory);
  });
});

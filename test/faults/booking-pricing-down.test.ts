/**
 * With the pricing service stopped, bookings proceed at the venue's default price (the inventory's
 * nightly price) and say so in their metadata and their booking.created event; with inventory
 * stopped, no booking is created (see booking-inventory-down.test.ts).
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/platform/http/app.js';
import { Scheduler } from '../../src/platform/jobs/scheduler.js';
import { generatedRing } from '../../src/platform/pii/pii-keys.js';
import { PiiVault } from '../../src/platform/pii/pii-vault.js';
import { loggerOptions } from '../../src/platform/observability/logger.js';
import { serviceModules } from '../../src/services/index.js';
import { expectReconciled, guest, makeHotel } from '../helpers/booking-fixtures.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

let others: TestContext;
let booking: App;

beforeAll(async () => {
  others = await createTestContext({ services: ['inventory', 'payment'] });
  const url = await others.listen();
  booking = await buildApp({
    services: serviceModules(['booking']),
    logger: pino(loggerOptions('silent')),
    deps: {
      database: others.database,
      clock: others.clock,
      scheduler: new Scheduler(others.database, others.clock),
      pii: new PiiVault(generatedRing()),
      idempotencyTtlMs: 86_400_000,
      // Nothing listens on port 9: the pricing service is down.
      serviceUrl: (name) => (name === 'pricing' ? 'http://127.0.0.1:9' : url),
    },
  });
});
afterAll(async () => {
  await booking.close();
  await others.close();
});

type Json = Record<string, unknown>;

describe('with the pricing service stopped', () => {
  it('books and charges at the default price, flagged in metadata and the created event', async () => {
    const hotel = await makeHotel(others, { rooms: 2, price: 18_000 });
    const res = await booking.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-03-01',
        nights: 3,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
        promo_code: 'SPRING10',
        payment_method: { card_number: '4242424242424242', exp_month: 1, exp_year: 2032, cvc: '999' },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const b = res.json<Json>();
    expect(b).toMatchObject({ status: 'CONFIRMED', total_price: 54_000, amount_captured: 54_000, discount_amount: 0, promo_code: null });
    expect(b.metadata).toMatchObject({ pricing_source: 'default_price', pricing_fallback: true, promo_not_applied: 'SPRING10' });
    const { rows } = await sql<{ payload: Json }>`
      select payload from booking.outbox_event where aggregate_id = ${b.id} and event_type = 'booking.created'`.execute(others.database.db);
    expect(rows[0]!.payload.payload).toMatchObject({ pricing_source: 'default', pricing_fallback: true, total_price: 54_000 });
    await expectReconciled(others);
  });
});

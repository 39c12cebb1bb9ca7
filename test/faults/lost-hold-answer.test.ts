/**
 * Regression (found by the hot-contention benchmark under overload): the inventory service made the
 * hold, but its answer never reached the booking service (a timeout, a dropped connection). The create
 * answers 503, and the hold must not stay taken until it expires: the recovery job replays the hold
 * request with the same idempotency key, learns the hold's id from inventory's stored answer, and
 * releases it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
let scheduler: Scheduler;
let proxy: http.Server;
let proxyUrl: string;
/** While true, answers to hold requests are thrown away after inventory has acted on them. */
let dropHoldAnswers = true;

beforeAll(async () => {
  others = await createTestContext({ services: ['inventory', 'pricing', 'payment'] });
  const target = await others.listen();
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const upstream = await fetch(`${target}${req.url ?? '/'}`, {
          method: req.method,
          // The request's own headers, less those fetch sets from the body and the connection (undici refuses them twice).
          headers: Object.fromEntries(
            Object.entries(req.headers).filter(
              ([name]) => !['content-length', 'host', 'connection', 'transfer-encoding', 'keep-alive'].includes(name),
            ),
          ) as Record<string, string>,
          body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        });
        const body = await upstream.text();
        if (dropHoldAnswers && req.method === 'POST' && req.url === '/api/v1/holds/lodging') {
          req.socket.destroy(); // inventory acted; its answer is lost on the way back
          return;
        }
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(body);
      })();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  scheduler = new Scheduler(others.database, others.clock);
  booking = await buildApp({
    services: serviceModules(['booking']),
    logger: pino(loggerOptions('silent')),
    deps: {
      database: others.database,
      clock: others.clock,
      scheduler,
      pii: new PiiVault(generatedRing()),
      idempotencyTtlMs: 86_400_000,
      serviceUrl: () => proxyUrl,
      sagaRecoveryAfterMs: 60_000,
    },
  });
});
afterAll(async () => {
  await booking.close();
  await new Promise((r) => proxy.close(r));
  await others.close();
});

describe('a hold whose answer was lost', () => {
  it('is found by its key and released by the recovery job', async () => {
    const hotel = await makeHotel(others, { rooms: 1 });
    const res = await booking.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-04-01',
        nights: 2,
        party_size: 1,
        room_type_id: hotel.roomTypeId,
      },
    });
    expect(res.statusCode).toBe(503);
    const db = others.database.db;
    const held = await sql<{ n: number }>`select count(*)::int as n from inventory.hold where status = 'HELD'`.execute(db);
    expect(held.rows[0]!.n, 'inventory did make the hold').toBe(1);
    const running = await sql<{ n: number }>`select count(*)::int as n from booking.saga where status = 'running'`.execute(db);
    expect(running.rows[0]!.n).toBe(1);

    dropHoldAnswers = false;
    others.clock.advance(61_000);
    const run = await scheduler.runNow('recover-sagas');
    expect(run.result).toEqual({ completed: 0, compensated: 1, pending: 0 });
    const after = await sql<{ status: string }>`select status from inventory.hold`.execute(db);
    expect(after.rows.map((r) => r.status)).toEqual(['RELEASED']);
    expect((await sql<{ n: number }>`select count(*)::int as n from booking.booking`.execute(db)).rows[0]!.n).toBe(0);
    await expectReconciled(others);
  });
});

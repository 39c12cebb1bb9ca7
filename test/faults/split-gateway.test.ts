/**
 * A split deployment behind the gateway, as real `innkeeper start --services X` processes on one
 * PostgreSQL database: inventory, pricing, payment, two booking replicas, and a gateway that runs no
 * service of its own and reaches each through `<SERVICE>_URL` (BOOKING_URL naming both replicas, each
 * behind a counting proxy). A client that knows only the gateway's URL:
 *
 * - creates a hotel, searches it, books and pays, reads the booking back and cancels it; the rows of
 *   every service agree afterwards;
 * - spreads its booking calls over both booking replicas;
 * - gets 504 UPSTREAM_TIMEOUT from a gateway (GATEWAY_UPSTREAM_TIMEOUT_MS=700) whose service hangs;
 * - gets 503 SERVICE_UNAVAILABLE once a service's process is stopped.
 *
 * Access control is on, as in production: the operator's admin token comes from `innkeeper token` (the
 * local issuer's key lives in the shared database), the guest books anonymously through the gateway and
 * manages the booking with the guest token it got, services call each other with service tokens, and a
 * service called directly without a token refuses.
 *
 * PostgreSQL only: a PGlite data directory admits one process.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { send } from '../helpers/crash.js';
import { runCli } from '../helpers/process.js';
import type { StartedProcess } from '../helpers/process.js';
import { startProxy, type FaultProxy } from '../helpers/proxy.js';
import { APPROVED, expectConsistent, splitWorld, stay, type SplitWorld } from './split-world.js';

const backend = inject('backend');
const AUTH_ON = { INNKEEPER_AUTH: 'on' };

describe.runIf(backend === 'postgres')('a split deployment served through the gateway alone', () => {
  let world: SplitWorld;
  let inventory: StartedProcess;
  let pricing: StartedProcess;
  let payment: StartedProcess;
  let bookingA: StartedProcess;
  let bookingB: StartedProcess;
  let gateway: StartedProcess;
  let proxyA: FaultProxy;
  let proxyB: FaultProxy;
  let admin: Record<string, string>;

  beforeAll(async () => {
    world = await splitWorld('gateway');
    // One after the other: start-up is heavy on a shared machine.
    inventory = await world.start(['--services', 'inventory'], AUTH_ON);
    pricing = await world.start(['--services', 'pricing'], AUTH_ON);
    payment = await world.start(['--services', 'payment'], AUTH_ON);
    const others = { INVENTORY_URL: inventory.url, PRICING_URL: pricing.url, PAYMENT_URL: payment.url, ...AUTH_ON };
    bookingA = await world.start(['--services', 'booking'], others);
    bookingB = await world.start(['--services', 'booking'], others);
    proxyA = await startProxy(bookingA.url);
    proxyB = await startProxy(bookingB.url);
    gateway = await world.start(['--services', 'gateway'], { ...others, BOOKING_URL: `${proxyA.url},${proxyB.url}` });
    const minted = await runCli(['token', '--role', 'admin', '--sub', 'ops', '--ttl', '1h'], { DATABASE_URL: world.url }, 60_000);
    expect(minted.code, minted.stderr).toBe(0);
    admin = { authorization: `Bearer ${minted.stdout.trim()}` };
  }, 300_000);
  afterAll(async () => {
    await world?.killAll();
    await proxyA?.close();
    await proxyB?.close();
    await world?.dispose();
  });

  /** Through the gateway as the operator (admin), unless other headers are given. */
  const via = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    send(gateway.url, method, path, body, headers ?? admin);

  it('answers GET / itself and serves none of the services’ routes of its own', async () => {
    expect(await via('GET', '/')).toEqual({ status: 200, body: { message: 'API Gateway is running' } });
    // What no service serves is the gateway's own 404.
    const none = await via('GET', '/api/v1/nothing');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });

  it(
    'serves a whole paid booking — hotel, search, book and pay, read, cancel — through the gateway URL alone',
    { timeout: 120_000 },
    async () => {
      const venueId = `gw-${Date.now().toString(36)}`;
      const venue = await via('POST', '/api/v1/venues', {
        id: venueId,
        organization_id: 'o',
        type: 'hotel',
        name: 'Gate Lodge',
        currency: 'GBP',
      });
      expect(venue.status, JSON.stringify(venue.body)).toBe(201);
      expect(venue.body).toMatchObject({ id: venueId, type: 'hotel', name: 'Gate Lodge' });
      const roomTypeId = `${venueId}-STD`;
      const roomType = await via('POST', `/api/v1/venues/${venueId}/room-types`, {
        id: roomTypeId,
        name: 'Standard',
        capacity_adults: 2,
        price: 10_000,
        total_quantity: 3,
      });
      expect(roomType.status, JSON.stringify(roomType.body)).toBe(201);
      expect(roomType.body).toMatchObject({ id: roomTypeId, price: 10_000, total_quantity: 3 });

      const search = await via('GET', `/api/v1/availability/lodging?venue_id=${venueId}&check_in=2031-04-01&check_out=2031-04-03`);
      expect(search.status, JSON.stringify(search.body)).toBe(200);
      expect(search.body).toMatchObject({
        check_in: '2031-04-01',
        check_out: '2031-04-03',
        nights: 2,
        results: [{ venue_id: venueId, room_type_id: roomTypeId, available: 3, total_price: 20_000 }],
      });

      const hotel = { venueId, roomTypeId };
      // The guest has no account: an anonymous create through the gateway.
      const headers = { 'idempotency-key': `gw-paid-${venueId}` };
      const created = await via('POST', '/api/v1/bookings', stay(hotel, 1, 2, '2031-04-01', APPROVED), headers);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ status: 'CONFIRMED', venue_id: venueId, room_type_id: roomTypeId, amount_captured: 20_000 });
      const id = created.body.id as string;
      const guest = { authorization: `Bearer ${created.body.guest_token as string}` };
      // The same request and key again: the stored answer, replayed through whichever replica takes it.
      expect(await via('POST', '/api/v1/bookings', stay(hotel, 1, 2, '2031-04-01', APPROVED), headers)).toEqual(created);
      // Without the guest token, the booking is not the anonymous caller's to read.
      expect((await via('GET', `/api/v1/bookings/${id}`, undefined, {})).status).toBe(401);

      const read = await via('GET', `/api/v1/bookings/${id}`, undefined, guest);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id, status: 'CONFIRMED', amount_captured: 20_000, version: created.body.version });

      const intents = await via('GET', `/api/v1/payments/intents?booking_id=${id}`);
      expect(intents.status, JSON.stringify(intents.body)).toBe(200);
      expect(intents.body).toMatchObject({ intents: [{ booking_id: id, amount_received: 20_000 }] });

      const nightsHeld = await world.query<{ night: string; reserved: number }>(
        `select night::text, reserved from inventory.room_night where room_type_id = $1 and reserved > 0 order by night`,
        [roomTypeId],
      );
      expect(nightsHeld).toEqual([
        { night: '2031-04-01', reserved: 1 },
        { night: '2031-04-02', reserved: 1 },
      ]);

      // The guest's payments are not theirs to administer.
      expect((await via('GET', `/api/v1/payments/intents?booking_id=${id}`, undefined, guest)).status).toBe(403);
      const cancelled = await via('POST', `/api/v1/bookings/${id}/cancel`, { cancelled_by: 'g1', reason: 'plans changed' }, guest);
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body).toMatchObject({ id, status: 'CANCELLED' });

      const rows = await world.query<{ status: string; captured: number; refunded: number; cancelled_by: string }>(
        `select status, amount_captured::int as captured, amount_refunded::int as refunded, cancelled_by from booking.booking where id = $1`,
        [id],
      );
      expect(rows).toEqual([
        {
          status: 'CANCELLED',
          captured: 20_000,
          refunded: (cancelled.body as { amount_refunded: number }).amount_refunded,
          cancelled_by: 'g1',
        },
      ]);
      const released = await world.query<{ night: string; reserved: number }>(
        `select night::text, reserved from inventory.room_night where room_type_id = $1 and night in ('2031-04-01', '2031-04-02') order by night`,
        [roomTypeId],
      );
      expect(released).toEqual([
        { night: '2031-04-01', reserved: 0 },
        { night: '2031-04-02', reserved: 0 },
      ]);
      await expectConsistent(world);
    },
  );

  it('each service refuses a call that carries no token; a service token opens it', { timeout: 60_000 }, async () => {
    for (const [proc, method, path] of [
      [bookingA, 'POST', '/api/v1/bookings'],
      [bookingA, 'GET', '/api/v1/bookings/00000000-0000-0000-0000-000000000000'],
      [inventory, 'POST', '/api/v1/holds/lodging'],
      [inventory, 'GET', '/api/v1/holds/00000000-0000-0000-0000-000000000000'],
      [pricing, 'POST', '/api/v1/pricing/quote'],
      [payment, 'POST', '/api/v1/payments/intents'],
    ] as const) {
      const refused = await send(proc.url, method, path, method === 'POST' ? {} : undefined);
      expect(refused.status, `${method} ${path}`).toBe(401);
      expect(refused.body, `${method} ${path}`).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
    const minted = await runCli(['token', '--role', 'service', '--ttl', '10m'], { DATABASE_URL: world.url }, 60_000);
    const service = { authorization: `Bearer ${minted.stdout.trim()}` };
    const missing = await send(inventory.url, 'GET', '/api/v1/holds/00000000-0000-0000-0000-000000000000', undefined, service);
    expect(missing.status).toBe(404);
  });

  it('balances booking calls over both booking replicas named in BOOKING_URL', { timeout: 60_000 }, async () => {
    const [beforeA, beforeB] = [proxyA.log.length, proxyB.log.length];
    for (let i = 0; i < 10; i++) {
      const missing = await via('GET', `/api/v1/bookings/00000000-0000-0000-0000-00000000000${i}`);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ error: { code: 'BOOKING_NOT_FOUND' } });
    }
    const seenA = proxyA.log.slice(beforeA);
    const seenB = proxyB.log.slice(beforeB);
    expect(seenA.length + seenB.length).toBe(10);
    expect(seenA.length, 'replica A took some').toBeGreaterThan(0);
    expect(seenB.length, 'replica B took some').toBeGreaterThan(0);
    for (const line of [...seenA, ...seenB]) expect(line).toMatch(/^GET \/api\/v1\/bookings\/0{8}-0{4}-0{4}-0{4}-0{11}\d → forwarded$/);
  });

  it('answers 504 UPSTREAM_TIMEOUT when a service does not answer within GATEWAY_UPSTREAM_TIMEOUT_MS', { timeout: 120_000 }, async () => {
    const sockets = new Set<net.Socket>();
    const hanging = http.createServer(() => undefined);
    hanging.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as net.AddressInfo).port}`;
    try {
      const impatient = await world.start(['--services', 'gateway'], {
        INVENTORY_URL: inventory.url,
        PRICING_URL: hangingUrl,
        PAYMENT_URL: payment.url,
        BOOKING_URL: bookingA.url,
        GATEWAY_UPSTREAM_TIMEOUT_MS: '700',
        ...AUTH_ON,
      });
      const started = Date.now();
      const slow = await send(impatient.url, 'GET', '/api/v1/pricing/rate-plans?venue_id=x');
      expect(slow).toEqual({
        status: 504,
        body: {
          error: {
            code: 'UPSTREAM_TIMEOUT',
            message: 'The pricing service did not answer within 700 ms.',
            details: { service: 'pricing', timeout_ms: 700 },
          },
        },
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      // The other services still answer through it.
      const missing = await send(impatient.url, 'GET', '/api/v1/venues/no-such-venue');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual((await send(inventory.url, 'GET', '/api/v1/venues/no-such-venue')).body);
      expect((await impatient.stop()).code).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it('answers 503 SERVICE_UNAVAILABLE naming the service once its process is stopped', { timeout: 60_000 }, async () => {
    const before = await via('GET', '/api/v1/payments/intents/pi_missing');
    expect(before.status).toBeGreaterThanOrEqual(400);
    expect(before.status).toBeLessThan(500);
    expect(before).toEqual(await send(payment.url, 'GET', '/api/v1/payments/intents/pi_missing', undefined, admin));
    expect((await payment.stop()).code).toBe(0);
    for (const [method, path, body] of [
      ['GET', '/api/v1/payments/intents/pi_missing', undefined],
      ['POST', '/api/v1/payments/intents', { amount: 100, currency: 'GBP' }],
    ] as const) {
      const down = await via(method, path, body);
      expect(down, `${method} ${path}`).toEqual({
        status: 503,
        body: {
          error: {
            code: 'SERVICE_UNAVAILABLE',
            message: 'The payment service is unavailable (ECONNREFUSED).',
            details: { service: 'payment' },
          },
        },
      });
    }
    // The gateway itself and the other services keep answering.
    expect(await via('GET', '/')).toEqual({ status: 200, body: { message: 'API Gateway is running' } });
    expect((await via('GET', '/api/v1/venues/no-such-venue')).status).toBe(404);
    const missing = await via('GET', '/api/v1/bookings/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'BOOKING_NOT_FOUND' } });
  });
});

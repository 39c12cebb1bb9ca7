/**
 * The gateway over real HTTP, on every back end:
 * - the all-in-one process (every service plus the gateway): `GET /`, and seed 001's `/booking/{path}`
 *   forwarded to `/bookings/{path}` — every answer compared with the same call made directly;
 * - a gateway-only app in this test process (as `--services gateway` builds it) in front of the
 *   all-in-one one: `/inventory/*` and the `/api/v1` prefixes forwarded, query strings, 404s and 422s
 *   passed through, the headers the gateway adds (seen by a server that echoes what it receives), and
 *   503/504 in the platform's error body when a service is down or hangs.
 */
import http from 'node:http';
import type net from 'node:net';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/platform/dates.js';
import { buildApp, type App, type ServiceDeps } from '../../../src/platform/http/app.js';
import { createGatewayService, type GatewayOptions } from '../../../src/services/gateway/gateway.service-module.js';
import { expectReconciled } from '../../helpers/booking-fixtures.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

type Json = Record<string, unknown>;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Status and body, what two answers must agree on. */
const seen = (a: Answer) => ({ status: a.status, body: a.body });

/** A booking answer with what differs between two bookings made alike (their id and creation instant) set aside. */
const alike = (a: Answer) => {
  const { booking_id: _id, created_at: _at, ...rest } = a.body as Json;
  return { status: a.status, body: rest };
};

/** A real HTTP server answering every request with what it received (method, url, headers, body). */
async function echoServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      res
        .writeHead(207, { 'content-type': 'application/json', 'x-echo': 'yes' })
        .end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(() => undefined);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A URL nothing listens on (a server opened and closed). */
async function deadUrl(): Promise<string> {
  const s = await silentServer();
  await s.close();
  return s.url;
}

/** A gateway-only app (what `innkeeper start --services gateway` registers), listening on a free port. */
async function gatewayApp(deps: ServiceDeps, options: Omit<GatewayOptions, 'localServices'>): Promise<{ app: App; url: string }> {
  const app = await buildApp({
    services: [createGatewayService({ localServices: ['gateway'], ...options })],
    deps,
    logger: pino({ level: 'silent' }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as net.AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

let ctx: TestContext;
let url: string;
let hotelId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  url = await ctx.listen();
  hotelId = 900 + Math.floor(Math.random() * 90);
  const venue = await call(url, 'POST', '/api/v1/venues', {
    id: String(hotelId),
    organization_id: 'org',
    type: 'hotel',
    name: 'The Gate House',
    location: 'Brighton',
    currency: 'GBP',
  });
  expect(venue.status).toBe(201);
  const roomType = await call(url, 'POST', `/api/v1/venues/${hotelId}/room-types`, {
    id: `${hotelId}-DELUXE`,
    name: 'Deluxe Rooms',
    capacity_adults: 3,
    price: 15_600,
    total_quantity: 10,
  });
  expect(roomType.status).toBe(201);
});
afterAll(async () => ctx?.close());

/** A seed-001 create body (CONTRACTS.md: `POST /bookings/`). */
const stay = (over: Json = {}) => ({
  guest_name: 'Ada Lovelace',
  hotel_id: hotelId,
  arrival_date: '2026-02-01',
  stay_length: 3,
  room_type: 'Deluxe Rooms',
  adults: 2,
  children: 1,
  is_holiday: false,
  meal_plan: 'BB',
  market_segment: 'Online',
  booking_channel: 'Direct',
  ...over,
});

async function reserved(): Promise<Record<string, number>> {
  const { rows } = await sql<{ night: string; reserved: number }>`
    select night, reserved from inventory.room_night where room_type_id = ${`${hotelId}-DELUXE`} and reserved > 0 order by night`.execute(
    ctx.database.db,
  );
  return Object.fromEntries(rows.map((r) => [r.night, r.reserved]));
}

async function bookingRow(shortId: string) {
  const { rows } = await sql<{ status: string; check_in: string; nights: number; adults: number; source: string }>`
    select status, check_in, nights, adults, source from booking.booking where short_id = ${shortId}`.execute(ctx.database.db);
  return rows;
}

describe('GET / (seed 001)', () => {
  it('answers the gateway JSON to any client, browsers included for now', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { accept: 'application/json' },
      { accept: '*/*' },
      { accept: 'text/html,application/xhtml+xml' },
    ]) {
      const res = await call(url, 'GET', '/', undefined, headers);
      expect(seen(res), JSON.stringify(headers)).toEqual({ status: 200, body: { message: 'API Gateway is running' } });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });
});

describe('/booking/{path} → /bookings/{path} (seed 001), in the all-in-one process', () => {
  it('creates through /booking/ exactly as /bookings/ does, taking the nights', async () => {
    const via = await call(url, 'POST', '/booking/', stay());
    const direct = await call(url, 'POST', '/bookings/', stay());
    expect(via.status).toBe(200);
    expect(alike(via)).toEqual(alike(direct));
    const created = via.body as Json;
    expect(created).toMatchObject({
      guest_name: '[REDACTED]',
      hotel_name: 'The Gate House',
      arrival_date: '2026-02-01',
      check_out_date: '2026-02-04',
      total_price: 468,
      reservation_status: 'confirmed',
    });
    expect(created.booking_id).toMatch(/^[A-Z0-9]{7}$/);
    expect(await bookingRow(created.booking_id as string)).toEqual([
      { status: 'CONFIRMED', check_in: '2026-02-01', nights: 3, adults: 2, source: 'seed-001' },
    ]);
    expect(await reserved()).toEqual({ '2026-02-01': 2, '2026-02-02': 2, '2026-02-03': 2 });
  });

  it('reads, changes and cancels through /booking/{id} with the same status and body as /bookings/{id}', async () => {
    const a = (await call(url, 'POST', '/booking/', stay({ arrival_date: '2026-03-01', stay_length: 2 }))).body as Json;
    const b = (await call(url, 'POST', '/bookings/', stay({ arrival_date: '2026-03-01', stay_length: 2 }))).body as Json;
    const [ida, idb] = [a.booking_id as string, b.booking_id as string];

    const readVia = await call(url, 'GET', `/booking/${ida}`);
    expect(readVia.status).toBe(200);
    expect(seen(readVia)).toEqual(seen(await call(url, 'GET', `/bookings/${ida}`)));

    const change = { arrival_date: '2026-03-05', stay_length: 1, adults: 1 };
    const movedVia = await call(url, 'PATCH', `/booking/${ida}`, change);
    const movedDirect = await call(url, 'PATCH', `/bookings/${idb}`, change);
    expect(movedVia.status).toBe(200);
    expect(movedVia.body).toMatchObject({
      booking_id: ida,
      arrival_date: '2026-03-05',
      check_out_date: '2026-03-06',
      adults: 1,
      total_price: 156,
    });
    expect(alike(movedVia)).toEqual(alike(movedDirect));
    expect(seen(await call(url, 'GET', `/bookings/${ida}`))).toEqual({ status: 200, body: movedVia.body });
    expect(await bookingRow(ida)).toEqual([{ status: 'CONFIRMED', check_in: '2026-03-05', nights: 1, adults: 1, source: 'seed-001' }]);

    const unknownVia = await call(url, 'PATCH', `/booking/${ida}`, { colour: 'blue' });
    expect(unknownVia.status).toBe(422);
    expect(seen(unknownVia)).toEqual(seen(await call(url, 'PATCH', `/bookings/${ida}`, { colour: 'blue' })));

    const cancelVia = await call(url, 'DELETE', `/booking/${ida}`);
    const cancelDirect = await call(url, 'DELETE', `/bookings/${idb}`);
    expect(cancelVia.status).toBe(200);
    expect(cancelVia.body).toMatchObject({ booking_id: ida, reservation_status: 'cancelled' });
    expect(alike(cancelVia)).toEqual(alike(cancelDirect));
    expect(await bookingRow(ida)).toEqual([{ status: 'CANCELLED', check_in: '2026-03-05', nights: 1, adults: 1, source: 'seed-001' }]);
    expect((await reserved())['2026-03-05']).toBeUndefined();

    const againVia = await call(url, 'DELETE', `/booking/${ida}`);
    expect(seen(againVia)).toEqual({ status: 400, body: { detail: 'Booking is already cancelled' } });
    expect(seen(await call(url, 'DELETE', `/bookings/${ida}`))).toEqual(seen(againVia));
    await expectReconciled(ctx);
  });

  it('passes the query string, a 404 and a 422 through unchanged', async () => {
    const page = await call(url, 'GET', '/booking/?skip=0&limit=1');
    expect(page.status).toBe(200);
    expect((page.body as unknown[]).length).toBe(1);
    expect(seen(page)).toEqual(seen(await call(url, 'GET', '/bookings/?skip=0&limit=1')));
    expect(seen(await call(url, 'GET', '/booking/?skip=1&limit=2'))).toEqual(seen(await call(url, 'GET', '/bookings/?skip=1&limit=2')));

    const missing = await call(url, 'GET', '/booking/ZZZZZZZ');
    expect(seen(missing)).toEqual({ status: 404, body: { detail: 'Booking not found' } });

    const before = await reserved();
    for (const bad of [stay({ stay_length: 0 }), { guest_name: 'x' }, '{not json']) {
      const via = await call(url, 'POST', '/booking/', bad);
      expect(via.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(seen(via)).toEqual(seen(await call(url, 'POST', '/bookings/', bad)));
    }
    const invalid = await call(url, 'POST', '/booking/', { guest_name: 'x' });
    expect(invalid.status).toBe(422);
    expect((invalid.body as { detail: unknown[] }).detail.length).toBeGreaterThan(0);
    expect(await reserved()).toEqual(before);
  });

  it('echoes the caller’s x-request-id', async () => {
    const res = await call(url, 'GET', '/booking/ZZZZZZZ', undefined, { 'x-request-id': 'gw-trace-1' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('gw-trace-1');
  });
});

describe('a gateway-only process in front of the services', () => {
  let gw: { app: App; url: string };
  let echo: { url: string; close: () => Promise<void> };
  const calls: (string | undefined)[] = [];
  beforeAll(async () => {
    echo = await echoServer();
    gw = await gatewayApp(
      {
        ...ctx.deps,
        gatewayAuthorization: async (caller) => {
          calls.push(caller);
          return caller ?? 'Bearer anonymous-through-gateway';
        },
      },
      { upstreams: { booking: [url], inventory: [url], pricing: [url], payment: [echo.url] }, upstreamTimeoutMs: 10_000 },
    );
  });
  afterAll(async () => {
    await gw?.app.close();
    await echo?.close();
  });

  it('forwards /inventory/{hotel_id}/adjust with its body and status, and the rooms move', async () => {
    const date = addDays('2026-01-15', 100);
    const available = async () => {
      const { rows } = await sql<{ free: number }>`
        select capacity - reserved as free from inventory.room_night where room_type_id = ${`${hotelId}-DELUXE`} and night = ${date}`.execute(
        ctx.database.db,
      );
      // A night nobody touched yet has no row: every room is free.
      return rows[0]?.free ?? 10;
    };
    const before = await available();
    const took = await call(gw.url, 'POST', `/inventory/${hotelId}/adjust`, { room_type: 'Deluxe Rooms', date, num_rooms: 2 });
    expect(seen(took)).toEqual({ status: 200, body: { success: true, message: 'Inventory adjusted.' } });
    expect(await available()).toBe(before - 2);
    const back = await call(gw.url, 'POST', `/inventory/${hotelId}/adjust`, { room_type: 'Deluxe Rooms', date, num_rooms: -2 });
    expect(seen(back)).toEqual({ status: 200, body: { success: true, message: 'Inventory adjusted.' } });
    expect(await available()).toBe(before);

    const refused = await call(gw.url, 'POST', `/inventory/${hotelId}/adjust`, { room_type: 'Broom Cupboard', date });
    expect(seen(refused)).toEqual({ status: 400, body: { detail: 'Not enough available rooms or invalid request.' } });
    const invalid = await call(gw.url, 'POST', `/inventory/${hotelId}/adjust`, { room_type: 'Suites', date: 'soon' });
    expect(invalid.status).toBe(422);
    expect(seen(invalid)).toEqual(seen(await call(url, 'POST', `/inventory/${hotelId}/adjust`, { room_type: 'Suites', date: 'soon' })));
    expect(await available()).toBe(before);
  });

  it('forwards every service’s paths with the query string, and passes 404s through', async () => {
    for (const path of [
      `/inventory/${hotelId}?start_date=2026-02-01&end_date=2026-02-02`,
      `/inventory/hotel_name/${hotelId}`,
      `/api/v1/venues/${hotelId}`,
      `/api/v1/room-types/${hotelId}-DELUXE`,
      '/rooms',
      '/api/inventory',
      '/bookings/?skip=0&limit=3',
      `/api/v1/bookings/venue/${hotelId}?limit=2&offset=1`,
      '/booking/?skip=0&limit=2',
    ]) {
      const direct = await call(url, 'GET', path.replace(/^\/booking\//, '/bookings/'));
      expect(direct.status, path).toBe(200);
      expect(seen(await call(gw.url, 'GET', path)), path).toEqual(seen(direct));
    }
    for (const path of [
      '/api/v1/venues/nope',
      '/api/v1/bookings/00000000-0000-0000-0000-000000000000',
      '/inventory/hotel_name/4242',
      '/booking/ZZZZZZZ',
    ]) {
      const direct = await call(url, 'GET', path.replace(/^\/booking\//, '/bookings/'));
      expect(direct.status, path).toBe(404);
      expect(seen(await call(gw.url, 'GET', path)), path).toEqual(seen(direct));
    }
    // What is not a forwarded path is the gateway's own 404.
    expect(seen(await call(gw.url, 'GET', '/api/v1/nothing-here'))).toMatchObject({
      status: 404,
      body: { error: { code: 'ROUTE_NOT_FOUND' } },
    });
  });

  it('sends the service the caller’s headers, the forwarding headers and the authorization the hook decides', async () => {
    calls.length = 0;
    const anonymous = await call(
      gw.url,
      'PUT',
      '/api/v1/payments/p1/things?a=1&b=two',
      { amount: 5 },
      {
        'x-request-id': 'gw-req-7',
        'x-api-key': 'key-123',
        'x-forwarded-for': '203.0.113.9',
      },
    );
    expect(anonymous.status).toBe(207);
    expect(anonymous.headers.get('x-echo')).toBe('yes');
    expect(anonymous.headers.get('x-request-id')).toBe('gw-req-7');
    const got = anonymous.body as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/api/v1/payments/p1/things?a=1&b=two');
    expect(JSON.parse(got.body)).toEqual({ amount: 5 });
    expect(got.headers).toMatchObject({
      'x-request-id': 'gw-req-7',
      'x-api-key': 'key-123',
      'x-forwarded-for': '203.0.113.9, 127.0.0.1',
      'x-forwarded-host': new URL(gw.url).host,
      'x-forwarded-proto': 'http',
      authorization: 'Bearer anonymous-through-gateway',
      'content-type': 'application/json',
    });
    expect(calls).toEqual([undefined]);

    const signed = await call(gw.url, 'DELETE', '/api/v1/payments/p1', undefined, { authorization: 'Bearer caller-token' });
    expect(signed.status).toBe(207);
    const echoed = signed.body as { method: string; headers: Record<string, string>; body: string };
    expect({ method: echoed.method, authorization: echoed.headers.authorization, body: echoed.body }).toEqual({
      method: 'DELETE',
      authorization: 'Bearer caller-token',
      body: '',
    });
    expect(echoed.headers['x-request-id']).toBe(signed.headers.get('x-request-id'));
    expect(calls).toEqual([undefined, 'Bearer caller-token']);
  });

  it('keeps serving through the live replica when another refuses connections, whatever the method', async () => {
    const dead = await deadUrl();
    const pair = await gatewayApp(ctx.deps, { upstreams: { booking: [dead, url] }, upstreamTimeoutMs: 10_000 });
    try {
      for (let i = 0; i < 8; i++) {
        const missing = await call(pair.url, 'GET', '/booking/ZZZZZZZ');
        expect(seen(missing), `call ${i}`).toEqual({ status: 404, body: { detail: 'Booking not found' } });
      }
      const created = await call(pair.url, 'POST', '/booking/', stay({ arrival_date: '2026-04-01', stay_length: 1 }));
      expect(created.status).toBe(200);
      const id = (created.body as Json).booking_id as string;
      expect(await bookingRow(id)).toEqual([{ status: 'CONFIRMED', check_in: '2026-04-01', nights: 1, adults: 2, source: 'seed-001' }]);
      const cancelled = await call(pair.url, 'DELETE', `/booking/${id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ booking_id: id, reservation_status: 'cancelled' });
    } finally {
      await pair.app.close();
    }
  });

  it('answers 503 SERVICE_UNAVAILABLE for a service that is down and 504 UPSTREAM_TIMEOUT for one that hangs', async () => {
    const silent = await silentServer();
    const dead = await deadUrl();
    const faulty = await gatewayApp(ctx.deps, { upstreams: { booking: [dead], pricing: [silent.url] }, upstreamTimeoutMs: 300 });
    try {
      for (const [method, path] of [
        ['GET', '/booking/ABC1234'],
        ['POST', '/api/v1/bookings'],
        ['DELETE', '/bookings/ABC1234'],
      ] as const) {
        const down = await call(faulty.url, method, path, method === 'POST' ? { x: 1 } : undefined);
        expect(seen(down), `${method} ${path}`).toEqual({
          status: 503,
          body: {
            error: {
              code: 'SERVICE_UNAVAILABLE',
              message: 'The booking service is unavailable (ECONNREFUSED).',
              details: { service: 'booking' },
            },
          },
        });
      }
      const started = Date.now();
      const slow = await call(faulty.url, 'POST', '/api/v1/pricing/quotes', { x: 1 });
      expect(seen(slow)).toEqual({
        status: 504,
        body: {
          error: {
            code: 'UPSTREAM_TIMEOUT',
            message: 'The pricing service did not answer within 300 ms.',
            details: { service: 'pricing', timeout_ms: 300 },
          },
        },
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      // A service without a URL: its paths say which variable is missing.
      expect(seen(await call(faulty.url, 'GET', '/api/v1/venues'))).toEqual({
        status: 503,
        body: {
          error: {
            code: 'SERVICE_UNAVAILABLE',
            message: 'The inventory service is not reachable from this gateway (INVENTORY_URL is not set).',
            details: { service: 'inventory' },
          },
        },
      });
    } finally {
      await faulty.app.close();
      await silent.close();
    }
  });
});

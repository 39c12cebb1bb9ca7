/**
 * What the test context promises every test file (test/helpers/context.ts): a test that moves the
 * clock and then fails does not leak the moved clock into the next test, and a service client's
 * retry pauses through the injected sleep (recorded, never slept on a real timer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, retryPauses, type TestContext } from '../../helpers/context.js';
import { guest, makeHotel } from '../../helpers/booking-fixtures.js';

const START = '2026-01-15T12:00:00.000Z';

describe('the clock of a test context', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ services: ['inventory'] });
  });
  afterAll(async () => ctx.close());

  it.fails('a test that moves the clock and then fails (expected to fail)', () => {
    ctx.clock.advance(3 * 3_600_000);
    expect(ctx.clock.now().toISOString()).toBe(START);
  });

  it('…leaves the next test the clock it found', () => {
    expect(ctx.clock.now().toISOString()).toBe(START);
  });

  it('a move made by a test is undone after it, whatever the test did', () => {
    ctx.clock.set('2027-06-01T00:00:00Z');
    expect(ctx.clock.now().toISOString()).toBe('2027-06-01T00:00:00.000Z');
  });

  it('…so every test starts where the file set it up', () => {
    expect(ctx.clock.now().toISOString()).toBe(START);
  });
});

describe('service client retries in tests', () => {
  let ctx: TestContext;
  let inventoryUrl: string;
  /** How many of the next lodging-hold requests the proxy answers 503 instead of passing on. */
  let failNext = 0;
  const seen: { status: number; key: string | undefined }[] = [];
  /** Stands between booking and inventory: fails what it is told to, passes on the rest. */
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const key = req.headers['idempotency-key'] as string | undefined;
        if (req.method === 'POST' && req.url === '/api/v1/holds/lodging' && failNext > 0) {
          failNext--;
          seen.push({ status: 503, key });
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try again', details: null } }));
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(`${inventoryUrl}${req.url ?? ''}`, { method: req.method ?? 'GET', headers, body });
        if (req.url === '/api/v1/holds/lodging') seen.push({ status: answer.status, key });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      })();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    ctx = await createTestContext({ serviceUrls: { inventory: proxyUrl } });
    inventoryUrl = await ctx.listen();
  });
  afterAll(async () => {
    await ctx.close();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it('a hold answered 503 twice is retried after the backoff delays (50 ms, 100 ms) without waiting on a timer', async () => {
    const hotel = await makeHotel(ctx, { rooms: 2 });
    retryPauses.length = 0;
    seen.length = 0;
    failNext = 2;
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        payload: {
          ...guest(1),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: '2026-02-01',
          nights: 1,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      // The same request (same key) three times: refused twice, then taken.
      expect(seen.map((s) => s.status)).toEqual([503, 503, 201]);
      expect(new Set(seen.map((s) => s.key)).size).toBe(1);
      // The client paused through the injected sleep with its backoff delays…
      expect(retryPauses).toEqual([50, 100]);
      // …and no timer of those lengths was ever set: no real time was waited.
      expect(timers.mock.calls.filter(([, ms]) => ms === 50 || ms === 100)).toEqual([]);
    } finally {
      timers.mockRestore();
    }
  });
});

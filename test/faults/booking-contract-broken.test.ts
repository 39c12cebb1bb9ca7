/**
 * The booking service in one app; inventory, pricing and payment in another, reached through a proxy
 * that can rewrite one call's reply so that it breaks the callee's contract — after the callee acted
 * on the request. The booking saga must treat such a reply as it treats a service that did not answer:
 * a 503 that names the service, the call and the field, and a compensation that leaves no active hold,
 * no CONFIRMED booking and no captured payment (ADR 0005).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/platform/http/app.js';
import { Scheduler } from '../../src/platform/jobs/scheduler.js';
import { generatedRing } from '../../src/platform/pii/pii-keys.js';
import { PiiVault } from '../../src/platform/pii/pii-vault.js';
import { loggerOptions } from '../../src/platform/observability/logger.js';
import { serviceModules } from '../../src/services/index.js';
import { expectReconciled, guest, makeHotel } from '../helpers/booking-fixtures.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

type Json = Record<string, unknown>;

/** The reply to rewrite: the first call whose method and path match, and how its JSON body is changed. */
interface Corruption {
  readonly method: string;
  readonly path: RegExp;
  readonly change: (body: Json) => Json;
}

let others: TestContext;
let booking: App;
let scheduler: Scheduler;
let proxy: http.Server;
let proxyUrl: string;
let corruption: Corruption | undefined;
/** Calls whose reply the proxy rewrote (each was carried out by the service first). */
let rewritten: string[] = [];

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
        let body = await upstream.text();
        const path = (req.url ?? '/').split('?')[0]!;
        if (corruption !== undefined && upstream.ok && req.method === corruption.method && corruption.path.test(path)) {
          body = JSON.stringify(corruption.change(JSON.parse(body) as Json));
          rewritten.push(`${req.method} ${path}`);
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
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
afterEach(() => {
  corruption = undefined;
  rewritten = [];
  others.clock.set('2026-01-15T12:00:00Z');
});
afterAll(async () => {
  await booking.close();
  await new Promise((r) => proxy.close(r));
  await others.close();
});

const card = { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' };

async function book(hotel: { venueId: string; roomTypeId: string }, n: number, extra: Json = {}) {
  return booking.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    payload: {
      ...guest(n),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-03-01',
      nights: 2,
      party_size: 1,
      room_type_id: hotel.roomTypeId,
      ...extra,
    },
  });
}

async function bookingsAt(venueId: string) {
  const { rows } = await sql<{ id: string; status: string; inventory_reservation_id: string | null; cancellation_reason: string | null }>`
    select id, status, inventory_reservation_id, cancellation_reason from booking.booking where venue_id = ${venueId}`.execute(
    others.database.db,
  );
  return rows;
}

async function holdsOf(roomTypeId: string) {
  const { rows } = await sql<{ id: string; status: string }>`
    select distinct h.id, h.status from inventory.hold h join inventory.hold_night n on n.hold_id = h.id
    where n.room_type_id = ${roomTypeId}`.execute(others.database.db);
  return rows;
}

async function intentCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment.payment_intent`.execute(others.database.db);
  return rows[0]!.n;
}

async function get(url: string): Promise<Json> {
  const res = await others.app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Json>();
}

describe('a reply that breaks the contract mid-saga', () => {
  it('payment authorizes but answers outside its contract: 503 naming the call and field; the authorization is voided, the hold released, the booking cancelled', async () => {
    const hotel = await makeHotel(others, { rooms: 1, price: 20_000 });
    corruption = {
      method: 'POST',
      path: /^\/api\/v1\/payments\/intents\/pi_[A-Za-z0-9]+\/authorize$/,
      change: ({ status: _status, ...rest }) => ({ ...rest, amount_capturable: 'all of it' }),
    };
    const res = await book(hotel, 1, { payment_method: card });

    expect(res.statusCode, res.body).toBe(503);
    const error = res.json<{ error: { code: string; message: string; details: Json } }>().error;
    expect(error.code).toBe('PAYMENT_SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(
      /the payment service answered POST \/api\/v1\/payments\/intents\/pi_\w+\/authorize with a reply that breaks its contract: /,
    );
    expect(error.message).toContain('/status is required');
    expect(error.message).toContain('/amount_capturable must be integer');
    expect(error.details).toMatchObject({
      contract_violation: { violations: expect.arrayContaining([{ path: '/status', message: 'is required' }]) },
    });
    expect(rewritten).toHaveLength(1);
    expect(res.body).not.toContain('4242');

    // The booking exists and says why it was cancelled; it was never confirmed.
    const [b, ...more] = await bookingsAt(hotel.venueId);
    expect(more).toEqual([]);
    expect(b!.status).toBe('CANCELLED');
    expect(b!.cancellation_reason).toContain('breaks its contract');
    const history = await sql<{ to_status: string }>`
      select to_status from booking.booking_status_history where booking_id = ${b!.id} order by id`.execute(others.database.db);
    expect(history.rows.map((h) => h.to_status)).not.toContain('CONFIRMED');

    // No active hold: the room is back on sale.
    expect(await holdsOf(hotel.roomTypeId)).toEqual([{ id: b!.inventory_reservation_id, status: 'RELEASED' }]);

    // Payment did authorize (the answer was only rewritten on the way back); the saga voided it: nothing captured.
    const { intents } = (await get(`/api/v1/payments/intents?booking_id=${b!.id}`)) as { intents: Json[] };
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ status: 'canceled', amount_received: 0, amount_capturable: 0 });
    const ledger = await get(`/api/v1/payments/intents/${intents[0]!.id as string}/ledger`);
    expect((ledger.entries as Json[]).map((e) => e.kind)).toEqual(['authorization', 'authorization_release']);
    expect(ledger.totals).toMatchObject({ captured: 0, net: 0 });

    const saga = await sql<{ status: string }>`select status from booking.saga where booking_id = ${b!.id}`.execute(others.database.db);
    expect(saga.rows).toEqual([{ status: 'compensated' }]);
    await expectReconciled(others);

    // With the contract kept again, the next guest books the same room and pays.
    corruption = undefined;
    const next = await book(hotel, 2, { payment_method: card });
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json<Json>()).toMatchObject({ status: 'CONFIRMED', amount_captured: 40_000 });
    await expectReconciled(others);
  });

  it('inventory holds but answers outside its contract: 503 naming the field, no booking; the recovery job finds the hold by its key and releases it', async () => {
    const hotel = await makeHotel(others, { rooms: 1 });
    corruption = { method: 'POST', path: /^\/api\/v1\/holds\/lodging$/, change: (hold) => ({ ...hold, expires_at: 1_768_480_800 }) };
    const res = await book(hotel, 3);

    expect(res.statusCode, res.body).toBe(503);
    const error = res.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('INVENTORY_SERVICE_UNAVAILABLE');
    expect(error.message).toContain(
      'the inventory service answered POST /api/v1/holds/lodging with a reply that breaks its contract: /expires_at must be string',
    );
    expect(await bookingsAt(hotel.venueId)).toEqual([]);
    const held = await holdsOf(hotel.roomTypeId);
    expect(
      held.map((h) => h.status),
      'inventory did make the hold',
    ).toEqual(['HELD']);

    // As after any unanswered hold request: recovery replays it under the same key and gives the hold back.
    corruption = undefined;
    others.clock.advance(61_000);
    const run = await scheduler.runNow('recover-sagas');
    expect(run.result).toEqual({ completed: 0, compensated: 1, pending: 0 });
    expect(await holdsOf(hotel.roomTypeId)).toEqual([{ id: held[0]!.id, status: 'RELEASED' }]);
    expect(await bookingsAt(hotel.venueId)).toEqual([]);
    await expectReconciled(others);
  });

  it('pricing redeems a promo code but answers outside its contract: 503 naming the field; the use is given back and the hold released', async () => {
    const hotel = await makeHotel(others, { rooms: 1, price: 10_000 });
    const code = `BROKEN${hotel.venueId.replace(/\D/g, '')}`;
    const created = await others.app.inject({
      method: 'POST',
      url: '/api/v1/pricing/promo-codes',
      payload: { code, kind: 'percent', discount_bps: 1000, max_uses: 1 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const intentsBefore = await intentCount();
    corruption = { method: 'POST', path: /\/promo-codes\/[^/]+\/redeem$/, change: (r) => ({ ...r, uses: String(r.uses) }) };
    const res = await book(hotel, 4, { promo_code: code, payment_method: card });

    expect(res.statusCode, res.body).toBe(503);
    const error = res.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toContain(
      `the pricing service answered POST /api/v1/pricing/promo-codes/${code}/redeem with a reply that breaks its contract: /uses must be integer`,
    );
    expect(rewritten).toEqual([`POST /api/v1/pricing/promo-codes/${code}/redeem`]);
    expect(await bookingsAt(hotel.venueId)).toEqual([]);
    expect((await holdsOf(hotel.roomTypeId)).map((h) => h.status)).toEqual(['RELEASED']);
    expect(await get(`/api/v1/pricing/promo-codes/${code}`)).toMatchObject({ uses: 0 });
    expect(await intentCount(), 'no payment was started').toBe(intentsBefore);
    await expectReconciled(others);
  });

  it('pricing quotes outside its contract: the booking is made at the default price, flagged, as when pricing is down', async () => {
    const hotel = await makeHotel(others, { rooms: 1, price: 15_000 });
    corruption = { method: 'POST', path: /^\/api\/v1\/pricing\/quote$/, change: (q) => ({ ...q, total: null }) };
    const res = await book(hotel, 5, { payment_method: card });

    expect(res.statusCode, res.body).toBe(201);
    expect(rewritten).toEqual(['POST /api/v1/pricing/quote']);
    const b = res.json<Json>();
    expect(b).toMatchObject({ status: 'CONFIRMED', total_price: 30_000, amount_captured: 30_000 });
    expect(b.metadata).toMatchObject({ pricing_source: 'default_price', pricing_fallback: true });
    await expectReconciled(others);
  });
});

/**
 * Every event the services write is described by its schema in docs/events. Real flows over HTTP — a
 * paid stay booked, changed and cancelled with a refund; a stay checked in and completed; a declined
 * card; an unpaid booking left to expire; holds that expire when the clock moves and the job runs; a
 * retail purchase crossing the stock threshold — then every row of the booking, payment and inventory
 * outboxes is read back as the envelope the relay publishes (`envelopeOf`) and validated with ajv
 * against `docs/events/<event_type>.v1.json`. Also: the expected event types all appeared, each
 * aggregate's sequence is 1..n without gaps, and `GET /api/v1/events/schemas` serves the same files to
 * the roles it names.
 */
import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/platform/events/envelope.js';
import { EVENT_SCHEMAS_DIR } from '../../../src/platform/events/event-schemas.js';
import { envelopeOf } from '../../../src/platform/events/outbox.js';
import type { Role } from '../../../src/platform/http/roles.js';
import { guest, makeHotel } from '../../helpers/booking-fixtures.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { jsonCall, type Json } from '../../helpers/http.js';
import { holdLodging, newRoomType } from '../../helpers/lodging-fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const VISA = { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' };
const DECLINED = { card_number: '4000 0000 0000 0002', exp_month: 12, exp_year: 2031, cvc: '123' };

interface Row {
  readonly schema: string;
  readonly event_type: string;
  readonly envelope: EventEnvelope;
}

let ctx: TestContext;
const call = jsonCall(() => ctx);
let rows: Row[] = [];
/** Ids the flows produced, to find their events. */
const ids: Record<string, string> = {};

function ok(res: { status: number; body: Json | undefined }, status: number): Json {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body!;
}

async function outbox(schema: 'booking' | 'payment' | 'inventory'): Promise<Row[]> {
  const { rows: stored } = await sql<{ event_type: string; aggregate_id: string; sequence: number; payload: unknown }>`
    select event_type, aggregate_id, sequence, payload from ${sql.table(`${schema}.outbox_event`)} order by seq`.execute(ctx.database.db);
  return stored.map((r) => ({ schema, event_type: r.event_type, envelope: envelopeOf(r) }));
}

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();

  // A paid stay: created and confirmed at once (card captured), changed to cost more (new payment,
  // the old one refunded), then cancelled (refunded).
  const hotel = await makeHotel(ctx, { rooms: 5, price: 10_000 });
  const stay = {
    ...guest(1),
    venue_id: hotel.venueId,
    venue_type: 'hotel',
    booking_date: '2026-04-01',
    nights: 2,
    party_size: 2,
    room_type_id: hotel.roomTypeId,
  };
  const paid = ok(await call('POST', '/api/v1/bookings', { ...stay, payment_method: VISA }), 201);
  expect(paid.status).toBe('CONFIRMED');
  ids.paid = paid.id as string;
  const changed = ok(await call('PUT', `/api/v1/bookings/${ids.paid}`, { nights: 3, payment_method: VISA }, { 'if-match': '"2"' }), 200);
  expect(changed.status).toBe('CONFIRMED');
  const cancelled = ok(
    await call('POST', `/api/v1/bookings/${ids.paid}/cancel`, { reason: 'plans changed', cancelled_by: 'guest-1' }),
    200,
  );
  expect(cancelled.status).toBe('CANCELLED');
  expect(cancelled.amount_refunded).toBeGreaterThan(0);

  // A stay that happens: checked in, then completed.
  const kept = ok(await call('POST', '/api/v1/bookings', { ...stay, ...guest(2), booking_date: '2026-05-01', payment_method: VISA }), 201);
  ids.kept = kept.id as string;
  ok(await call('POST', `/api/v1/bookings/${ids.kept}/status`, { status: 'CHECKED_IN', changed_by: 'front-desk' }), 200);
  ok(await call('POST', `/api/v1/bookings/${ids.kept}/status`, { status: 'COMPLETED', changed_by: 'front-desk' }), 200);

  // A declined card: the booking is refused.
  const declined = await call('POST', '/api/v1/bookings', { ...stay, ...guest(3), booking_date: '2026-06-01', payment_method: DECLINED });
  expect(declined.status, JSON.stringify(declined.body)).toBe(402);

  // An unpaid booking stays PENDING and expires when nobody confirms it.
  const pending = ok(await call('POST', '/api/v1/bookings', { ...stay, ...guest(4), booking_date: '2026-07-01' }), 201);
  expect(pending.status).toBe('PENDING');
  ids.pending = pending.id as string;
  ctx.clock.advanceMinutes(16);
  expect((await ctx.deps.scheduler.runNow('expire-pending-bookings')).result).toEqual({ expired: 1 });

  // A shop whose products start with the default low-stock threshold (5).
  ok(
    await call('POST', '/api/v1/venues', {
      id: 'evt-shop',
      organization_id: 'org-evt',
      type: 'retail',
      name: 'Event Shop',
      location: 'London',
      currency: 'GBP',
    }),
    201,
  );
  ok(await call('POST', '/api/v1/stock', { product_id: 'evt-mug', product_name: 'Mug', quantity: 20, venue_id: 'evt-shop' }), 201);
  ok(await call('POST', '/api/v1/stock', { product_id: 'evt-tea', product_name: 'Tea', quantity: 6, venue_id: 'evt-shop' }), 201);
  const jam = ok(
    await call('POST', '/api/v1/stock', {
      product_id: 'evt-jam',
      product_name: 'Jam',
      quantity: 30,
      venue_id: 'evt-shop',
      low_stock_threshold: 10,
    }),
    201,
  );
  expect(jam.low_stock_threshold).toBe(10);

  // Holds that expire: a retail one and a lodging one, past their TTL when the clock moves; the job expires them.
  const retailHold = ok(await call('POST', '/api/v1/holds/retail', { product_id: 'evt-mug', quantity: 2, ttl_seconds: 60 }), 201);
  ids.retailHold = retailHold.id as string;
  const roomType = await newRoomType(ctx, hotel.venueId);
  const lodging = await holdLodging(ctx, { room_type_id: roomType, check_in: '2026-08-01', check_out: '2026-08-03', ttl_seconds: 60 });
  expect(lodging.statusCode, lodging.body).toBe(201);
  ids.lodgingHold = lodging.json<Json>().id as string;
  ctx.clock.advanceMinutes(2);
  const sweep = await ctx.deps.scheduler.runNow('expire-holds');
  expect((sweep.result as { expired: number }).expired).toBeGreaterThanOrEqual(2);

  // A retail purchase that takes tea from 6 available to 4 (under 5): stock.low once; the next one
  // (4 → 3) stays under and writes nothing; a sale on the mug (18 → 16) stays above.
  const buy = ok(await call('POST', '/api/v1/holds/retail', { product_id: 'evt-tea', quantity: 2 }), 201);
  ok(await call('POST', `/api/v1/holds/${buy.id as string}/confirm`), 200);
  ok(await call('POST', '/api/v1/holds/retail', { product_id: 'evt-tea', quantity: 1 }), 201);
  ok(await call('PATCH', '/api/v1/stock/evt-mug/reduce', { quantity: 2 }), 200);
  // Jam, with its own threshold (10): a sale 30 → 10 stays at it, 10 → 9 crosses it.
  ok(await call('PATCH', '/api/v1/stock/evt-jam/reduce', { quantity: 20 }), 200);
  ok(await call('PATCH', '/api/v1/stock/evt-jam/reduce', { quantity: 1 }), 200);

  rows = [...(await outbox('booking')), ...(await outbox('payment')), ...(await outbox('inventory'))];
}, 120_000);
afterAll(async () => ctx?.close());

function schemaFiles(): Map<string, object> {
  const files = new Map<string, object>();
  for (const name of fs.readdirSync(EVENT_SCHEMAS_DIR)) {
    const m = /^(.+)\.v1\.json$/.exec(name);
    if (m) files.set(m[1]!, JSON.parse(fs.readFileSync(`${EVENT_SCHEMAS_DIR}${name}`, 'utf8')) as object);
  }
  return files;
}

const typesOf = (schema: string) => new Set(rows.filter((r) => r.schema === schema).map((r) => r.event_type));

describe('the events the flows wrote', () => {
  it('include every event type the flows make', () => {
    expect([...typesOf('booking')].sort()).toEqual([
      'booking.cancelled',
      'booking.checked_in',
      'booking.completed',
      'booking.confirmed',
      'booking.created',
      'booking.expired',
      'booking.status_changed',
      'booking.updated',
    ]);
    expect([...typesOf('payment')].sort()).toEqual([
      'payment.authorized',
      'payment.canceled',
      'payment.captured',
      'payment.failed',
      'payment.refunded',
    ]);
    expect([...typesOf('inventory')].sort()).toEqual(['hold.expired', 'stock.low']);
  });

  it('each have a schema file, and every envelope validates against its schema', () => {
    const files = schemaFiles();
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
    const validators = new Map([...files].map(([type, schema]) => [type, ajv.compile(schema)]));
    const missing = [...new Set(rows.map((r) => r.event_type))].filter((t) => !validators.has(t));
    expect(missing).toEqual([]);
    const invalid = rows.flatMap((r) => {
      const validate = validators.get(r.event_type)!;
      return validate(r.envelope) ? [] : [{ event_type: r.event_type, errors: validate.errors, envelope: r.envelope }];
    });
    expect(invalid).toEqual([]);
    // The check can fail: an envelope with its payload stripped of a field is refused.
    const created = rows.find((r) => r.event_type === 'booking.created')!.envelope;
    const { booking_id: _dropped, ...rest } = created.payload;
    expect(validators.get('booking.created')!({ ...created, payload: rest })).toBe(false);
    expect(validators.get('booking.created')!({ ...created, version: '2.0' })).toBe(false);
  });

  it('number each aggregate 1..n without gaps, in the order they were written', () => {
    const byAggregate = new Map<string, number[]>();
    for (const r of rows) {
      const key = `${r.schema}:${r.envelope.aggregate_id}`;
      byAggregate.set(key, [...(byAggregate.get(key) ?? []), r.envelope.sequence]);
    }
    expect(byAggregate.size).toBeGreaterThan(5);
    for (const [aggregate, sequences] of byAggregate) {
      expect({ aggregate, sequences }).toEqual({ aggregate, sequences: sequences.map((_, i) => i + 1) });
    }
  });

  it('say what happened: the paid stay, its refund, the decline, the expired holds and the low stock', () => {
    const of = (type: string) => rows.filter((r) => r.event_type === type).map((r) => r.envelope);
    const paidTypes = rows.filter((r) => r.envelope.aggregate_id === ids.paid).map((r) => r.event_type);
    expect(paidTypes).toEqual([
      'booking.created',
      'booking.status_changed',
      'booking.confirmed',
      'booking.updated',
      'booking.status_changed',
      'booking.cancelled',
    ]);
    // Both payments of the paid stay were refunded (the change refunded the first, the cancel the second).
    const refunds = of('payment.refunded').filter((e) => e.payload.booking_id === ids.paid);
    expect(refunds).toHaveLength(2);
    for (const e of refunds) expect(e).toMatchObject({ source: 'payment-service', payload: { status: 'succeeded' } });
    expect(of('payment.failed')).toHaveLength(1);
    expect(of('payment.failed')[0]!.payload).toMatchObject({ status: 'requires_payment_method', decline_code: expect.any(String) });

    const expired = new Map(of('hold.expired').map((e) => [e.aggregate_id, e.payload]));
    expect(expired.get(ids.retailHold!)).toMatchObject({
      kind: 'retail',
      venue_id: 'evt-shop',
      held: { product_id: 'evt-mug', quantity: 2 },
    });
    expect(expired.get(ids.lodgingHold!)).toMatchObject({ kind: 'lodging', held: { check_in: '2026-08-01', check_out: '2026-08-03' } });

    expect(of('stock.low').map((e) => [e.aggregate_id, e.payload])).toEqual([
      ['evt-tea', { product_id: 'evt-tea', venue_id: 'evt-shop', available: 4, threshold: 5 }],
      ['evt-jam', { product_id: 'evt-jam', venue_id: 'evt-shop', available: 9, threshold: 10 }],
    ]);
  });

  it('carry no guest name, email or phone', () => {
    const text = JSON.stringify(rows.map((r) => r.envelope));
    for (const n of [1, 2, 3, 4]) {
      const g = guest(n);
      for (const value of [g.guest_name, g.guest_email, g.guest_phone]) expect(text).not.toContain(value);
    }
  });
});

describe('GET /api/v1/events/schemas', () => {
  let authed: TestContext;
  beforeAll(async () => {
    authed = await createTestContext({ auth: true });
  });
  afterAll(async () => authed?.close());

  async function get(url: string, role?: Role) {
    const headers: Record<string, string> = {};
    if (role !== undefined)
      headers.authorization = `Bearer ${(await authed.tokens!.sign({ sub: `evt-${role}`, role, ...(role === 'business' ? { org: 'org-evt' } : {}) }, 600)).token}`;
    const res = await authed.app.inject({ method: 'GET', url, headers });
    return { status: res.statusCode, body: res.json<Json>() };
  }

  it('serves every schema file of docs/events, to admin, service and business callers', async () => {
    const files = schemaFiles();
    for (const role of ['admin', 'service', 'business'] as const) {
      const res = await get('/api/v1/events/schemas', role);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const served = res.body.schemas as { event_type: string; version: string; schema: object }[];
      expect(served.map((s) => s.event_type).sort()).toEqual([...files.keys()].sort());
      for (const s of served) {
        expect(s.version).toBe('v1');
        expect(s.schema).toEqual(files.get(s.event_type));
      }
    }
  });

  it('serves one event type, and 404 for one nobody publishes', async () => {
    const one = await get('/api/v1/events/schemas/payment.refunded', 'service');
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      schemas: [{ event_type: 'payment.refunded', version: 'v1', schema: schemaFiles().get('payment.refunded') }],
    });
    const none = await get('/api/v1/events/schemas/booking.teleported', 'admin');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ error: { code: 'NOT_FOUND', details: { event_type: 'booking.teleported' } } });
  });

  it('refuses guests and anonymous callers', async () => {
    expect((await get('/api/v1/events/schemas', 'guest')).status).toBe(403);
    expect((await get('/api/v1/events/schemas')).status).toBe(401);
  });
});

/**
 * Webhook deliveries end to end, with a real HTTP receiver verifying each one with the
 * `standardwebhooks` package: a booking created over HTTP → the relay → the `webhooks` consumer →
 * the `webhooks.deliver` job → the receiver. Failures are retried on a growing schedule (the clock is
 * moved, never slept) and a delivery lands exactly once; a 410 disables the endpoint and cancels what
 * was pending; a redirect is a failure; three days of failures disable; a rotated secret signs beside
 * the new one for 24 h; a replay keeps the event's webhook-id; a redelivered event schedules nothing twice.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/platform/events/envelope.js';
import { RETRY_DELAYS_MS } from '../../../src/services/webhooks/webhook.model.js';
import { replayToEndpoint } from '../../../src/services/webhooks/webhook.replay.js';
import type { WebhookDb } from '../../../src/services/webhooks/webhook.tables.js';
import { guest, makeHotel, type Hotel } from '../../helpers/booking-fixtures.js';
import type { TestContext } from '../../helpers/context.js';
import { deliverNow, deliveriesOf, startReceiver, webhookContext, type Json, type Receiver } from './webhook-fixtures.js';

let ctx: TestContext;
let hotel: Hotel;
let receiver: Receiver;
const created: string[] = [];
let day = 0;

beforeAll(async () => {
  ctx = await webhookContext();
  hotel = await makeHotel(ctx, { rooms: 50 });
});
afterAll(async () => {
  await ctx?.close();
});
afterEach(async () => {
  for (const id of created.splice(0)) await ctx.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/endpoints/${id}` });
  await receiver?.close();
});

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json) {
  const res = await ctx.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
  return { status: res.statusCode, body: res.body === '' ? {} : res.json<Json>() };
}

/** A receiver and an endpoint pointing at it (its secret known to the receiver). */
async function endpoint(eventTypes?: string[]): Promise<{ id: string; secret: string }> {
  receiver = await startReceiver(ctx.clock);
  const res = await call('POST', '/api/v1/webhooks/endpoints', {
    url: receiver.url,
    ...(eventTypes === undefined ? {} : { event_types: eventTypes }),
    description: 'test receiver',
  });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  const secret = res.body.secret as string;
  created.push(id);
  receiver.secrets = [secret];
  return { id, secret };
}

/** A confirmed (paid) booking made over HTTP; its events are then relayed to the consumers. */
async function book(): Promise<string> {
  day += 3;
  const date = new Date(Date.UTC(2026, 5, 1 + day)).toISOString().slice(0, 10);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    payload: {
      ...guest(day),
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: date,
      nights: 2,
      party_size: 2,
      room_type_id: hotel.roomTypeId,
      payment_method: { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' },
    },
  });
  expect(res.statusCode).toBe(201);
  await ctx.events.relayNow();
  return res.json<Json>().id as string;
}

const bodyOf = (i: number) => JSON.parse(receiver.received[i]!.body) as EventEnvelope;

describe('a booking created over HTTP', () => {
  it('reaches the receiver signed by Standard Webhooks, with the envelope as its body, once', async () => {
    const { id, secret } = await endpoint(['booking.created']);
    const bookingId = await book();
    expect(receiver.received).toHaveLength(0); // nothing is sent before the job runs

    const run = await deliverNow(ctx);
    expect(run).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.verifiedWith).toEqual([secret]);
    expect(got.headers['content-type']).toBe('application/json');
    const body = bodyOf(0);
    expect(body).toMatchObject({ event_type: 'booking.created', payload: { booking_id: bookingId, venue_id: hotel.venueId } });
    expect(got.headers['webhook-id']).toBe(body.event_id);
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(ctx.clock.now().getTime() / 1000)));
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    // Only the subscribed type: the booking's other events (confirmed, …) were not scheduled here.
    const rows = await deliveriesOf(ctx, id);
    expect(rows.map((r) => [r.event_type, r.status])).toEqual([['booking.created', 'delivered']]);

    // Nothing more on later runs, or after the relay runs again.
    await ctx.events.relayNow();
    ctx.clock.advance(3_600_000);
    expect(await deliverNow(ctx)).toMatchObject({ claimed: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('keeps the secret sealed at rest, and shows it only on creation', async () => {
    const { id, secret } = await endpoint();
    const { rows } = await sql<{ secret: string }>`select secret from webhook.endpoint where id = ${id}`.execute(ctx.database.db);
    expect(rows[0]!.secret).not.toContain(secret.slice('whsec_'.length));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await call('GET', `/api/v1/webhooks/endpoints/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, status: 'enabled', event_types: ['#'], description: 'test receiver' });
    expect(read.body).not.toHaveProperty('secret');
    const list = await call('GET', '/api/v1/webhooks/endpoints');
    expect(JSON.stringify(list.body)).not.toContain(secret);
  });
});

describe('retries', () => {
  it('fails three times, is retried after growing delays, and is delivered exactly once', async () => {
    const { id, secret } = await endpoint(['booking.created']);
    receiver.respond = (n) => (n < 3 ? 500 : 200);
    await book();
    const start = ctx.clock.now().getTime();

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await deliverNow(ctx)).toMatchObject({ claimed: 1, retrying: 1 });
      expect(receiver.received).toHaveLength(attempt);
      const [row] = await deliveriesOf(ctx, id);
      expect(row).toMatchObject({ status: 'pending', attempts: attempt, last_status: 500 });
      const delay = row!.next_attempt_at.getTime() - ctx.clock.now().getTime();
      const base = RETRY_DELAYS_MS[attempt - 1]!;
      expect(delay).toBeGreaterThanOrEqual(base * 0.9);
      expect(delay).toBeLessThanOrEqual(base * 1.1);
      delays.push(delay);
      // Not before it is due.
      ctx.clock.set(new Date(row!.next_attempt_at.getTime() - 1));
      expect(await deliverNow(ctx)).toMatchObject({ claimed: 0 });
      expect(receiver.received).toHaveLength(attempt);
      ctx.clock.set(row!.next_attempt_at);
    }
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);

    expect(await deliverNow(ctx)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(4);
    ctx.clock.advance(3 * 24 * 3_600_000);
    expect(await deliverNow(ctx)).toMatchObject({ claimed: 0 });
    expect(receiver.received).toHaveLength(4);

    // Every attempt was the same message, signed for the moment it was sent.
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of receiver.received) expect(r.verifiedWith).toEqual([secret]);
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 500, 500, 200]);
    expect(Number(receiver.received[3]!.headers['webhook-timestamp']) * 1000).toBeGreaterThan(
      start + delays[0]! + delays[1]! + delays[2]! - 1000,
    );

    // The history an operator reads.
    const history = await call('GET', `/api/v1/webhooks/endpoints/${id}/deliveries`);
    expect(history.status).toBe(200);
    const [delivery] = history.body.deliveries as Json[];
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 4, last_status: 200, last_error: null, next_attempt_at: null });
    const attempts = delivery!.attempt_history as Json[];
    expect(attempts.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);
    expect(attempts[0]!.error).toMatch(/HTTP 500/);
    expect(attempts[3]!.error).toBeNull();
    for (const a of attempts) expect(a.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const { id } = await endpoint(['booking.created']);
    receiver.respond = () => 302;
    await book();
    expect(await deliverNow(ctx)).toMatchObject({ claimed: 1, retrying: 1 });
    expect(receiver.received).toHaveLength(1);
    const [row] = await deliveriesOf(ctx, id);
    expect(row).toMatchObject({ status: 'pending', last_status: 302 });
    expect(row!.last_error).toMatch(/redirect 302 not followed/);
  });

  it('can be retried by hand after it failed', async () => {
    const { id } = await endpoint(['booking.created']);
    receiver.respond = (n) => (n === 0 ? 503 : 200);
    await book();
    await deliverNow(ctx);
    const [row] = await deliveriesOf(ctx, id);
    expect(row!.status).toBe('pending');
    const retried = await call('POST', `/api/v1/webhooks/deliveries/${row!.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: row!.id, status: 'pending', attempts: 0 });
    expect(await deliverNow(ctx)).toMatchObject({ claimed: 1, delivered: 1 }); // due now, not in 5 s
    expect(receiver.received).toHaveLength(2);
    expect((await call('POST', '/api/v1/webhooks/deliveries/msg_000000000000000000000000/retry')).status).toBe(404);
  });
});

describe('disabling', () => {
  it('a 410 Gone disables the endpoint at once and cancels its pending deliveries', async () => {
    const { id } = await endpoint(['booking.created']);
    receiver.respond = (n) => (n === 0 ? 500 : 410);
    await book();
    await deliverNow(ctx); // first booking's delivery: 500, retry pending
    await book();
    expect(await deliverNow(ctx)).toMatchObject({ claimed: 1, failed: 1, disabled: 1 }); // second: 410

    const read = await call('GET', `/api/v1/webhooks/endpoints/${id}`);
    expect(read.body).toMatchObject({ status: 'disabled', disabled_reason: 'the receiver answered 410 Gone' });
    expect((await deliveriesOf(ctx, id)).map((r) => r.status)).toEqual(['cancelled', 'failed']);

    ctx.clock.advance(3_600_000);
    await book(); // a disabled endpoint is not scheduled for
    expect(await deliverNow(ctx)).toMatchObject({ claimed: 0 });
    expect(receiver.received).toHaveLength(2);
    expect(await deliveriesOf(ctx, id)).toHaveLength(2);

    // Enabled again, it receives new events.
    receiver.respond = () => 200;
    expect((await call('PATCH', `/api/v1/webhooks/endpoints/${id}`, { status: 'enabled' })).body).toMatchObject({ status: 'enabled' });
    await book();
    expect(await deliverNow(ctx)).toMatchObject({ claimed: 1, delivered: 1 });
  });

  it('an endpoint failing without a success for three days is disabled', async () => {
    const { id } = await endpoint(['booking.created']);
    receiver.respond = () => 500;
    await book();
    const first = ctx.clock.now().getTime();
    const days3 = 3 * 24 * 3_600_000;
    let attempts = 0;
    for (;;) {
      await deliverNow(ctx);
      attempts++;
      const endpointNow = await call('GET', `/api/v1/webhooks/endpoints/${id}`);
      const elapsed = ctx.clock.now().getTime() - first;
      if (elapsed < days3) expect(endpointNow.body.status).toBe('enabled');
      else {
        expect(endpointNow.body).toMatchObject({ status: 'disabled' });
        expect(endpointNow.body.disabled_reason).toMatch(/^failing continuously since /);
        break;
      }
      const [row] = await deliveriesOf(ctx, id);
      expect(row!.status).toBe('pending');
      ctx.clock.set(row!.next_attempt_at);
    }
    expect(attempts).toBeGreaterThan(6);
    expect(receiver.received).toHaveLength(attempts);
    // Cancelled with the endpoint (or failed, when the disabling attempt was also its last try).
    expect(['cancelled', 'failed']).toContain((await deliveriesOf(ctx, id))[0]!.status);
    expect(await deliveriesOf(ctx, id)).toHaveLength(1);
  });
});

describe('secret rotation', () => {
  it('signs with both secrets for 24 hours, then with the new one only', async () => {
    const { id, secret: old } = await endpoint(['booking.created']);
    const rotated = await call('POST', `/api/v1/webhooks/endpoints/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    receiver.secrets = [old, fresh];

    await book();
    await deliverNow(ctx);
    expect(receiver.received[0]!.verifiedWith).toEqual([old, fresh]);
    expect((receiver.received[0]!.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);

    ctx.clock.advance(24 * 3_600_000 + 1000);
    await book();
    await deliverNow(ctx);
    expect(receiver.received[1]!.verifiedWith).toEqual([fresh]);
    expect((receiver.received[1]!.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);

    const { rows } = await sql<{ action: string; object_id: string }>`
      select action, object_id from platform.audit_event where object_id = ${id} order by id`.execute(ctx.database.db);
    expect(rows.map((r) => r.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.secret_rotated']);
  });
});

describe('replay and redelivery', () => {
  it('a replay keeps the event’s webhook-id; an event handed to the consumer twice is scheduled once', async () => {
    const { id } = await endpoint(['booking.created']);
    await book();
    await deliverNow(ctx);
    const original = bodyOf(0);

    // The consumer sees the same event again (a broker redelivery): its inbox says it has it.
    const consumer = ctx.events.consumers.find((c) => c.name === 'webhooks')!;
    await consumer.handle(original);
    expect(await deliveriesOf(ctx, id)).toHaveLength(1);

    const replayed = await replayToEndpoint({ db: ctx.database.db as WebhookDb, clock: ctx.clock }, id, [original, original]);
    expect(replayed).toEqual({ scheduled: 1 }); // the same event twice: one pending delivery
    await deliverNow(ctx);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(original.event_id);
    expect(bodyOf(1)).toEqual(original);
    expect(receiver.received[1]!.verifiedWith).toHaveLength(1);

    await expect(
      replayToEndpoint({ db: ctx.database.db as WebhookDb, clock: ctx.clock }, 'ep_000000000000000000000000', [original]),
    ).rejects.toMatchObject({ code: 'WEBHOOK_ENDPOINT_NOT_FOUND' });
  });
});

describe('endpoint management', () => {
  it('changes, lists and deletes endpoints; bad input is refused', async () => {
    const { id } = await endpoint();
    const patched = await call('PATCH', `/api/v1/webhooks/endpoints/${id}`, {
      event_types: ['booking.*'],
      description: null,
      status: 'disabled',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ event_types: ['booking.*'], description: null, status: 'disabled' });
    expect((await call('PATCH', `/api/v1/webhooks/endpoints/${id}`, { event_types: ['booking..x'] })).status).toBe(400);
    expect((await call('PATCH', `/api/v1/webhooks/endpoints/${id}`, {})).status).toBe(400);
    expect((await call('POST', '/api/v1/webhooks/endpoints', { url: 'ftp://example.com/x' })).body).toMatchObject({
      error: { code: 'WEBHOOK_URL_INVALID' },
    });
    expect((await call('DELETE', `/api/v1/webhooks/endpoints/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/webhooks/endpoints/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/v1/webhooks/endpoints/${id}`)).status).toBe(404);
  });
});

/**
 * The relay against the real RabbitMQ: a paid booking created over HTTP reaches a queue bound to
 * `innkeeper.events` as exactly one `booking.created` and one `booking.confirmed` (routing key = type,
 * persistent, message id = event id, the whole envelope as JSON), published with confirms; and one of
 * Innkeeper's own consumers, on its durable quorum queue, applies each event once through its inbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadEventSchemas } from '../../../src/platform/events/event-schemas.js';
import { DELIVERY_LIMIT } from '../../../src/platform/events/rabbitmq.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { guest, makeHotel } from '../../helpers/booking-fixtures.js';
import { bindTestQueue, deleteConsumerQueues, RABBITMQ_URL, recorder, type Recorder, type TestQueue } from '../../helpers/broker.js';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
const validators = new Map(loadEventSchemas().map((s) => [s.event_type, ajv.compile(s.schema)]));
const card = { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' };

let ctx: TestContext;
let queue: TestQueue;
let consumer: Recorder;
/** A consumer that never manages booking.created: when each delivery reached it. */
const doomedName = `doomed-${Math.random().toString(16).slice(2, 10)}`;
const doomedDeliveries: { event_id: string; at: number }[] = [];

beforeAll(async () => {
  queue = await bindTestQueue(['booking.*']);
  ctx = await createTestContext({
    rabbitmqUrl: RABBITMQ_URL,
    consumers: async (database, clock) => [
      (consumer = await recorder(database, clock, { eventTypes: ['booking.#'] })),
      {
        name: doomedName,
        eventTypes: ['booking.created'],
        handle: async (event) => {
          doomedDeliveries.push({ event_id: event.event_id, at: Date.now() });
          throw new Error('this consumer cannot apply anything');
        },
      },
    ],
  });
  await ctx.listen();
  await ctx.events.broker!.check();
});
afterAll(async () => {
  await ctx?.close();
  await queue?.close();
  await deleteConsumerQueues([...(consumer === undefined ? [] : [consumer.name]), doomedName]);
});

describe('events through RabbitMQ', () => {
  it('a paid booking → exactly one booking.created and one booking.confirmed on a bound queue, with the envelope', async () => {
    const hotel = await makeHotel(ctx, { rooms: 2, price: 20_000 });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-03-01',
        nights: 2,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
        payment_method: card,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<Json>().id as string;

    const run = await ctx.events.relayNow();
    expect(run).toMatchObject({ failed: 0 });
    expect(run.published).toBeGreaterThanOrEqual(3);
    const mine = () => queue.received.filter((m) => m.envelope.aggregate_id === id);
    await queue.until(() => mine().length >= 3);
    // A moment more: a duplicate would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const types = mine().map((m) => m.routingKey);
    expect(types).toEqual(['booking.created', 'booking.status_changed', 'booking.confirmed']);
    for (const m of mine()) {
      expect(m.messageId).toBe(m.envelope.event_id);
      expect(m.durable).toBe(true);
      expect(m.contentType).toBe('application/json');
      expect(m.envelope.event_type).toBe(m.routingKey);
      // Valid against its type's schema in docs/events, as received off the wire.
      const validate = validators.get(m.routingKey);
      expect(validate, `a schema for ${m.routingKey}`).toBeDefined();
      expect(validate!(m.envelope), JSON.stringify(validate!.errors)).toBe(true);
    }
    const created = mine()[0]!.envelope;
    expect(created).toMatchObject({
      source: 'booking-reservation-service',
      version: '1.0',
      aggregate_id: id,
      sequence: 1,
      payload: { booking_id: id },
    });
    expect(Object.keys(created).sort()).toEqual([
      'aggregate_id',
      'event_id',
      'event_type',
      'payload',
      'sequence',
      'source',
      'timestamp',
      'version',
    ]);
    expect(mine().map((m) => m.envelope.sequence)).toEqual([1, 2, 3]);

    // Innkeeper's own consumer got them through its quorum queue, once each.
    const deadline = Date.now() + 10_000;
    while ((await consumer.applied()).filter((e) => e.aggregate_id === id).length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await consumer.applied()).filter((e) => e.aggregate_id === id).map((e) => e.sequence)).toEqual([1, 2, 3]);
  });

  it('declares the consumer’s queue as a durable quorum queue with a delivery limit, dead-lettering to its own queue', async () => {
    const connection = new Connection({ url: RABBITMQ_URL });
    connection.on('error', () => undefined);
    try {
      // A passive declare fails unless the queue exists; a redeclare with other arguments would fail too.
      const q = await connection.queueDeclare({ queue: `innkeeper.${consumer.name}`, passive: true });
      expect(q.queue).toBe(`innkeeper.${consumer.name}`);
      await expect(
        connection.queueDeclare({
          queue: `innkeeper.${consumer.name}`,
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-dead-letter-exchange': 'innkeeper.events.dlx',
            'x-dead-letter-routing-key': consumer.name,
            'x-delivery-limit': 5,
          },
        }),
      ).resolves.toMatchObject({ queue: `innkeeper.${consumer.name}` });
      await expect(
        connection.queueDeclare({ queue: `innkeeper.${consumer.name}`, durable: true, arguments: { 'x-queue-type': 'classic' } }),
      ).rejects.toThrow(/PRECONDITION|inequivalent/i);
    } finally {
      await connection.close();
    }
  });

  it(
    'a consumer that keeps failing gets the event again with growing pauses, then it lands in its dead-letter queue',
    { timeout: 60_000 },
    async () => {
      const deadline = Date.now() + 45_000;
      const connection = new Connection({ url: RABBITMQ_URL });
      connection.on('error', () => undefined);
      try {
        // The first test's booking.created went to this consumer too.
        let dead: Awaited<ReturnType<Connection['basicGet']>>;
        for (;;) {
          dead = await connection.basicGet({ queue: `innkeeper.${doomedName}.dead`, noAck: true });
          if (dead !== undefined || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(dead, `dead-lettered within 45 s (${doomedDeliveries.length} deliveries)`).toBeDefined();
        const envelope = (typeof dead!.body === 'string' ? JSON.parse(dead!.body) : dead!.body) as Json;
        expect(envelope.event_type).toBe('booking.created');
        expect(dead!.messageId).toBe(envelope.event_id);
        const tries = doomedDeliveries.filter((d) => d.event_id === envelope.event_id);
        // The queue's delivery limit (5): delivered that many times, plus the one that exceeded it.
        expect(tries.length).toBeGreaterThanOrEqual(DELIVERY_LIMIT);
        expect(tries.length).toBeLessThanOrEqual(DELIVERY_LIMIT + 1);
        const gaps = tries.slice(1).map((t, i) => t.at - tries[i]!.at);
        expect(gaps[gaps.length - 1]!).toBeGreaterThan(gaps[0]! * 2);
        // Nothing left in the consumer's own queue.
        const left = await connection.queueDeclare({ queue: `innkeeper.${doomedName}`, passive: true });
        expect(left.messageCount).toBe(0);
      } finally {
        await connection.close();
      }
    },
  );
});

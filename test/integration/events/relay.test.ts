/**
 * The outbox relay on the embedded default (no broker): the relay hands each event to the in-process
 * consumers, each applying it once through its inbox. A paid booking's events arrive once each, in
 * their sequence; a failing consumer has the event tried again with backoff (moving the clock), later
 * events of the same booking waiting behind it, and the consumer that already applied it skipping the
 * repeat; an event that never gets through is dead after the configured tries, visible in the lag.
 */
import { sql } from 'kysely';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadEventSchemas } from '../../../src/platform/events/event-schemas.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { guest, makeHotel } from '../../helpers/booking-fixtures.js';
import { recorder, type Recorder } from '../../helpers/broker.js';
import { deadEvents, replayEvents } from '../../../src/platform/events/outbox-admin.js';
import { newEvent, type EventEnvelope } from '../../../src/platform/events/envelope.js';
import type { EventConsumer } from '../../../src/platform/events/inbox.js';
import { writeOutbox } from '../../../src/platform/events/outbox.js';
import { OutboxRelay, type EventSink } from '../../../src/platform/events/relay.js';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const card = { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' };

let ctx: TestContext;
let steady: Recorder;
let flaky: Recorder;

beforeAll(async () => {
  ctx = await createTestContext({
    relay: { maxAttempts: 4 },
    consumers: async (database, clock) => {
      steady = await recorder(database, clock, { name: 'steady' });
      flaky = await recorder(database, clock, { name: 'flaky', eventTypes: ['booking.confirmed'], failFirst: 0 });
      return [steady, flaky];
    },
  });
  await ctx.listen();
});
afterAll(async () => ctx.close());

/** Puts `wrap` in front of a consumer's handler (it may call the original) until `restore()`. */
function intercept(name: string, wrap: (event: EventEnvelope, original: EventConsumer['handle']) => Promise<void>): () => void {
  const consumer = ctx.events.consumers.find((c) => c.name === name) as { handle: EventConsumer['handle'] } | undefined;
  if (consumer === undefined) throw new Error(`no consumer ${name}`);
  const original = consumer.handle.bind(consumer);
  consumer.handle = (event) => wrap(event, original);
  return () => {
    consumer.handle = original;
  };
}

async function paidBooking(): Promise<string> {
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
  return res.json<Json>().id as string;
}

async function outboxRows(id: string) {
  const { rows } = await sql<{
    event_id: string;
    event_type: string;
    sequence: number;
    published_at: Date | null;
    attempts: number;
    dead_at: Date | null;
    last_error: string | null;
  }>`
    select event_id, event_type, sequence, published_at, attempts, dead_at, last_error from booking.outbox_event where aggregate_id = ${id} order by seq`.execute(
    ctx.database.db,
  );
  return rows;
}

describe('the relay on the embedded default', () => {
  it('delivers a paid booking’s events once each, in sequence, with the whole envelope, and marks them published', async () => {
    const id = await paidBooking();
    const stored = await outboxRows(id);
    expect(stored.map((r) => [r.event_type, r.sequence])).toEqual([
      ['booking.created', 1],
      ['booking.status_changed', 2],
      ['booking.confirmed', 3],
    ]);
    expect(stored.every((r) => r.published_at === null)).toBe(true);

    const run = await ctx.events.relayNow();
    expect(run.published).toBeGreaterThanOrEqual(3);
    const mine = (await steady.applied()).filter((e) => e.aggregate_id === id);
    expect(mine).toEqual(stored.map((r) => ({ event_id: r.event_id, event_type: r.event_type, aggregate_id: id, sequence: r.sequence })));
    expect((await outboxRows(id)).every((r) => r.published_at !== null)).toBe(true);

    // Nothing is left, and a second run delivers nothing again.
    expect((await ctx.events.relay.lag()).map((l) => [l.outbox, l.unpublished, l.dead, l.oldest_unpublished_ms]).sort()).toEqual([
      ['booking', 0, 0, 0],
      ['inventory', 0, 0, 0],
      ['payment', 0, 0, 0],
    ]);
    expect((await ctx.events.relayNow()).published).toBe(0);
    expect((await steady.applied()).filter((e) => e.aggregate_id === id)).toHaveLength(3);
  });

  it('the envelope carries id, type, payload, timestamp, source, version, aggregate id and sequence', async () => {
    let seen: unknown;
    const id = await paidBooking();
    const restore = intercept('steady', async (event, original) => {
      if (event.aggregate_id === id && event.event_type === 'booking.created') seen = event;
      await original(event);
    });
    try {
      await ctx.events.relayNow();
    } finally {
      restore();
    }
    expect(seen).toMatchObject({
      event_type: 'booking.created',
      source: 'booking-reservation-service',
      version: '1.0',
      aggregate_id: id,
      sequence: 1,
      payload: { booking_id: id, status: 'PENDING' },
    });
    const e = seen as Json;
    expect(e.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(e.timestamp as string).toISOString()).toBe(e.timestamp);
    expect(Object.keys(e).sort()).toEqual([
      'aggregate_id',
      'event_id',
      'event_type',
      'payload',
      'sequence',
      'source',
      'timestamp',
      'version',
    ]);
    // Valid against its schema in docs/events, as handed over in process.
    const schema = loadEventSchemas().find((s) => s.event_type === 'booking.created')!;
    const validate = addFormats(new Ajv2020({ allErrors: true, strict: true })).compile(schema.schema);
    expect(validate(seen), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...e, sequence: 0 })).toBe(false);
  });
});

describe('a consumer that fails', () => {
  it('gets the event again after a backoff, later events of the aggregate wait, and the other consumer applies it once', async () => {
    const id = await paidBooking();
    let failuresLeft = 2;
    const restore = intercept('flaky', async (event, original) => {
      if (event.aggregate_id === id && failuresLeft > 0) {
        failuresLeft--;
        throw new Error('receiver down');
      }
      await original(event);
    });
    try {
      // booking.confirmed (sequence 3) fails: created and status_changed go out, confirmed does not.
      let run = await ctx.events.relayNow();
      expect(run.failed).toBe(1);
      const rows = await outboxRows(id);
      expect(rows.map((r) => r.published_at !== null)).toEqual([true, true, false]);
      expect(rows[2]).toMatchObject({ attempts: 1, last_error: 'flaky: receiver down', dead_at: null });

      // Not due again before its backoff (2 s after the first failure).
      ctx.clock.advance(1_000);
      run = await ctx.events.relayNow();
      expect(run.failed).toBe(0);
      ctx.clock.advance(1_500);
      run = await ctx.events.relayNow();
      expect(run.failed).toBe(1);
      expect((await outboxRows(id))[2]).toMatchObject({ attempts: 2 });

      ctx.clock.advance(4_500);
      run = await ctx.events.relayNow();
      expect(run.published).toBe(1);
      expect((await outboxRows(id)).every((r) => r.published_at !== null)).toBe(true);
      // The steady consumer saw booking.confirmed three times and applied it once (its inbox).
      const steadyMine = (await steady.applied()).filter((e) => e.aggregate_id === id);
      expect(steadyMine.map((e) => e.sequence)).toEqual([1, 2, 3]);
      expect((await flaky.applied()).filter((e) => e.aggregate_id === id).map((e) => e.event_type)).toEqual(['booking.confirmed']);
    } finally {
      restore();
    }
  });

  it('holds back a later event of the same aggregate while an earlier one backs off', async () => {
    const id = await paidBooking();
    await ctx.events.relayNow();
    let failuresLeft = 1;
    const restore = intercept('steady', async (event, original) => {
      if (event.aggregate_id === id && failuresLeft > 0) {
        failuresLeft--;
        throw new Error('busy');
      }
      await original(event);
    });
    try {
      const cancel = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/bookings/${id}/cancel`,
        payload: { cancelled_by: 'guest-1', reason: 'ill' },
      });
      expect(cancel.statusCode, cancel.body).toBe(200);
      const pending = (await outboxRows(id)).filter((r) => r.published_at === null);
      expect(pending.length).toBeGreaterThanOrEqual(2);
      const run = await ctx.events.relayNow();
      expect(run.failed).toBe(1);
      // The first pending one failed; none after it went out.
      const after = (await outboxRows(id)).filter((r) => r.sequence >= pending[0]!.sequence);
      expect(after.every((r) => r.published_at === null)).toBe(true);
      ctx.clock.advance(2_000);
      await ctx.events.relayNow();
      const applied = (await steady.applied()).filter((e) => e.aggregate_id === id).map((e) => e.sequence);
      expect(applied).toEqual([...applied].sort((a, b) => a - b));
      expect(applied).toEqual((await outboxRows(id)).map((r) => r.sequence));
    } finally {
      restore();
    }
  });

  it('is dead after the configured tries: counted in the lag, no longer tried', async () => {
    const id = await paidBooking();
    const restore = intercept('flaky', async (event, original) => {
      if (event.aggregate_id === id) throw new Error('never accepts it');
      await original(event);
    });
    try {
      for (let i = 0; i < 4; i++) {
        await ctx.events.relayNow();
        ctx.clock.advance(60_000);
      }
      const confirmed = (await outboxRows(id)).find((r) => r.event_type === 'booking.confirmed')!;
      expect(confirmed).toMatchObject({ attempts: 4, published_at: null });
      expect(confirmed.dead_at).not.toBeNull();
      const lag = await ctx.events.relay.lag();
      // The same figures over HTTP, with the dead event named.
      const status = await ctx.app.inject({ method: 'GET', url: '/api/v1/events/outboxes' });
      expect(status.statusCode).toBe(200);
      const body = status.json<{
        outboxes: { outbox: string; dead: number }[];
        dead: { event_type: string; aggregate_id: string; last_error: string }[];
      }>();
      expect(body.outboxes.find((o) => o.outbox === 'booking')?.dead).toBe(1);
      expect(body.dead).toEqual([
        expect.objectContaining({ event_type: 'booking.confirmed', aggregate_id: id, last_error: 'flaky: never accepts it' }),
      ]);
      expect(lag.find((l) => l.outbox === 'booking')).toMatchObject({ outbox: 'booking', dead: 1, unpublished: 0 });
      ctx.clock.advance(3_600_000);
      expect((await ctx.events.relayNow()).failed).toBe(0);
    } finally {
      restore();
    }
  });

  it('a replay sends dead and published events again with their ids; the inboxes apply nothing twice', async () => {
    const dead = await deadEvents(ctx.database.db, ['booking']);
    expect(dead.map((d) => d.event_type)).toEqual(['booking.confirmed']);
    const deadId = dead[0]!.aggregate_id;
    const appliedBefore = (await steady.applied()).length;
    const counts = await replayEvents(ctx.database.db, ['booking'], { from: new Date(0), types: ['booking.confirmed', 'booking.created'] });
    expect(counts.booking).toBeGreaterThanOrEqual(2);
    const run = await ctx.events.relayNow();
    expect(run).toMatchObject({ failed: 0, published: counts.booking });
    // The dead event finally reached both consumers, once; everything else was a duplicate to them.
    expect((await flaky.applied()).filter((e) => e.aggregate_id === deadId).map((e) => e.event_type)).toEqual(['booking.confirmed']);
    expect((await steady.applied()).length).toBe(appliedBefore);
    expect(await deadEvents(ctx.database.db, ['booking'])).toEqual([]);
    expect((await ctx.events.relay.lag()).find((l) => l.outbox === 'booking')).toMatchObject({ unpublished: 0, dead: 0 });
  });
});

describe('several relays on one database', () => {
  it('never publish one event twice, and keep each aggregate in order', async () => {
    const aggregates = Array.from({ length: 40 }, (_, i) => `replica-agg-${i}`);
    for (let round = 0; round < 10; round++) {
      await ctx.database.db.transaction().execute(async (trx) => {
        await writeOutbox(
          trx,
          'booking',
          aggregates.map((a) => newEvent('test', 'replica.test', a, { round }, ctx.clock.now())),
        );
      });
    }
    const published: EventEnvelope[] = [];
    const sink = (name: string): EventSink => ({
      kind: 'in-process',
      publish: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        published.push({ ...event, source: name });
      },
      close: async () => undefined,
    });
    const relays = [0, 1, 2].map((i) => new OutboxRelay(ctx.database, ['booking'], sink(`relay-${i}`), ctx.clock, { batchSize: 37 }));
    await Promise.all(
      relays.map(async (r) => {
        for (let i = 0; i < 20; i++) await r.run();
      }),
    );
    const mine = published.filter((e) => e.event_type === 'replica.test');
    expect(mine).toHaveLength(400);
    expect(new Set(mine.map((e) => e.event_id)).size).toBe(400);
    for (const a of aggregates) {
      expect(mine.filter((e) => e.aggregate_id === a).map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    expect((await ctx.events.relay.lag()).find((l) => l.outbox === 'booking')).toMatchObject({ unpublished: 0 });
  });
});

describe('a process that hosts no consumer, without a broker', () => {
  it('relays nothing: its events wait, unpublished, for a process that has consumers', async () => {
    const lone = await createTestContext({ services: ['inventory', 'booking', 'pricing', 'payment', 'gateway'] });
    try {
      await lone.listen();
      expect(lone.events.relays).toBe(false);
      const hotel = await makeHotel(lone, { rooms: 1, price: 10_000 });
      const res = await lone.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        payload: {
          ...guest(1),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: '2026-03-01',
          nights: 1,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(await lone.events.relayNow()).toEqual({ published: 0, failed: 0, dead: 0 });
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from booking.outbox_event where published_at is null`.execute(
        lone.database.db,
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await lone.close();
    }
  });
});

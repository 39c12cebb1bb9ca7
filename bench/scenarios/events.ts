/**
 * Scenario 5, events: how fast the outbox relay publishes with publisher confirms, against the same
 * AMQP client (rabbitmq-client, confirms on, as many publishes in flight as the relay's batch) sending
 * the same envelopes straight to RabbitMQ in the same run; and (startLagProbe, attached to the mixed
 * day by the runner) how long a booking event takes from its commit to a queue bound to the exchange.
 *
 * The relay's backlog is written straight into the booking outbox in one transaction (2,000 synthetic
 * aggregates × 5 events of type `bench.synthetic`), so the measurement is the relay alone: claim,
 * publish, confirm, mark. Both sides publish into one durable queue bound to `bench.#`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Connection } from 'rabbitmq-client';
import { check } from '../lib/checks.js';
import type { BenchContext, Row, ScenarioResult } from '../lib/context.js';
import { round, summarize } from '../lib/stats.js';

export const BENCH_RABBITMQ_URL = process.env.BENCH_RABBITMQ_URL ?? process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const EXCHANGE = 'innkeeper.events';
const QUEUE = 'innkeeper.bench.events';
const AGGREGATES = 2_000;
const PER_AGGREGATE = 5;
const IN_FLIGHT = 500;

function envelope(aggregate: string, sequence: number) {
  return {
    event_id: randomUUID(),
    event_type: 'bench.synthetic',
    payload: { booking_id: aggregate, status: 'CONFIRMED', total_price: 12_000, currency: 'GBP' },
    timestamp: new Date().toISOString(),
    source: 'bench',
    version: '1.0',
    aggregate_id: aggregate,
    sequence,
  };
}

async function connect(): Promise<Connection> {
  const connection = new Connection({ url: BENCH_RABBITMQ_URL, connectionName: 'innkeeper-bench' });
  connection.on('error', () => undefined);
  await connection.onConnect(5_000);
  await connection.exchangeDeclare({ exchange: EXCHANGE, type: 'topic', durable: true });
  await connection.queueDeclare({ queue: QUEUE, durable: true });
  await connection.queueBind({ queue: QUEUE, exchange: EXCHANGE, routingKey: 'bench.#' });
  return connection;
}

export async function runEvents(ctx: BenchContext): Promise<ScenarioResult> {
  const total = AGGREGATES * PER_AGGREGATE;
  const connection = await connect();
  const rows: Row[] = [];
  const checks = [];
  try {
    // The broker alone: the same client and confirms, IN_FLIGHT publishes at a time.
    ctx.log(`events: ${total} envelopes published with confirms by the AMQP client alone (${IN_FLIGHT} in flight)`);
    const publisher = connection.createPublisher({ confirm: true });
    const envelopes = Array.from({ length: total }, (_, i) => envelope(`bench-alone-${i % AGGREGATES}`, Math.floor(i / AGGREGATES) + 1));
    const alone = await ctx.measure(async () => {
      const t = performance.now();
      for (let i = 0; i < envelopes.length; i += IN_FLIGHT) {
        await Promise.all(
          envelopes
            .slice(i, i + IN_FLIGHT)
            .map((e) =>
              publisher.send(
                { exchange: EXCHANGE, routingKey: e.event_type, messageId: e.event_id, durable: true, contentType: 'application/json' },
                e,
              ),
            ),
        );
      }
      return performance.now() - t;
    });
    await publisher.close();
    const aloneRate = total / (alone.value / 1000);
    rows.push({
      scenario: 'events relayed',
      variant: `${total} events, confirms`,
      target: 'broker-alone',
      clients: IN_FLIGHT,
      requests: total,
      throughput: round(aloneRate, 1),
      latency: summarize([]),
      cpu: alone.cpu,
      outcomes: { published: total },
    });

    // The relay: the same number of events committed to the booking outbox at once.
    ctx.log(`events: ${total} events committed to the booking outbox; the platform's relay publishes them`);
    const client = await ctx.pool.connect();
    let committedAt = 0;
    try {
      await client.query('begin');
      for (let s = 1; s <= PER_AGGREGATE; s++) {
        const batch = Array.from({ length: AGGREGATES }, (_, a) => envelope(`bench-relay-${a}`, s));
        await client.query(
          `insert into booking.outbox_event (event_id, event_type, aggregate_id, sequence, payload, occurred_at)
           select (e->>'event_id')::uuid, e->>'event_type', e->>'aggregate_id', (e->>'sequence')::int, e - 'aggregate_id' - 'sequence', (e->>'timestamp')::timestamptz
           from jsonb_array_elements($1::jsonb) e`,
          [JSON.stringify(batch)],
        );
      }
      await client.query('commit');
      committedAt = performance.now();
    } finally {
      client.release();
    }
    const relayed = await ctx.measure(async () => {
      for (;;) {
        const { rows: left } = await ctx.pool.query<{ n: string }>(
          // The relay's own partial index: nothing else is pending while this scenario runs.
          `select count(*) as n from booking.outbox_event where published_at is null and dead_at is null`,
        );
        if (Number(left[0]!.n) === 0) return performance.now() - committedAt;
        if (performance.now() - committedAt > 300_000) throw new Error(`the relay left ${left[0]!.n} events unpublished after 300 s`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });
    const relayRate = total / (relayed.value / 1000);
    rows.push({
      scenario: 'events relayed',
      variant: `${total} events, confirms`,
      target: 'platform',
      clients: 1,
      requests: total,
      throughput: round(relayRate, 1),
      latency: summarize([]),
      ratio: round(relayRate / aloneRate, 3),
      rss: relayed.rss,
      cpu: relayed.cpu,
      outcomes: { published: total },
    });
    const { rows: dead } = await ctx.pool.query<{ n: string }>(
      `select count(*) as n from booking.outbox_event where event_type = 'bench.synthetic' and dead_at is not null`,
    );
    checks.push(check('events: every relayed event published, none dead', Number(dead[0]!.n) === 0, `${dead[0]!.n} dead`));
    const { rows: queued } = await connection.queueDeclare({ queue: QUEUE, passive: true }).then((q) => ({ rows: [q] }));
    checks.push(
      check(
        'events: the bound queue holds at least every published event (duplicates only after a crash)',
        queued[0]!.messageCount >= 2 * total,
        `${queued[0]!.messageCount} messages for ${2 * total} published`,
      ),
    );
  } finally {
    await connection.queueDelete({ queue: QUEUE }).catch(() => undefined);
    await connection.close();
  }
  return {
    name: 'events',
    rows,
    checks,
    notes: [
      'relayed: from the commit of the backlog to the last event marked published (claim, publish, confirm, mark); ratio = relay ÷ the client alone',
    ],
  };
}

export interface LagProbe {
  stop(): Promise<Row>;
}

/** Binds a queue to `booking.#` and records, per message, now − the event's timestamp (its commit). */
export async function startLagProbe(): Promise<LagProbe> {
  const connection = new Connection({ url: BENCH_RABBITMQ_URL, connectionName: 'innkeeper-bench-lag' });
  connection.on('error', () => undefined);
  await connection.onConnect(5_000);
  const queue = `innkeeper.bench.lag.${process.pid}`;
  const lags: number[] = [];
  const consumer = connection.createConsumer(
    {
      queue,
      queueOptions: { exclusive: true, autoDelete: true },
      qos: { prefetchCount: 500 },
      exchanges: [{ exchange: EXCHANGE, type: 'topic', durable: true }],
      queueBindings: [{ queue, exchange: EXCHANGE, routingKey: 'booking.#' }],
    },
    (msg) => {
      const body = (typeof msg.body === 'string' ? JSON.parse(msg.body) : msg.body) as { timestamp: string };
      lags.push(Date.now() - Date.parse(body.timestamp));
    },
  );
  consumer.on('error', () => undefined);
  await new Promise<void>((resolve) => consumer.once('ready', () => resolve()));
  return {
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // the last events of the load
      await consumer.close();
      await connection.close();
      return {
        scenario: 'event delivery lag',
        variant: 'booking events, commit → bound queue, during the mixed day',
        target: 'platform',
        clients: 1,
        requests: lags.length,
        throughput: 0,
        latency: summarize(lags),
        outcomes: { received: lags.length },
      };
    },
  };
}

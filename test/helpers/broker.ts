/**
 * The real RabbitMQ for the event tests (RABBITMQ_URL, default the machine's 127.0.0.1:5672): a queue
 * of the test's own bound to `innkeeper.events`, collecting every envelope that reaches it, and a
 * recorder consumer that applies each event once through an inbox in the test's database.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { Connection } from 'rabbitmq-client';
import type { Database } from '../../src/platform/db/database.js';
import type { Clock } from '../../src/platform/clock.js';
import type { EventEnvelope } from '../../src/platform/events/envelope.js';
import { applyOnce, type EventConsumer } from '../../src/platform/events/inbox.js';
import { EVENTS_EXCHANGE } from '../../src/platform/events/rabbitmq.js';

export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface ReceivedMessage {
  readonly messageId: string | undefined;
  readonly routingKey: string;
  readonly durable: boolean;
  readonly contentType: string | undefined;
  readonly envelope: EventEnvelope;
}

export interface TestQueue {
  readonly name: string;
  readonly received: ReceivedMessage[];
  /** Waits until `done(received)` holds (real time; the broker is real), failing after `timeoutMs`. */
  until(done: (received: readonly ReceivedMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A temporary queue bound to `innkeeper.events` with `patterns`, consumed into `received`. */
export async function bindTestQueue(patterns: readonly string[] = ['#']): Promise<TestQueue> {
  const connection = new Connection({ url: RABBITMQ_URL, connectionName: 'innkeeper-test', retryHigh: 1000 });
  connection.on('error', () => undefined);
  await connection.onConnect(5_000);
  const name = `innkeeper.test.${randomBytes(6).toString('hex')}`;
  const received: ReceivedMessage[] = [];
  // The consumer declares its exclusive queue and bindings itself (again after a reconnect).
  const consumer = connection.createConsumer(
    {
      queue: name,
      queueOptions: { exclusive: true, autoDelete: true },
      qos: { prefetchCount: 100 },
      exchanges: [{ exchange: EVENTS_EXCHANGE, type: 'topic', durable: true }],
      queueBindings: patterns.map((routingKey) => ({ queue: name, exchange: EVENTS_EXCHANGE, routingKey })),
    },
    (msg) => {
      received.push({
        messageId: msg.messageId,
        routingKey: msg.routingKey,
        durable: msg.durable === true,
        contentType: msg.contentType,
        envelope: (typeof msg.body === 'string' ? JSON.parse(msg.body) : msg.body) as EventEnvelope,
      });
    },
  );
  consumer.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the test queue was not ready in 5 s')), 5_000);
    consumer.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    name,
    received,
    until: async (done, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        if (Date.now() > deadline)
          throw new Error(`the queue did not receive what the test waits for in ${timeoutMs} ms (${received.length} messages)`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      await consumer.close();
      await connection.close();
    },
  };
}

/** Deletes a consumer's durable queues (a test's own consumer leaves none behind on the shared broker). */
export async function deleteConsumerQueues(names: readonly string[]): Promise<void> {
  const connection = new Connection({ url: RABBITMQ_URL, connectionName: 'innkeeper-test-cleanup' });
  connection.on('error', () => undefined);
  try {
    for (const name of names) {
      await connection.queueDelete({ queue: `innkeeper.${name}` });
      await connection.queueDelete({ queue: `innkeeper.${name}.dead` });
    }
  } finally {
    await connection.close();
  }
}

export interface Recorder extends EventConsumer {
  /** Every event applied (once each, by the inbox), in the order applied. */
  applied(): Promise<{ event_id: string; event_type: string; aggregate_id: string; sequence: number }[]>;
}

/**
 * A consumer that records what it applies in the test's database (schema `evtest`, created here), with
 * an inbox as every consumer has: a second delivery of an event is skipped. `failFirst` fails that many
 * deliveries before it applies anything.
 */
export async function recorder(
  database: Database,
  clock: Clock,
  options: { name?: string; eventTypes?: string[]; failFirst?: number } = {},
): Promise<Recorder> {
  const name = options.name ?? `recorder-${randomBytes(4).toString('hex')}`;
  const db = database.db;
  await sql`create schema if not exists evtest`.execute(db);
  await sql`create table if not exists evtest.inbox (consumer text not null, event_id uuid not null, event_type text not null, received_at timestamptz not null, primary key (consumer, event_id))`.execute(
    db,
  );
  await sql`create table if not exists evtest.applied (consumer text not null, event_id uuid not null, event_type text not null, aggregate_id text not null, sequence int not null, n bigint generated always as identity)`.execute(
    db,
  );
  let failures = options.failFirst ?? 0;
  return {
    name,
    eventTypes: options.eventTypes ?? ['#'],
    handle: async (event) => {
      if (failures > 0) {
        failures--;
        throw new Error('the recorder is told to fail');
      }
      await applyOnce(db, 'evtest', name, event, clock.now(), async (trx) => {
        await sql`insert into evtest.applied (consumer, event_id, event_type, aggregate_id, sequence)
                  values (${name}, ${event.event_id}, ${event.event_type}, ${event.aggregate_id}, ${event.sequence})`.execute(trx);
      });
    },
    applied: async () => {
      const { rows } = await sql<{ event_id: string; event_type: string; aggregate_id: string; sequence: number }>`
        select event_id, event_type, aggregate_id, sequence from evtest.applied where consumer = ${name} order by n`.execute(db);
      return rows;
    },
  };
}

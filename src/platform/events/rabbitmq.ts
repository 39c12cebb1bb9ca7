/**
 * The broker (RABBITMQ_URL): the topic exchange `innkeeper.events` every event is published to (routing
 * key = event type, persistent, `message_id` = event id, publisher confirms with our own timeout), the
 * dead-letter exchange `innkeeper.events.dlx`, and for each of Innkeeper's consumers a durable quorum
 * queue `innkeeper.<consumer>` with an explicit delivery limit (RabbitMQ 3.10 has no default) whose
 * dead letters land in `innkeeper.<consumer>.dead`. The client reconnects by itself and declares the
 * topology again on every new channel.
 */
import { Connection, ConsumerStatus, type Consumer, type Publisher } from 'rabbitmq-client';
import type { EventEnvelope } from './envelope.js';
import type { EventConsumer } from './inbox.js';
import { SinkUnavailableError, type EventSink } from './relay.js';

export const EVENTS_EXCHANGE = 'innkeeper.events';
export const DEAD_LETTER_EXCHANGE = 'innkeeper.events.dlx';
/** Deliveries of one message to a consumer before it is dead-lettered. */
export const DELIVERY_LIMIT = 5;

const EXCHANGES = [
  { exchange: EVENTS_EXCHANGE, type: 'topic', durable: true },
  { exchange: DEAD_LETTER_EXCHANGE, type: 'direct', durable: true },
];

export function consumerQueue(name: string): string {
  return `innkeeper.${name}`;
}

export function deadLetterQueue(name: string): string {
  return `innkeeper.${name}.dead`;
}

export interface BrokerOptions {
  /** How long a publish waits for the broker's confirm (default 5 s). */
  readonly confirmTimeoutMs?: number;
  readonly connectionName?: string;
}

export class RabbitBroker implements EventSink {
  readonly kind = 'rabbitmq';
  readonly connection: Connection;
  #publisher: Publisher | undefined;
  readonly #consumers: Consumer[] = [];
  readonly #confirmTimeoutMs: number;

  constructor(url: string, options: BrokerOptions = {}) {
    this.connection = new Connection({
      url,
      connectionName: options.connectionName ?? 'innkeeper',
      retryLow: 250,
      retryHigh: 5_000,
      connectionTimeout: 5_000,
      acquireTimeout: 2_000,
      heartbeat: 10,
    });
    // The client logs its own reconnect errors through this event; the relay reports the outage.
    this.connection.on('error', () => undefined);
    this.#confirmTimeoutMs = options.confirmTimeoutMs ?? 5_000;
  }

  /**
   * Declares the topology (again on every new channel, after a reconnect) and starts the consumers.
   * The publisher's channel declares the exchanges and every consumer's dead-letter queue, so nothing
   * dead-lettered is dropped even while its consumer is not running.
   */
  start(consumers: readonly EventConsumer[]): void {
    if (this.#publisher !== undefined) throw new Error('the broker is already started');
    this.#publisher = this.connection.createPublisher({
      confirm: true,
      maxAttempts: 1,
      exchanges: EXCHANGES,
      queues: consumers.map((c) => ({ queue: deadLetterQueue(c.name), durable: true, arguments: { 'x-queue-type': 'quorum' } })),
      queueBindings: consumers.map((c) => ({ queue: deadLetterQueue(c.name), exchange: DEAD_LETTER_EXCHANGE, routingKey: c.name })),
    });
    for (const consumer of consumers) this.#consume(consumer);
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.#publisher === undefined) throw new Error('the broker is not started');
    if (!this.connection.ready) throw new SinkUnavailableError('the broker is not connected');
    const publisher = this.#publisher;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SinkUnavailableError(`the broker did not confirm within ${this.#confirmTimeoutMs} ms`)),
        this.#confirmTimeoutMs,
      );
    });
    try {
      await Promise.race([
        publisher.send(
          {
            exchange: EVENTS_EXCHANGE,
            routingKey: event.event_type,
            messageId: event.event_id,
            durable: true,
            contentType: 'application/json',
            type: event.event_type,
            appId: event.source,
            timestamp: Math.floor(Date.parse(event.timestamp) / 1000),
          },
          event,
        ),
        timeout,
      ]);
    } catch (err) {
      if (err instanceof SinkUnavailableError || !this.connection.ready) {
        throw err instanceof SinkUnavailableError ? err : new SinkUnavailableError((err as Error).message, { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether the broker answers (for /ready). */
  async check(): Promise<void> {
    if (!this.connection.ready) await this.connection.onConnect(2_000, true);
  }

  /**
   * Starts a consumer on its quorum queue: manual acknowledgement after its handler (and so its inbox
   * transaction) has committed; a failure is retried after a pause growing with the delivery count, and
   * dead-lettered once the queue's delivery limit is reached.
   */
  #consume(consumer: EventConsumer): void {
    const queue = consumerQueue(consumer.name);
    const sub = this.connection.createConsumer(
      {
        queue,
        requeue: true,
        qos: { prefetchCount: consumer.prefetch ?? 10 },
        concurrency: consumer.concurrency ?? 1,
        queueOptions: {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE,
            'x-dead-letter-routing-key': consumer.name,
            'x-delivery-limit': DELIVERY_LIMIT,
          },
        },
        exchanges: EXCHANGES,
        queueBindings: consumer.eventTypes.map((routingKey) => ({ queue, exchange: EVENTS_EXCHANGE, routingKey })),
      },
      async (msg) => {
        const event = (typeof msg.body === 'string' ? JSON.parse(msg.body) : msg.body) as EventEnvelope;
        try {
          await consumer.handle(event);
          return ConsumerStatus.ACK;
        } catch {
          const deliveries = Number(msg.headers?.['x-delivery-count'] ?? 0);
          await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** deliveries, 10_000)));
          return ConsumerStatus.REQUEUE;
        }
      },
    );
    sub.on('error', () => undefined);
    this.#consumers.push(sub);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#consumers.map((c) => c.close()));
    await this.#publisher?.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

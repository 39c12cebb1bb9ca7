/**
 * A process's events: the outboxes of the services it runs, the consumers it hosts, the sink they meet
 * at (RabbitMQ with RABBITMQ_URL, the in-process hand-off without) and the relay between. Services
 * register their outbox and consumers while they register their routes; `start()` then wires the
 * broker, adds the relay as the scheduler's `events.relay` job and, in a server, runs it in a loop.
 */
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { EventConsumer } from './inbox.js';
import { InProcessSink } from './in-process.sink.js';
import { RabbitBroker } from './rabbitmq.js';
import { outboxSchemas } from './outbox-admin.js';
import { OutboxRelay, type EventSink, type RelayOptions, type RelayRun } from './relay.js';

export interface EventBusOptions {
  readonly database: Database;
  readonly clock: Clock;
  /** RABBITMQ_URL; absent: the embedded default's in-process delivery. */
  readonly rabbitmqUrl?: string | undefined;
  readonly relay?: RelayOptions;
}

export class EventBus {
  readonly #outboxes: string[] = [];
  readonly #consumers: EventConsumer[] = [];
  #sink: EventSink | undefined;
  #relay: OutboxRelay | undefined;
  #running: Promise<RelayRun> | undefined;
  #loop: NodeJS.Timeout | undefined;
  #stopped = false;
  #started = false;

  constructor(private readonly options: EventBusOptions) {}

  /** Registers a service's outbox (`<schema>.outbox_event`). */
  addOutbox(schema: string): void {
    if (this.#started) throw new Error('outboxes are registered before the events start');
    if (!this.#outboxes.includes(schema)) this.#outboxes.push(schema);
  }

  addConsumer(consumer: EventConsumer): void {
    if (this.#started) throw new Error('consumers are registered before the events start');
    if (this.#consumers.some((c) => c.name === consumer.name)) throw new Error(`consumer ${consumer.name} is registered twice`);
    this.#consumers.push(consumer);
  }

  get outboxes(): readonly string[] {
    return this.#outboxes;
  }

  get consumers(): readonly EventConsumer[] {
    return this.#consumers;
  }

  get broker(): RabbitBroker | undefined {
    return this.#sink instanceof RabbitBroker ? this.#sink : undefined;
  }

  /** Whether a broker is configured (RABBITMQ_URL). */
  get usesBroker(): boolean {
    return this.options.rabbitmqUrl !== undefined;
  }

  /** Whether this process relays (a broker is configured, or it hosts consumers). */
  get relays(): boolean {
    return this.#relay !== undefined;
  }

  get relay(): OutboxRelay {
    if (this.#relay === undefined) throw new Error('this process does not relay events (not started, or no broker and no consumer here)');
    return this.#relay;
  }

  /**
   * Connects the sink, starts the broker's consumers and schedules the relay.
   *
   * With a broker, this process relays the outboxes of the services it runs. Without one, events can
   * only reach consumers in a process that hosts them: such a process relays every outbox in the
   * database (found again every 10 s, as other processes migrate theirs), and a process that hosts no
   * consumer relays nothing — marking events published there would hand them to nobody.
   */
  start(scheduler?: Scheduler): void {
    if (this.#started) return;
    this.#started = true;
    const { database, clock, rabbitmqUrl } = this.options;
    let outboxes: readonly string[] | (() => Promise<readonly string[]>) = this.#outboxes;
    if (rabbitmqUrl !== undefined) {
      const broker = new RabbitBroker(rabbitmqUrl);
      broker.start(this.#consumers);
      this.#sink = broker;
    } else {
      if (this.#consumers.length === 0) return;
      this.#sink = new InProcessSink(() => this.#consumers);
      let found: { at: number; schemas: Promise<readonly string[]> } | undefined;
      outboxes = () => {
        const now = Date.now();
        if (found === undefined || now - found.at > 10_000) found = { at: now, schemas: outboxSchemas(database.db) };
        return found.schemas;
      };
    }
    this.#relay = new OutboxRelay(database, outboxes, this.#sink, clock, this.options.relay);
    scheduler?.add({
      name: 'events.relay',
      description: 'publishes the outboxes’ events (to RabbitMQ, or to the in-process consumers)',
      schedule: { everyMs: 1000 },
      run: async () => ({ ...(await this.relayNow()) }),
    });
  }

  /** One relay run; a run already in progress in this process is joined, not doubled. */
  relayNow(): Promise<RelayRun> {
    if (this.#relay === undefined) return Promise.resolve({ published: 0, failed: 0, dead: 0 });
    this.#running ??= this.relay.run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Relays continuously in the background: again at once after a run that published, else after `idleMs`. */
  runLoop(idleMs = 100, onError?: (err: unknown) => void): void {
    if (this.#relay === undefined) return;
    const next = (delay: number) => {
      if (this.#stopped) return;
      this.#loop = setTimeout(() => {
        this.relayNow().then(
          (run) => next(run.published > 0 ? 0 : idleMs),
          (err: unknown) => {
            onError?.(err);
            next(Math.max(idleMs, 1000));
          },
        );
      }, delay);
      this.#loop.unref();
    };
    next(0);
  }

  async close(): Promise<void> {
    this.#stopped = true;
    if (this.#loop !== undefined) clearTimeout(this.#loop);
    await this.#running?.catch(() => undefined);
    await this.#sink?.close();
  }
}

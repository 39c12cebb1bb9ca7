/**
 * The embedded default's delivery (no RABBITMQ_URL): the relay hands each event straight to the
 * in-process consumers that take its type. Publishing succeeds only once every one of them has applied
 * it (each in its own inbox transaction), so a consumer that fails has the relay try the event again
 * with backoff, and the consumers that had already applied it find it in their inbox and skip it: the
 * same at-least-once delivery the broker gives, without one.
 */
import { topicMatches, type EventEnvelope } from './envelope.js';
import type { EventConsumer } from './inbox.js';
import type { EventSink } from './relay.js';

export class InProcessSink implements EventSink {
  readonly kind = 'in-process';

  constructor(private readonly consumers: () => readonly EventConsumer[]) {}

  async publish(event: EventEnvelope): Promise<void> {
    const errors: string[] = [];
    for (const consumer of this.consumers()) {
      if (!consumer.eventTypes.some((pattern) => topicMatches(pattern, event.event_type))) continue;
      try {
        await consumer.handle(event);
      } catch (err) {
        errors.push(`${consumer.name}: ${(err as Error).message}`);
      }
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  async close(): Promise<void> {}
}

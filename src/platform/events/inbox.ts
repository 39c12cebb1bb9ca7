/**
 * Consumers and their inboxes. A consumer applies an event's effect and records the event's id in its
 * own inbox (`<schema>.inbox`) in one transaction, so a second delivery of the same event (a broker
 * redelivery, a relay's republish after a crash, a replay) is acknowledged and changes nothing.
 * An inbox table (created by the consumer's own migration) has: consumer text, event_id uuid,
 * event_type text, received_at timestamptz, primary key (consumer, event_id).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventEnvelope } from './envelope.js';

export interface EventConsumer {
  /** Names the consumer's queue (`innkeeper.<name>`), its dead-letter queue and its inbox rows. */
  readonly name: string;
  /** Topic patterns of the event types it consumes (`booking.*`, `payment.captured`, `#`). */
  readonly eventTypes: readonly string[];
  /** Deliveries the broker sends ahead (prefetch); default 10. */
  readonly prefetch?: number;
  /**
   * Deliveries handled at once; default 1, so events are applied in the order the queue holds them
   * (one aggregate's in sequence). A consumer that does not care about order may raise it.
   */
  readonly concurrency?: number;
  /** Applies the event; throws to have it retried (with backoff, then dead-lettered). */
  handle(event: EventEnvelope): Promise<void>;
}

/**
 * Runs `effect` in a transaction that also records the event in the consumer's inbox; returns false
 * (and runs nothing) when the inbox already holds it.
 */
export async function applyOnce<DB>(
  db: Kysely<DB>,
  schema: string,
  consumer: string,
  event: Pick<EventEnvelope, 'event_id' | 'event_type'>,
  at: Date,
  effect: (trx: Transaction<DB>) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ event_id: string }>`
      insert into ${sql.table(`${schema}.inbox`)} (consumer, event_id, event_type, received_at)
      values (${consumer}, ${event.event_id}, ${event.event_type}, ${at})
      on conflict do nothing
      returning event_id`.execute(trx);
    if (rows.length === 0) return false;
    await effect(trx);
    return true;
  });
}

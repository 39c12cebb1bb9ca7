/**
 * The transactional outbox every service keeps in its own schema (`<schema>.outbox_event`): an event is
 * written in the transaction of the change it describes, and the relay (relay.ts) publishes it later.
 * A row is published, waiting (claimed by a relay for a while, or backing off after a failed try), or
 * dead (given up after too many tries: visible and counted, `innkeeper events status`).
 *
 * Every outbox has the same columns (each service's migration creates them in its schema, frozen like
 * every migration): seq, event_id, event_type, aggregate_id (text), sequence (per aggregate, unique
 * with it), payload (the envelope without aggregate_id and sequence), occurred_at, published_at,
 * attempts, next_attempt_at, claimed_until, claim_token, last_error, dead_at.
 */
import { sql, type Kysely } from 'kysely';
import type { EventEnvelope, NewEvent } from './envelope.js';

// Executors of any service's database type: the outbox SQL names its table at run time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyExecutor = Kysely<any>;

/**
 * Writes events in the caller's transaction. Each gets the next `sequence` of its aggregate in the same
 * statement (the aggregate's row lock, taken by the change itself, orders concurrent writers; a writer
 * that raced anyway fails on the unique (aggregate_id, sequence) and its transaction rolls back).
 */
export async function writeOutbox(trx: AnyExecutor, schema: string, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const table = sql.table(`${schema}.outbox_event`);
  const seen = new Map<string, number>();
  const rows = events.map((e) => {
    // 1, 2, … for this aggregate's events within the call, added to what the aggregate already has.
    const offset = (seen.get(e.aggregate_id) ?? 0) + 1;
    seen.set(e.aggregate_id, offset);
    const { aggregate_id, ...stored } = e;
    return sql`(${e.event_id}::uuid, ${e.event_type}::text, ${aggregate_id}::text, ${offset}::int, ${JSON.stringify(stored)}::jsonb, ${e.timestamp}::timestamptz)`;
  });
  await sql`
    insert into ${table} (event_id, event_type, aggregate_id, sequence, payload, occurred_at)
    select v.event_id, v.event_type, v.aggregate_id,
           coalesce((select max(o.sequence) from ${table} o where o.aggregate_id = v.aggregate_id), 0) + v.n,
           v.payload, v.occurred_at
    from (values ${sql.join(rows)}) as v(event_id, event_type, aggregate_id, n, payload, occurred_at)`.execute(trx);
}

/** A stored row as the envelope that goes on the wire. */
export function envelopeOf(row: { payload: unknown; aggregate_id: string; sequence: number }): EventEnvelope {
  const stored = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Omit<
    EventEnvelope,
    'aggregate_id' | 'sequence'
  >;
  return {
    event_id: stored.event_id,
    event_type: stored.event_type,
    payload: stored.payload,
    timestamp: stored.timestamp,
    source: stored.source,
    version: stored.version,
    aggregate_id: row.aggregate_id,
    sequence: row.sequence,
  };
}

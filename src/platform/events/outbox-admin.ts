/**
 * What an operator does with the outboxes (`innkeeper events status | replay`): how far behind each
 * is, the dead events, and sending stored events again. A replay sends the same events (same ids, same
 * sequence), so every receiver deduplicates them; it marks them unpublished and the relay does the rest.
 */
import { sql, type Kysely } from 'kysely';
import type { EventEnvelope } from './envelope.js';
import { envelopeOf } from './outbox.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export interface OutboxLag {
  readonly outbox: string;
  readonly unpublished: number;
  readonly dead: number;
  /** Age of the oldest unpublished (not dead) event, in ms; 0 when none. */
  readonly oldest_unpublished_ms: number;
}

/** Every schema with an outbox in this database. */
export async function outboxSchemas(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ schema: string }>`
    select table_schema as schema from information_schema.tables where table_name = 'outbox_event' order by table_schema`.execute(db);
  return rows.map((r) => r.schema);
}

export async function outboxLag(db: AnyDb, outboxes: readonly string[], now: Date): Promise<OutboxLag[]> {
  const result: OutboxLag[] = [];
  for (const outbox of outboxes) {
    const { rows } = await sql<{ unpublished: string; dead: string; oldest: Date | string | null }>`
      select count(*) filter (where published_at is null and dead_at is null) as unpublished,
             count(*) filter (where dead_at is not null and published_at is null) as dead,
             min(occurred_at) filter (where published_at is null and dead_at is null) as oldest
      from ${sql.table(`${outbox}.outbox_event`)}`.execute(db);
    const row = rows[0];
    const oldest = row?.oldest == null ? undefined : new Date(row.oldest).getTime();
    result.push({
      outbox,
      unpublished: Number(row?.unpublished ?? 0),
      dead: Number(row?.dead ?? 0),
      oldest_unpublished_ms: oldest === undefined ? 0 : Math.max(0, now.getTime() - oldest),
    });
  }
  return result;
}

export interface DeadEvent {
  readonly outbox: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly aggregate_id: string;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly dead_at: Date;
}

export async function deadEvents(db: AnyDb, outboxes: readonly string[], limit = 100): Promise<DeadEvent[]> {
  const result: DeadEvent[] = [];
  for (const outbox of outboxes) {
    const { rows } = await sql<Omit<DeadEvent, 'outbox'>>`
      select event_id, event_type, aggregate_id, attempts, last_error, dead_at from ${sql.table(`${outbox}.outbox_event`)}
      where dead_at is not null and published_at is null order by seq limit ${limit}`.execute(db);
    result.push(...rows.map((r) => ({ outbox, ...r })));
  }
  return result;
}

export interface ReplaySelection {
  readonly from: Date;
  readonly to?: Date | undefined;
  /** Event types (exact) to replay; empty or absent: all. */
  readonly types?: readonly string[] | undefined;
}

/**
 * Marks the stored events that occurred in [from, to) (and are of `types`) unpublished again, dead
 * ones included, with their tries reset: the relay publishes them again, in order, with their ids.
 * Returns how many per outbox.
 */
export async function replayEvents(db: AnyDb, outboxes: readonly string[], selection: ReplaySelection): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const outbox of outboxes) {
    const t = sql.table(`${outbox}.outbox_event`);
    const types = selection.types ?? [];
    const result = await sql`
      update ${t} set published_at = null, dead_at = null, attempts = 0, next_attempt_at = null, last_error = null,
                      claimed_until = null, claim_token = null
      where occurred_at >= ${selection.from}
        ${selection.to === undefined ? sql`` : sql`and occurred_at < ${selection.to}`}
        ${types.length === 0 ? sql`` : sql`and event_type = any(${types}::text[])`}`.execute(db);
    counts[outbox] = Number(result.numAffectedRows ?? 0n);
  }
  return counts;
}

/** The stored events that occurred in [from, to) (of `types`), as the envelopes the relay sends, oldest first. */
export async function selectEvents(db: AnyDb, outboxes: readonly string[], selection: ReplaySelection): Promise<EventEnvelope[]> {
  const found: { seq: number; occurred: number; envelope: EventEnvelope }[] = [];
  for (const outbox of outboxes) {
    const types = selection.types ?? [];
    const { rows } = await sql<{ seq: string; occurred_at: Date; aggregate_id: string; sequence: number; payload: unknown }>`
      select seq::text as seq, occurred_at, aggregate_id, sequence, payload from ${sql.table(`${outbox}.outbox_event`)}
      where occurred_at >= ${selection.from}
        ${selection.to === undefined ? sql`` : sql`and occurred_at < ${selection.to}`}
        ${types.length === 0 ? sql`` : sql`and event_type = any(${types}::text[])`}
      order by seq`.execute(db);
    for (const row of rows) found.push({ seq: Number(row.seq), occurred: new Date(row.occurred_at).getTime(), envelope: envelopeOf(row) });
  }
  return found.sort((a, b) => a.occurred - b.occurred || a.seq - b.seq).map((f) => f.envelope);
}

/**
 * The outbox relay: claims unpublished events from every service's outbox, hands them to the sink (the
 * broker with publisher confirms, or the in-process consumers on the embedded default) and marks each
 * published only after the sink has taken it. A crash between the two publishes the event again, with
 * the same `event_id`, once the claim's lease runs out; receivers deduplicate by that id.
 *
 * Order: one aggregate's events go out in `sequence` order. A claim takes an event only when every
 * earlier unpublished event of its aggregate is in the same claim (one claimed by another relay,
 * locked by another relay's claim in progress, or backing off holds the later ones back), and within a
 * batch an aggregate's events are sent one after another (aggregates in parallel). The claim commits before anything is
 * sent, so no transaction stays open across a remote call.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { crashPoint } from '../faults.js';
import type { EventEnvelope } from './envelope.js';
import { envelopeOf } from './outbox.js';
import { outboxLag, type OutboxLag } from './outbox-admin.js';

export interface EventSink {
  readonly kind: 'rabbitmq' | 'in-process';
  /** Resolves once the event is safely taken (the broker's confirm; every in-process consumer's commit). */
  publish(event: EventEnvelope): Promise<void>;
  close(): Promise<void>;
}

/** The sink cannot take anything now (the broker is unreachable): the relay backs off as a whole. */
export class SinkUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SinkUnavailableError';
  }
}

export interface RelayOptions {
  readonly batchSize?: number;
  /** Tries before an event is declared dead (default 12, about an hour of backoff). */
  readonly maxAttempts?: number;
  /** How long a claim holds an event before another relay may take it (default 60 s). */
  readonly leaseMs?: number;
  /** Batches per run at most, so one run ends (default 50). */
  readonly maxBatches?: number;
}

export interface RelayRun {
  readonly published: number;
  readonly failed: number;
  readonly dead: number;
  readonly paused?: string;
}

interface ClaimedRow {
  /** bigint, as text. */
  seq: string;
  aggregate_id: string;
  sequence: number;
  payload: unknown;
  attempts: number;
}

/** Backoff after the n-th failed try of one event: 2^n s, at most 5 min. */
export function eventBackoffMs(attempts: number): number {
  return Math.min(2 ** Math.max(attempts, 0) * 1000, 300_000);
}

export class OutboxRelay {
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #leaseMs: number;
  readonly #maxBatches: number;
  #pausedUntil = 0;
  #sinkFailures = 0;

  constructor(
    private readonly database: Database,
    /** The outboxes' schemas, or a function that finds them (asked at the start of every run). */
    private readonly outboxes: readonly string[] | (() => Promise<readonly string[]>),
    private readonly sink: EventSink,
    private readonly clock: Clock,
    options: RelayOptions = {},
  ) {
    this.#batchSize = options.batchSize ?? 500;
    this.#maxAttempts = options.maxAttempts ?? 12;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#maxBatches = options.maxBatches ?? 50;
  }

  #outboxes(): Promise<readonly string[]> {
    return typeof this.outboxes === 'function' ? this.outboxes() : Promise.resolve(this.outboxes);
  }

  /** Publishes what is due, batch after batch, until the outboxes are empty or the sink fails. */
  async run(): Promise<RelayRun> {
    const now = this.clock.now().getTime();
    if (now < this.#pausedUntil) return { published: 0, failed: 0, dead: 0, paused: new Date(this.#pausedUntil).toISOString() };
    let published = 0;
    let failed = 0;
    let dead = 0;
    for (let batch = 0; batch < this.#maxBatches; batch++) {
      let claimedAny = false;
      for (const outbox of await this.#outboxes()) {
        const result = await this.#relayBatch(outbox);
        claimedAny ||= result.claimed > 0;
        published += result.published;
        failed += result.failed;
        dead += result.dead;
        if (result.sinkDown !== undefined) {
          this.#sinkFailures++;
          this.#pausedUntil = this.clock.now().getTime() + Math.min(250 * 2 ** (this.#sinkFailures - 1), 5_000);
          return { published, failed, dead, paused: result.sinkDown };
        }
      }
      this.#sinkFailures = 0;
      if (!claimedAny) break;
    }
    return { published, failed, dead };
  }

  async #relayBatch(outbox: string): Promise<{ claimed: number; published: number; failed: number; dead: number; sinkDown?: string }> {
    const token = randomUUID();
    const rows = await this.#claim(outbox, token);
    if (rows.length === 0) return { claimed: 0, published: 0, failed: 0, dead: 0 };
    const byAggregate = new Map<string, ClaimedRow[]>();
    for (const row of rows.sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)))) {
      const list = byAggregate.get(row.aggregate_id) ?? [];
      list.push(row);
      byAggregate.set(row.aggregate_id, list);
    }
    for (const list of byAggregate.values()) list.sort((a, b) => a.sequence - b.sequence);
    const sent: string[] = [];
    const failures: { row: ClaimedRow; error: string }[] = [];
    let sinkDown: string | undefined;
    await Promise.all(
      [...byAggregate.values()].map(async (events) => {
        for (const row of events) {
          if (sinkDown !== undefined) return;
          try {
            await this.sink.publish(envelopeOf(row));
            sent.push(row.seq);
            crashPoint('relay:published');
          } catch (err) {
            if (err instanceof SinkUnavailableError) sinkDown = err.message;
            else failures.push({ row, error: (err as Error).message });
            return; // later events of this aggregate wait for this one
          }
        }
      }),
    );
    const t = sql.table(`${outbox}.outbox_event`);
    const now = this.clock.now();
    if (sent.length > 0) {
      await sql`update ${t} set published_at = ${now}, claimed_until = null, claim_token = null, last_error = null
                where seq = any(${sent}::bigint[]) and claim_token = ${token}`.execute(this.database.db);
    }
    let dead = 0;
    for (const { row, error } of failures) {
      const attempts = row.attempts + 1;
      const giveUp = attempts >= this.#maxAttempts;
      if (giveUp) dead++;
      await sql`update ${t} set attempts = ${attempts}, last_error = ${error.slice(0, 1000)}, claimed_until = null, claim_token = null,
                  next_attempt_at = ${new Date(now.getTime() + eventBackoffMs(attempts))}, dead_at = ${giveUp ? now : null}
                where seq = ${row.seq} and claim_token = ${token}`.execute(this.database.db);
    }
    // Whatever was claimed and neither sent nor failed (behind a failure, or the sink went down) is free again.
    const handled = new Set([...sent, ...failures.map((f) => f.row.seq)]);
    const unsent = rows.map((r) => r.seq).filter((seq) => !handled.has(seq));
    if (unsent.length > 0) {
      await sql`update ${t} set claimed_until = null, claim_token = null
                where seq = any(${unsent}::bigint[]) and claim_token = ${token}`.execute(this.database.db);
    }
    return { claimed: rows.length, published: sent.length, failed: failures.length, dead, ...(sinkDown === undefined ? {} : { sinkDown }) };
  }

  /**
   * Claims a batch in one short transaction: locks due events (skipping those another relay is locking
   * right now), keeps of each aggregate only the run that starts at its earliest unpublished event,
   * and leases those. Plain index lookups only, so the plan holds with or without statistics.
   */
  async #claim(outbox: string, token: string): Promise<ClaimedRow[]> {
    const t = sql.table(`${outbox}.outbox_event`);
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.#leaseMs);
    return this.database.db.transaction().execute(async (trx) => {
      const { rows: locked } = await sql<ClaimedRow>`
        select o.seq::text as seq, o.aggregate_id, o.sequence, o.payload, o.attempts from ${t} o
        where o.published_at is null and o.dead_at is null
          and (o.claimed_until is null or o.claimed_until <= ${now})
          and (o.next_attempt_at is null or o.next_attempt_at <= ${now})
        order by o.seq
        limit ${this.#batchSize}
        for update skip locked`.execute(trx);
      if (locked.length === 0) return [];
      const aggregates = [...new Set(locked.map((r) => r.aggregate_id))];
      // Each aggregate's earliest unpublished event, whoever holds it (a claim elsewhere, a backoff).
      const { rows: firsts } = await sql<{ aggregate_id: string; first: number }>`
        select aggregate_id, min(sequence) as first from ${t}
        where aggregate_id = any(${aggregates}::text[]) and published_at is null and dead_at is null
        group by aggregate_id`.execute(trx);
      const next = new Map(firsts.map((f) => [f.aggregate_id, Number(f.first)]));
      const claimed: ClaimedRow[] = [];
      for (const row of [...locked].sort((a, b) => a.sequence - b.sequence)) {
        if (next.get(row.aggregate_id) !== row.sequence) continue;
        claimed.push(row);
        next.set(row.aggregate_id, row.sequence + 1);
      }
      if (claimed.length > 0) {
        await sql`update ${t} set claimed_until = ${until}, claim_token = ${token}
                  where seq = any(${claimed.map((r) => r.seq)}::bigint[])`.execute(trx);
      }
      return claimed;
    });
  }

  /** Unpublished and dead events per outbox, and the oldest unpublished event's age. */
  async lag(): Promise<OutboxLag[]> {
    return outboxLag(this.database.db, await this.#outboxes(), this.clock.now());
  }
}

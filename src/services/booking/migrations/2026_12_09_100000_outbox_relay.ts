import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The relay (platform/events) publishes this outbox: every outbox has the same columns. The
  // aggregate id becomes text (other services' aggregates are not all uuids); `sequence` numbers one
  // aggregate's events from 1, in the order they were written; the rest is the relay's bookkeeping.
  await sql`alter table booking.outbox_event alter column aggregate_id type text`.execute(db);
  await sql`alter table booking.outbox_event add column sequence int`.execute(db);
  await sql`
    update booking.outbox_event o set sequence = r.n
    from (select seq, row_number() over (partition by aggregate_id order by seq) as n from booking.outbox_event) r
    where r.seq = o.seq`.execute(db);
  await sql`alter table booking.outbox_event alter column sequence set not null`.execute(db);
  await sql`alter table booking.outbox_event add constraint outbox_event_sequence_positive check (sequence > 0)`.execute(db);
  await sql`alter table booking.outbox_event add constraint outbox_event_aggregate_sequence unique (aggregate_id, sequence)`.execute(db);
  await sql`
    alter table booking.outbox_event
      add column attempts int not null default 0,
      add column next_attempt_at timestamptz,
      add column claimed_until timestamptz,
      add column claim_token uuid,
      add column last_error text,
      add column dead_at timestamptz`.execute(db);
  await sql`drop index booking.outbox_unpublished`.execute(db);
  await sql`create index booking_outbox_pending on booking.outbox_event (seq) where published_at is null and dead_at is null`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
//
// Payment's outbox (platform/events/outbox.ts names the columns every outbox has): payment.authorized,
// payment.captured, payment.refunded, payment.failed and payment.canceled are written here in the
// transaction that settles the provider's answer; the relay publishes them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payment.outbox_event (
      seq bigint generated always as identity primary key,
      event_id uuid not null unique,
      event_type text not null,
      aggregate_id text not null,
      sequence int not null check (sequence > 0),
      payload jsonb not null,
      occurred_at timestamptz not null,
      published_at timestamptz,
      attempts int not null default 0,
      next_attempt_at timestamptz,
      claimed_until timestamptz,
      claim_token uuid,
      last_error text,
      dead_at timestamptz,
      unique (aggregate_id, sequence)
    )`.execute(db);
  await sql`create index payment_outbox_pending on payment.outbox_event (seq) where published_at is null and dead_at is null`.execute(db);
}

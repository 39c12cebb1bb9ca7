import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
//
// Inventory's outbox (platform/events/outbox.ts names the columns every outbox has): hold.expired and stock.low are written here in the transaction of the change; the relay publishes them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inventory.outbox_event (
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
  await sql`create index inventory_outbox_pending on inventory.outbox_event (seq) where published_at is null and dead_at is null`.execute(
    db,
  );
}

import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
//
// Endpoints (secrets sealed at rest), the deliveries owed to them (a durable outbox of their own) and
// every attempt made, plus the inbox of the `webhooks` event consumer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook.endpoint (
      id text primary key check (id ~ '^ep_[A-Za-z0-9]{24}$'),
      seq bigint generated always as identity unique,
      organization_id text check (length(organization_id) between 1 and 200),
      url text not null check (length(url) between 1 and 2000),
      event_types jsonb not null check (jsonb_typeof(event_types) = 'array'),
      description text check (length(description) <= 1000),
      status text not null check (status in ('enabled', 'disabled')),
      disabled_reason text check (length(disabled_reason) <= 500),
      secret text not null,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      failing_since timestamptz,
      created_by text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((previous_secret is null) = (previous_secret_expires_at is null))
    )`.execute(db);
  await sql`create index endpoint_organization on webhook.endpoint (organization_id, seq)`.execute(db);

  await sql`
    create table webhook.delivery (
      id text primary key check (id ~ '^msg_[A-Za-z0-9]{24}$'),
      seq bigint generated always as identity unique,
      endpoint_id text not null references webhook.endpoint (id) on delete cascade,
      event_id uuid not null,
      event_type text not null,
      envelope jsonb not null check (jsonb_typeof(envelope) = 'object'),
      status text not null check (status in ('pending', 'delivered', 'failed', 'cancelled')),
      attempts int not null default 0 check (attempts >= 0),
      next_attempt_at timestamptz not null,
      last_status int,
      last_error text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      delivered_at timestamptz,
      check ((status = 'delivered') = (delivered_at is not null))
    )`.execute(db);
  // One pending delivery of an event per endpoint (a replay of one still pending adds nothing).
  await sql`create unique index delivery_pending_once on webhook.delivery (endpoint_id, event_id) where status = 'pending'`.execute(db);
  await sql`create index delivery_due on webhook.delivery (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index delivery_endpoint on webhook.delivery (endpoint_id, seq)`.execute(db);

  await sql`
    create table webhook.delivery_attempt (
      id bigint generated always as identity primary key,
      delivery_id text not null references webhook.delivery (id) on delete cascade,
      attempted_at timestamptz not null,
      status_code int,
      duration_ms int not null check (duration_ms >= 0),
      error text check (length(error) <= 1000)
    )`.execute(db);
  await sql`create index delivery_attempt_delivery on webhook.delivery_attempt (delivery_id, id)`.execute(db);

  await sql`
    create table webhook.inbox (
      consumer text not null,
      event_id uuid not null,
      event_type text not null,
      received_at timestamptz not null,
      primary key (consumer, event_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook.inbox`.execute(db);
  await sql`drop table webhook.delivery_attempt`.execute(db);
  await sql`drop table webhook.delivery`.execute(db);
  await sql`drop table webhook.endpoint`.execute(db);
}

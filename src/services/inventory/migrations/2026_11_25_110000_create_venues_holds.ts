import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // btree_gist lets an EXCLUDE constraint combine equality on ids with overlap of time ranges.
  await sql`create extension if not exists btree_gist`.execute(db);

  await sql`
    create table inventory.venue (
      id text primary key check (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      organization_id text not null,
      type text not null check (type in ('hotel', 'restaurant', 'cafe', 'retail')),
      name text not null check (length(name) between 1 and 200),
      location text not null default '',
      time_zone text not null default 'UTC',
      currency char(3) not null default 'GBP' check (currency ~ '^[A-Z]{3}$'),
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index venue_organization on inventory.venue (organization_id)`.execute(db);
  await sql`create index venue_location on inventory.venue (lower(location))`.execute(db);

  // One lifecycle for every kind of hold; what a hold takes lives in the kind's own table.
  await sql`
    create table inventory.hold (
      id uuid primary key,
      kind text not null check (kind in ('lodging', 'dining', 'retail')),
      venue_id text references inventory.venue (id),
      status text not null check (status in ('HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED')),
      expires_at timestamptz not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      confirmed_at timestamptz,
      ended_at timestamptz,
      end_reason text,
      check ((status in ('RELEASED', 'EXPIRED')) = (ended_at is not null)),
      check ((status = 'CONFIRMED') <= (confirmed_at is not null))
    )`.execute(db);
  await sql`create index hold_due on inventory.hold (expires_at) where status = 'HELD'`.execute(db);

  await sql`
    create table inventory.idempotency_key (
      scope text not null,
      key text not null check (length(key) between 1 and 255),
      fingerprint text not null,
      state text not null check (state in ('in_progress', 'completed')),
      response_status int,
      response_body jsonb,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      primary key (scope, key),
      check ((state = 'completed') = (response_status is not null))
    )`.execute(db);
  await sql`create index idempotency_key_expiry on inventory.idempotency_key (expires_at)`.execute(db);
}

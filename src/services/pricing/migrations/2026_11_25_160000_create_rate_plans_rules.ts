import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
// Venue and room type ids are references into the inventory service (checked there, never joined here);
// money is bigint minor units with its ISO 4217 currency; rates are integer basis points (1 bp = 0.01 %).
export async function up(db: Kysely<unknown>): Promise<void> {
  // EXCLUDE … WITH = on text needs btree_gist (loaded here too: pricing may run without inventory).
  await sql`create extension if not exists btree_gist`.execute(db);

  // One rate plan per room type: its base price per night is the start of every night's price.
  await sql`
    create table pricing.rate_plan (
      id uuid primary key,
      venue_id text not null check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      room_type_id text not null unique check (room_type_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      name text not null check (length(name) between 1 and 200),
      base_price bigint not null check (base_price between 0 and 100000000),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (venue_id, id)
    )`.execute(db);
  await sql`create index rate_plan_venue on pricing.rate_plan (venue_id)`.execute(db);

  // Seasons and events: nights in [starts_on, ends_on) get a nightly price or a percentage adjustment.
  // A rule belongs to a venue (rate_plan_id null: every room type) or to one of its rate plans (the
  // composite key makes "the plan is the venue's" a constraint). Within one scope, ranges never overlap.
  await sql`
    create table pricing.rate_override (
      id uuid primary key,
      venue_id text not null check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      rate_plan_id uuid,
      name text not null check (length(name) between 1 and 200),
      starts_on date not null,
      ends_on date not null,
      kind text not null check (kind in ('price', 'percent')),
      nightly_price bigint check (nightly_price between 0 and 100000000),
      currency char(3) check (currency ~ '^[A-Z]{3}$'),
      adjustment_bps int check (adjustment_bps between -10000 and 100000),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (starts_on < ends_on),
      check ((kind = 'price') = (nightly_price is not null and currency is not null)),
      check ((kind = 'percent') = (adjustment_bps is not null)),
      foreign key (venue_id, rate_plan_id) references pricing.rate_plan (venue_id, id) on delete cascade,
      constraint rate_override_no_overlap exclude using gist (
        venue_id with =,
        (coalesce(rate_plan_id::text, '')) with =,
        daterange(starts_on, ends_on) with &&
      )
    )`.execute(db);

  // Weekday rules: nights whose ISO weekday (1 = Monday … 7 = Sunday) is listed get the adjustment.
  await sql`
    create table pricing.weekday_rule (
      id uuid primary key,
      venue_id text not null check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      rate_plan_id uuid,
      name text not null check (length(name) between 1 and 200),
      weekdays int[] not null check (cardinality(weekdays) between 1 and 7 and weekdays <@ array[1, 2, 3, 4, 5, 6, 7]),
      adjustment_bps int not null check (adjustment_bps between -10000 and 100000 and adjustment_bps <> 0),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      foreign key (venue_id, rate_plan_id) references pricing.rate_plan (venue_id, id) on delete cascade
    )`.execute(db);
  await sql`create index weekday_rule_venue on pricing.weekday_rule (venue_id)`.execute(db);

  // Length-of-stay discounts: a stay of at least min_nights nights gets discount_bps off its nights.
  await sql`
    create table pricing.los_discount (
      id uuid primary key,
      venue_id text not null check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      rate_plan_id uuid,
      name text not null check (length(name) between 1 and 200),
      min_nights int not null check (min_nights between 1 and 365),
      discount_bps int not null check (discount_bps between 1 and 10000),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      foreign key (venue_id, rate_plan_id) references pricing.rate_plan (venue_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index los_discount_tier on pricing.los_discount (venue_id, (coalesce(rate_plan_id::text, '')), min_nights)`.execute(
    db,
  );

  await sql`
    create table pricing.idempotency_key (
      scope text not null,
      key text not null check (length(key) between 1 and 255),
      fingerprint text not null,
      state text not null check (state in ('in_progress', 'completed')),
      resource_id text,
      response_status int,
      response_body jsonb,
      created_at timestamptz not null,
      locked_at timestamptz,
      expires_at timestamptz not null,
      primary key (scope, key),
      check ((state = 'completed') = (response_status is not null))
    )`.execute(db);
  await sql`create index pricing_idempotency_expiry on pricing.idempotency_key (expires_at)`.execute(db);
}

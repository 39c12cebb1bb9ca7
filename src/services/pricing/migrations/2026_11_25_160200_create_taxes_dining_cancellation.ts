import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Tax lines of a venue, in `seq` order. A percentage line is inclusive (already inside the prices:
  // reported, not added) or exclusive (added on top); a fixed line (per night, cover or booking) is
  // always added on top.
  await sql`
    create table pricing.tax (
      id uuid primary key,
      seq bigint generated always as identity unique,
      venue_id text not null check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      name text not null check (length(name) between 1 and 200),
      kind text not null check (kind in ('percent', 'fixed')),
      rate_bps int check (rate_bps between 0 and 10000),
      amount bigint check (amount between 0 and 100000000),
      currency char(3) check (currency ~ '^[A-Z]{3}$'),
      per text check (per in ('night', 'cover', 'booking')),
      inclusive boolean not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((kind = 'percent') = (rate_bps is not null)),
      check ((kind = 'fixed') = (amount is not null and currency is not null and per is not null)),
      check (kind = 'percent' or not inclusive)
    )`.execute(db);
  await sql`create index tax_venue on pricing.tax (venue_id, seq)`.execute(db);

  // What a dining venue charges per cover: a price, or a deposit taken at booking.
  await sql`
    create table pricing.dining_price (
      venue_id text primary key check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      mode text not null check (mode in ('price', 'deposit')),
      per_cover bigint not null check (per_cover between 0 and 100000000),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);

  // Free until free_until_hours before arrival, then the late fee; the no-show fee when the guest never
  // came. One policy per venue (rate_plan_id null) and at most one per rate plan, which wins.
  await sql`
    create table pricing.cancellation_policy (
      id uuid primary key,
      venue_id text not null check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      rate_plan_id uuid,
      name text not null check (length(name) between 1 and 200),
      free_until_hours int not null check (free_until_hours between 0 and 8760),
      late_fee_kind text not null check (late_fee_kind in ('none', 'fixed', 'percent', 'first_night')),
      late_fee_amount bigint check (late_fee_amount between 0 and 100000000),
      late_fee_bps int check (late_fee_bps between 0 and 10000),
      no_show_fee_kind text not null check (no_show_fee_kind in ('none', 'fixed', 'percent', 'first_night')),
      no_show_fee_amount bigint check (no_show_fee_amount between 0 and 100000000),
      no_show_fee_bps int check (no_show_fee_bps between 0 and 10000),
      currency char(3) check (currency ~ '^[A-Z]{3}$'),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((late_fee_kind = 'fixed') = (late_fee_amount is not null)),
      check ((late_fee_kind = 'percent') = (late_fee_bps is not null)),
      check ((no_show_fee_kind = 'fixed') = (no_show_fee_amount is not null)),
      check ((no_show_fee_kind = 'percent') = (no_show_fee_bps is not null)),
      check ((late_fee_kind = 'fixed' or no_show_fee_kind = 'fixed') = (currency is not null)),
      foreign key (venue_id, rate_plan_id) references pricing.rate_plan (venue_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index cancellation_policy_scope on pricing.cancellation_policy (venue_id, (coalesce(rate_plan_id::text, '')))`.execute(
    db,
  );
}

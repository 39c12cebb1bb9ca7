import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // `uses` counts the active redemptions; it can never pass max_uses (null: unlimited), whatever races.
  await sql`
    create table pricing.promo_code (
      code text primary key check (code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'),
      description text not null default '' check (length(description) <= 500),
      kind text not null check (kind in ('percent', 'fixed')),
      discount_bps int check (discount_bps between 1 and 10000),
      amount bigint check (amount between 1 and 100000000),
      currency char(3) check (currency ~ '^[A-Z]{3}$'),
      valid_from timestamptz,
      valid_until timestamptz,
      max_uses int check (max_uses >= 0),
      uses int not null default 0,
      venue_id text check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      min_nights int check (min_nights between 1 and 365),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((kind = 'percent') = (discount_bps is not null)),
      check ((kind = 'fixed') = (amount is not null and currency is not null)),
      check (valid_from is null or valid_until is null or valid_from < valid_until),
      constraint promo_code_uses_within_max check (uses >= 0 and (max_uses is null or uses <= max_uses))
    )`.execute(db);

  // One row per (code, booking): a redeem inserts it ('redeemed') with uses + 1 in the same transaction,
  // so a retried redeem finds it and counts nothing. A release marks it 'released' and gives the use
  // back once; a release that comes first leaves a 'released' row (redeemed_at null), so a late redeem
  // for that booking is refused instead of taking a use nobody will give back.
  await sql`
    create table pricing.promo_redemption (
      id bigint generated always as identity primary key,
      code text not null references pricing.promo_code (code),
      booking_id text not null check (length(booking_id) between 1 and 100),
      status text not null check (status in ('redeemed', 'released')),
      redeemed_at timestamptz,
      released_at timestamptz,
      unique (code, booking_id),
      check ((status = 'redeemed') <= (redeemed_at is not null)),
      check ((status = 'released') = (released_at is not null))
    )`.execute(db);
}

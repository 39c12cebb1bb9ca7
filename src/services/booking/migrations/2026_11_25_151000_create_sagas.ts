import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A saga's progress: which step it finished last and what its compensations need (hold, payment
  // intent, promo code). The recovery job finishes or compensates sagas stuck past a timeout.
  await sql`
    create table booking.saga (
      id uuid primary key,
      booking_id uuid not null,
      kind text not null check (kind in ('create')),
      status text not null check (status in ('running', 'completed', 'compensated')),
      step text not null,
      data jsonb not null default '{}'::jsonb,
      outcome text,
      started_at timestamptz not null,
      updated_at timestamptz not null,
      unique (booking_id, kind)
    )`.execute(db);
  await sql`create index saga_unfinished on booking.saga (updated_at) where status = 'running'`.execute(db);

  await sql`alter table booking.booking add column promo_code text`.execute(db);
  await sql`alter table booking.booking add column amount_captured bigint not null default 0 check (amount_captured >= 0)`.execute(db);
  await sql`alter table booking.booking add column amount_refunded bigint not null default 0 check (amount_refunded >= 0)`.execute(db);
  await sql`alter table booking.booking add column cancellation_fee bigint check (cancellation_fee >= 0)`.execute(db);
  await sql`alter table booking.booking add constraint booking_refund_within_capture check (amount_refunded <= amount_captured)`.execute(
    db,
  );
}

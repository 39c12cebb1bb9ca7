import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Booking changes are recorded sagas too (issue 11): a booking has one create saga and any number
  // of change sagas, so the one-per-kind rule holds for 'create' only.
  await sql`alter table booking.saga drop constraint saga_kind_check`.execute(db);
  await sql`alter table booking.saga add constraint saga_kind_check check (kind in ('create', 'change'))`.execute(db);
  await sql`alter table booking.saga drop constraint saga_booking_id_kind_key`.execute(db);
  await sql`create unique index saga_one_create on booking.saga (booking_id) where kind = 'create'`.execute(db);
  await sql`create index saga_by_booking on booking.saga (booking_id)`.execute(db);
  // The request that made a transition (its idempotency key's resource id): a retry of a request whose
  // process died after the transition committed finds its own transition and answers it.
  await sql`alter table booking.booking_status_history add column request_id uuid`.execute(db);
}

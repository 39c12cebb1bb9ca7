import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Guest name, email and phone are stored sealed (AES-256-GCM, `pii1.<key id>.…`, see
  // platform/pii) in the columns they always had; beside them, keyed HMAC blind indexes of the
  // normalised email and phone serve exact-match lookups. Rows written before this migration hold
  // plain text and no index until `innkeeper keys rotate-pii` seals them (they read as they are meanwhile).
  await sql`alter table booking.booking add column guest_email_index text`.execute(db);
  await sql`alter table booking.booking add column guest_phone_index text`.execute(db);
  await sql`create index booking_guest_email_index on booking.booking (guest_email_index) where guest_email_index is not null`.execute(db);
  await sql`create index booking_guest_phone_index on booking.booking (guest_phone_index) where guest_phone_index is not null`.execute(db);
}

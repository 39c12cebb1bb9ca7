import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // When a guest's data was erased (GDPR article 17): the name reads "[erased]", email, phone, their
  // indexes and the special requests are gone; ids, dates and amounts stay for the accounts.
  await sql`alter table booking.booking add column guest_erased_at timestamptz`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
//
// The venue an intent pays for (a venue of the inventory service, as the booking service names it),
// so that a business user reads the intents of its organization's venues only. Nullable: intents
// created before, or without a venue, stay visible to admin and service callers only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table payment.payment_intent add column venue_id text check (venue_id ~ '^[A-Za-z0-9_.:-]{1,64}$')`.execute(db);
  await sql`create index payment_intent_venue on payment.payment_intent (venue_id, seq) where venue_id is not null`.execute(db);
}

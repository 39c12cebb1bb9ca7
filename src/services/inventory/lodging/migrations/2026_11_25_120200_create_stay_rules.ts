import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Restrictions per room type over [from_date, to_date): length of stay by arrival date, and dates
  // closed to arrival or to departure.
  await sql`
    create table inventory.stay_rule (
      id bigint generated always as identity primary key,
      room_type_id text not null references inventory.room_type (id),
      from_date date not null,
      to_date date not null,
      min_stay int check (min_stay between 1 and 365),
      max_stay int check (max_stay between 1 and 365),
      closed_to_arrival boolean not null default false,
      closed_to_departure boolean not null default false,
      check (from_date < to_date),
      check (min_stay is null or max_stay is null or min_stay <= max_stay)
    )`.execute(db);
  await sql`create index stay_rule_room_type on inventory.stay_rule (room_type_id, from_date)`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A hotel sells room types, not rooms. Prices are integer minor units of the venue's currency.
  // Rows of inventory.room_night exist for every night in [nights_from, nights_until] (the rolling
  // horizon); a night outside it has no row yet, counts as fully available and gets its row when taken.
  await sql`
    create table inventory.room_type (
      id text primary key check (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      venue_id text not null references inventory.venue (id),
      name text not null check (length(name) between 1 and 200),
      capacity_adults int not null check (capacity_adults between 1 and 100),
      price int not null check (price >= 0),
      total_quantity int not null check (total_quantity between 0 and 100000),
      overbooking_allowance int not null default 0 check (overbooking_allowance between 0 and 100000),
      active boolean not null default true,
      nights_from date not null,
      nights_until date not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (nights_from <= nights_until)
    )`.execute(db);
  await sql`create index room_type_venue on inventory.room_type (venue_id)`.execute(db);

  // The sellable capacity of one night (total − out of order + overbooking allowance, 0 when closed) and
  // what is taken of it: by holds, and directly (`reserved_direct`: /rooms, /inventory adjust, data sets).
  // Holds can only give back what they took, so a direct release can never take a held room.
  await sql`
    create table inventory.room_night (
      room_type_id text not null references inventory.room_type (id),
      night date not null,
      capacity int not null check (capacity >= 0),
      reserved int not null default 0,
      reserved_direct int not null default 0,
      out_of_order int not null default 0 check (out_of_order >= 0),
      closed boolean not null default false,
      demand_level text check (length(demand_level) between 1 and 20),
      primary key (room_type_id, night),
      constraint room_night_reserved_within_capacity check (reserved >= 0 and reserved <= capacity),
      constraint room_night_direct_within_reserved check (reserved_direct >= 0 and reserved_direct <= reserved)
    )`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Settings of a restaurant or cafe; times are venue-local (inventory.venue.time_zone).
  await sql`
    create table inventory.dining_settings (
      venue_id text primary key references inventory.venue (id),
      slot_minutes int not null default 15 check (slot_minutes between 5 and 120 and 1440 % slot_minutes = 0),
      default_duration_minutes int not null check (default_duration_minutes between 15 and 720),
      buffer_minutes int not null default 0 check (buffer_minutes between 0 and 240),
      pacing_covers int check (pacing_covers >= 1),
      updated_at timestamptz not null
    )`.execute(db);

  await sql`
    create table inventory.dining_duration_rule (
      venue_id text not null references inventory.dining_settings (venue_id) on delete cascade,
      max_party int not null check (max_party >= 1),
      minutes int not null check (minutes between 15 and 720),
      primary key (venue_id, max_party)
    )`.execute(db);

  // An interval of a service day; closes_minute past 1440 means the service ends after midnight.
  await sql`
    create table inventory.dining_hours (
      venue_id text not null references inventory.dining_settings (venue_id) on delete cascade,
      weekday smallint not null check (weekday between 1 and 7),
      opens_minute smallint not null check (opens_minute between 0 and 1439),
      closes_minute smallint not null check (closes_minute > opens_minute and closes_minute <= opens_minute + 1440),
      primary key (venue_id, weekday, opens_minute)
    )`.execute(db);

  await sql`
    create table inventory.dining_closed_date (
      venue_id text not null references inventory.dining_settings (venue_id) on delete cascade,
      date date not null,
      primary key (venue_id, date)
    )`.execute(db);

  await sql`
    create table inventory.dining_table (
      id uuid primary key,
      venue_id text not null references inventory.venue (id),
      name text not null check (length(name) between 1 and 100),
      min_seats int not null,
      max_seats int not null,
      area text not null check (length(area) between 1 and 100),
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (min_seats >= 1 and max_seats >= min_seats),
      check (max_seats <= 1000),
      unique (venue_id, name),
      unique (id, venue_id)
    )`.execute(db);
  await sql`create index dining_table_fit on inventory.dining_table (venue_id, max_seats, id) where active`.execute(db);

  // One table per dining hold. No table is ever given to two overlapping parties: the EXCLUDE
  // constraint is the last line of defense behind the allocation query.
  await sql`
    create table inventory.table_allocation (
      hold_id uuid primary key references inventory.hold (id),
      table_id uuid not null,
      venue_id text not null,
      party_size int not null check (party_size >= 1),
      during tstzrange not null,
      local_date date not null,
      local_time text not null check (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      duration_minutes int not null check (duration_minutes between 1 and 1440),
      buffer_minutes int not null check (buffer_minutes between 0 and 1440),
      active boolean not null default true,
      created_at timestamptz not null,
      ended_at timestamptz,
      foreign key (table_id, venue_id) references inventory.dining_table (id, venue_id),
      check (active = (ended_at is null)),
      check (not isempty(during) and lower_inc(during) and not upper_inc(during) and not lower_inf(during) and not upper_inf(during)),
      check (upper(during) - lower(during) = make_interval(mins => duration_minutes + buffer_minutes)),
      constraint table_allocation_no_overlap exclude using gist (table_id with =, during with &&) where (active)
    )`.execute(db);
  await sql`create index table_allocation_venue_during on inventory.table_allocation using gist (venue_id, during) where active`.execute(
    db,
  );
  await sql`create index table_allocation_venue_start on inventory.table_allocation (venue_id, lower(during)) where active`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['table_allocation', 'dining_table', 'dining_closed_date', 'dining_hours', 'dining_duration_rule', 'dining_settings']) {
    await sql`drop table if exists ${sql.id('inventory', t)}`.execute(db);
  }
}

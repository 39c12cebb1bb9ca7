import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The /rooms operations log: the client's uuid names one operation, once (primary key), so a
  // concurrent duplicate blocks on the key until the first commits, then replays its outcome.
  await sql`
    create table inventory.room_operation (
      uuid uuid primary key,
      operation text not null check (operation in ('RESERVE', 'RELEASE')),
      room_type_id text not null references inventory.room_type (id),
      check_in date not null,
      check_out date not null,
      status text not null check (status in ('SUCCESS', 'FAILED')),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (check_in < check_out)
    )`.execute(db);

  // Every other direct change of a night's reserved count (/inventory adjust, data sets), so that each
  // change is attributable: reserved_direct = Σ succeeded /rooms operations + Σ adjustments.
  await sql`
    create table inventory.room_night_adjustment (
      id bigint generated always as identity primary key,
      room_type_id text not null,
      night date not null,
      delta int not null check (delta <> 0),
      source text not null check (source in ('inventory-adjust', 'dataset')),
      reference text,
      created_at timestamptz not null,
      foreign key (room_type_id, night) references inventory.room_night (room_type_id, night)
    )`.execute(db);
  await sql`create index room_night_adjustment_night on inventory.room_night_adjustment (room_type_id, night)`.execute(db);
}

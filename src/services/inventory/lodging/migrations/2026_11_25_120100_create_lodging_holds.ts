import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The stay a lodging hold is for; `booked_check_out` keeps the original end after an early departure.
  await sql`
    create table inventory.lodging_hold (
      hold_id uuid primary key references inventory.hold (id),
      room_type_id text not null references inventory.room_type (id),
      check_in date not null,
      check_out date not null,
      booked_check_out date not null,
      quantity int not null check (quantity >= 1),
      check (check_in < check_out),
      check (check_out <= booked_check_out)
    )`.execute(db);

  // Exactly what a lodging hold took, night by night: what its release gives back.
  await sql`
    create table inventory.hold_night (
      hold_id uuid not null references inventory.hold (id),
      room_type_id text not null,
      night date not null,
      quantity int not null check (quantity >= 1),
      primary key (hold_id, night),
      foreign key (room_type_id, night) references inventory.room_night (room_type_id, night)
    )`.execute(db);
  // Finds the holds touching some nights (reclaiming expired holds before refusing a request).
  await sql`create index hold_night_room_night on inventory.hold_night (room_type_id, night)`.execute(db);
}

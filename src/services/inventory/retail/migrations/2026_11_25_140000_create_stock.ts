import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A delete only stamps deleted_at (holds and movements keep referring to the row), so product_id is
  // unique among live rows; a deleted item cannot hold reserved units.
  await sql`
    create table inventory.stock_item (
      id uuid primary key,
      product_id text not null check (product_id ~ '^[^\\s/]{1,100}$'),
      product_name text not null check (length(product_name) between 1 and 200),
      venue_id text references inventory.venue (id),
      quantity int not null,
      reserved_qty int not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz,
      constraint stock_item_quantities check (quantity >= 0 and reserved_qty >= 0 and reserved_qty <= quantity),
      constraint stock_item_quantity_limit check (quantity <= 1000000000),
      constraint stock_item_deleted_unreserved check (deleted_at is null or reserved_qty = 0)
    )`.execute(db);
  await sql`create unique index stock_item_live_product on inventory.stock_item (product_id) where deleted_at is null`.execute(db);
  await sql`create index stock_item_venue on inventory.stock_item (venue_id) where deleted_at is null`.execute(db);

  await sql`
    create table inventory.stock_hold (
      hold_id uuid primary key references inventory.hold (id),
      item_id uuid not null references inventory.stock_item (id),
      quantity int not null check (quantity > 0)
    )`.execute(db);
  await sql`create index stock_hold_item on inventory.stock_hold (item_id)`.execute(db);

  await sql`
    create table inventory.stock_movement (
      id bigint generated always as identity primary key,
      item_id uuid not null references inventory.stock_item (id),
      kind text not null check (kind in ('create', 'reduce', 'restock', 'set', 'commit')),
      quantity_delta int not null,
      quantity_after int not null check (quantity_after >= 0),
      hold_id uuid references inventory.hold (id),
      idempotency_key text,
      at timestamptz not null,
      check ((kind = 'commit') = (hold_id is not null)),
      check (kind in ('create', 'set') or quantity_delta <> 0)
    )`.execute(db);
  await sql`create index stock_movement_item on inventory.stock_movement (item_id, id)`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table booking.booking (
      id uuid primary key,
      booking_reference text not null unique check (booking_reference ~ '^BR-[0-9]{8}-[A-Z0-9]{6}$'),
      short_id char(7) not null unique check (short_id ~ '^[A-Z0-9]{7}$'),
      idempotency_key text,
      guest_id text not null,
      guest_name text not null,
      guest_email text,
      guest_phone text,
      venue_id text not null,
      venue_type text not null check (venue_type in ('hotel', 'restaurant', 'cafe')),
      venue_name text not null,
      booking_date date not null,
      booking_time time,
      duration_minutes int check (duration_minutes > 0),
      end_time timestamptz,
      party_size int not null check (party_size > 0),
      status text not null check (status in ('PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED')),
      version int not null default 1 check (version > 0),
      base_price bigint check (base_price >= 0),
      tax_amount bigint not null default 0 check (tax_amount >= 0),
      discount_amount bigint not null default 0 check (discount_amount >= 0),
      total_price bigint check (total_price >= 0),
      currency char(3) not null,
      payment_intent_id text,
      payment_status text,
      inventory_reservation_id uuid,
      inventory_item_id text,
      inventory_status text not null check (inventory_status in ('HELD', 'CONFIRMED', 'RELEASED')),
      special_requests text,
      internal_notes text,
      room_type_id text,
      room_type_name text,
      check_in date,
      check_out date,
      nights int check (nights > 0),
      adults int check (adults > 0),
      children int check (children >= 0),
      room_price bigint check (room_price >= 0),
      meal_plan text,
      market_segment text,
      booking_channel text,
      is_holiday boolean,
      source text not null,
      metadata jsonb not null default '{}'::jsonb,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      confirmed_at timestamptz,
      cancelled_at timestamptz,
      checked_in_at timestamptz,
      completed_at timestamptz,
      expires_at timestamptz,
      cancellation_reason text,
      cancelled_by text,
      check (check_in < check_out),
      check ((venue_type = 'hotel') = (room_type_id is not null and check_in is not null and check_out is not null)),
      check ((venue_type <> 'hotel') = (booking_time is not null)),
      check ((status = 'PENDING') <= (expires_at is not null)),
      check ((status = 'CANCELLED') = (cancelled_at is not null))
    )`.execute(db);
  await sql`create index booking_guest on booking.booking (guest_id, created_at desc)`.execute(db);
  await sql`create index booking_venue on booking.booking (venue_id, booking_date)`.execute(db);
  await sql`create index booking_status on booking.booking (status)`.execute(db);
  await sql`create index booking_date on booking.booking (booking_date)`.execute(db);
  await sql`create index booking_pending_expiry on booking.booking (expires_at) where status = 'PENDING'`.execute(db);
  await sql`create index booking_stays_to_complete on booking.booking (check_out) where status = 'CONFIRMED' and venue_type = 'hotel'`.execute(
    db,
  );

  await sql`
    create table booking.booking_status_history (
      id bigint generated always as identity primary key,
      booking_id uuid not null references booking.booking (id),
      from_status text check (from_status in ('PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED')),
      to_status text not null check (to_status in ('PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED')),
      changed_by text not null,
      reason text,
      created_at timestamptz not null,
      check (from_status is distinct from to_status)
    )`.execute(db);
  await sql`create index booking_status_history_booking on booking.booking_status_history (booking_id, id)`.execute(db);

  // Calls to other services decided by a booking change (release a hold, shorten a stay, refund,
  // void an authorization, give a promo use back), written in the same transaction as the change and
  // carried out after commit, retried by a job until done: nothing a cancelled or changed booking held
  // can leak, whatever crashes when. Each carries the idempotency key of its remote call.
  await sql`
    create table booking.task (
      id bigint generated always as identity primary key,
      booking_id uuid not null references booking.booking (id),
      action text not null check (action in ('release_hold', 'shorten_stay', 'refund_payment', 'void_payment', 'release_promo')),
      hold_id uuid,
      intent_id text,
      amount bigint check (amount > 0),
      check_out date,
      promo_code text,
      call_key text not null unique,
      reason text not null,
      created_at timestamptz not null,
      claimed_until timestamptz,
      attempts int not null default 0,
      last_error text,
      done_at timestamptz,
      check ((action in ('release_hold', 'shorten_stay')) = (hold_id is not null)),
      check ((action = 'shorten_stay') = (check_out is not null)),
      check ((action in ('refund_payment', 'void_payment')) = (intent_id is not null)),
      check ((action = 'refund_payment') = (amount is not null)),
      check ((action = 'release_promo') = (promo_code is not null))
    )`.execute(db);
  await sql`create index task_pending on booking.task (id) where done_at is null`.execute(db);

  // The transactional outbox: a state change and its event commit together; a relay publishes later.
  await sql`
    create table booking.outbox_event (
      seq bigint generated always as identity primary key,
      event_id uuid not null unique,
      event_type text not null,
      aggregate_id uuid not null,
      payload jsonb not null,
      occurred_at timestamptz not null,
      published_at timestamptz
    )`.execute(db);
  await sql`create index outbox_unpublished on booking.outbox_event (seq) where published_at is null`.execute(db);

  await sql`
    create table booking.idempotency_key (
      scope text not null,
      key text not null check (length(key) between 1 and 255),
      fingerprint text not null,
      state text not null check (state in ('in_progress', 'completed')),
      resource_id text,
      response_status int,
      response_body jsonb,
      created_at timestamptz not null,
      locked_at timestamptz,
      expires_at timestamptz not null,
      primary key (scope, key),
      check ((state = 'completed') = (response_status is not null))
    )`.execute(db);
  await sql`create index booking_idempotency_expiry on booking.idempotency_key (expires_at)`.execute(db);
}

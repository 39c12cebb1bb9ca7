import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
//
// Money is integer minor units (bigint) with an ISO 4217 code. A card's number and CVC never reach
// this schema: an intent keeps only the brand, the last four digits and the expiry.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payment.payment_intent (
      id text primary key check (id ~ '^pi_[A-Za-z0-9]{24}$'),
      seq bigint generated always as identity unique,
      status text not null check (status in ('requires_payment_method', 'requires_capture', 'succeeded', 'canceled')),
      amount bigint not null check (amount > 0 and amount <= 10000000000),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      amount_capturable bigint not null default 0,
      amount_received bigint not null default 0,
      amount_refunded bigint not null default 0,
      booking_id text check (length(booking_id) between 1 and 100),
      description text check (length(description) <= 1000),
      metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
      card_brand text check (card_brand in ('visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown')),
      card_last4 text check (card_last4 ~ '^[0-9]{4}$'),
      card_exp_month int check (card_exp_month between 1 and 12),
      card_exp_year int check (card_exp_year between 2000 and 2200),
      provider text not null check (length(provider) between 1 and 100),
      provider_reference text,
      decline_code text,
      decline_message text,
      cancellation_reason text check (length(cancellation_reason) <= 500),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      authorized_at timestamptz,
      captured_at timestamptz,
      canceled_at timestamptz,
      version int not null default 1 check (version > 0),
      -- The target of the (intent, currency) foreign keys: a ledger entry or refund is in its intent's currency.
      unique (id, currency),
      check (0 <= amount_refunded and amount_refunded <= amount_received and amount_received <= amount),
      check (0 <= amount_capturable and amount_capturable + amount_received <= amount),
      check ((status = 'requires_capture') = (amount_capturable > 0)),
      check ((status = 'requires_capture') <= (amount_capturable = amount)),
      check ((status = 'succeeded') = (amount_received > 0)),
      check ((status = 'succeeded') = (captured_at is not null)),
      check ((status = 'canceled') = (canceled_at is not null)),
      check ((status in ('requires_capture', 'succeeded')) <= (authorized_at is not null and provider_reference is not null and card_last4 is not null)),
      check ((card_last4 is null) = (card_brand is null)),
      check ((card_last4 is null) = (card_exp_month is null)),
      check ((card_last4 is null) = (card_exp_year is null)),
      check ((decline_code is null) = (decline_message is null)),
      check ((status in ('requires_capture', 'succeeded')) <= (decline_code is null))
    )`.execute(db);
  await sql`create index payment_intent_booking on payment.payment_intent (booking_id, seq) where booking_id is not null`.execute(db);

  await sql`
    create table payment.refund (
      id text primary key check (id ~ '^re_[A-Za-z0-9]{24}$'),
      seq bigint generated always as identity unique,
      intent_id text not null,
      amount bigint not null check (amount > 0),
      currency text not null,
      reason text check (length(reason) <= 500),
      provider_reference text not null,
      operation_id text not null unique,
      idempotency_key text,
      created_at timestamptz not null,
      foreign key (intent_id, currency) references payment.payment_intent (id, currency)
    )`.execute(db);
  await sql`create index refund_intent on payment.refund (intent_id, seq)`.execute(db);

  // The ledger: every movement of money on an intent, append-only, written in the same transaction as
  // the intent's change. Per intent: authorized − released − captured = amount_capturable,
  // captured = amount_received, refunded = amount_refunded = Σ refunds, refunded ≤ captured.
  await sql`
    create table payment.ledger_entry (
      id bigint generated always as identity primary key,
      intent_id text not null,
      kind text not null check (kind in ('authorization', 'authorization_release', 'capture', 'refund')),
      amount bigint not null check (amount > 0),
      currency text not null,
      operation_id text not null,
      idempotency_key text,
      refund_id text references payment.refund (id),
      provider_reference text,
      created_at timestamptz not null,
      foreign key (intent_id, currency) references payment.payment_intent (id, currency),
      unique (operation_id, kind),
      check ((kind = 'refund') = (refund_id is not null))
    )`.execute(db);
  await sql`create index ledger_entry_intent on payment.ledger_entry (intent_id, id)`.execute(db);

  await sql`
    create function payment.refuse_rewrite() returns trigger language plpgsql as $$
    begin
      raise exception 'payment.% is append-only: % is not allowed', tg_table_name, lower(tg_op) using errcode = '55000';
    end
    $$`.execute(db);
  for (const t of ['ledger_entry', 'refund']) {
    await sql`
      create trigger ${sql.id(`${t}_append_only`)} before update or delete on ${sql.id('payment', t)}
      for each row execute function payment.refuse_rewrite()`.execute(db);
    await sql`
      create trigger ${sql.id(`${t}_no_truncate`)} before truncate on ${sql.id('payment', t)}
      for each statement execute function payment.refuse_rewrite()`.execute(db);
  }

  // The ledger balances, checked by the database at commit (deferred), whatever code wrote the rows.
  await sql`
    create function payment.assert_ledger_balanced() returns trigger language plpgsql as $$
    declare
      v_id text;
      v_intent record;
      v_ledger record;
      v_refunds bigint;
    begin
      if tg_table_name = 'payment_intent' then v_id := new.id; else v_id := new.intent_id; end if;
      select amount_capturable, amount_received, amount_refunded into v_intent from payment.payment_intent where id = v_id;
      select
        coalesce(sum(amount) filter (where kind = 'authorization'), 0) as authorized,
        coalesce(sum(amount) filter (where kind = 'authorization_release'), 0) as released,
        coalesce(sum(amount) filter (where kind = 'capture'), 0) as captured,
        coalesce(sum(amount) filter (where kind = 'refund'), 0) as refunded
      into v_ledger from payment.ledger_entry where intent_id = v_id;
      select coalesce(sum(amount), 0) into v_refunds from payment.refund where intent_id = v_id;
      if v_ledger.authorized - v_ledger.released - v_ledger.captured <> v_intent.amount_capturable
        or v_ledger.captured <> v_intent.amount_received
        or v_ledger.refunded <> v_intent.amount_refunded
        or v_refunds <> v_intent.amount_refunded
        or v_ledger.refunded > v_ledger.captured then
        raise exception 'the payment ledger of % does not balance (authorized %, released %, captured %, refunded %; intent capturable %, received %, refunded %; refunds %)',
          v_id, v_ledger.authorized, v_ledger.released, v_ledger.captured, v_ledger.refunded,
          v_intent.amount_capturable, v_intent.amount_received, v_intent.amount_refunded, v_refunds
          using errcode = '23514';
      end if;
      return null;
    end
    $$`.execute(db);
  for (const t of ['payment_intent', 'ledger_entry', 'refund']) {
    await sql`
      create constraint trigger ${sql.id(`${t}_ledger_balanced`)} after insert or update on ${sql.id('payment', t)}
      deferrable initially deferred for each row execute function payment.assert_ledger_balanced()`.execute(db);
  }

  await sql`
    create table payment.idempotency_key (
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
  await sql`create index payment_idempotency_expiry on payment.idempotency_key (expires_at)`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
//
// A provider call is recorded before it is made (`pending`, committed), made with no transaction open,
// and settled afterwards (docs/adr/0007). `provider_key` is the idempotency key the processor sees:
// a retry or the recovery job that asks again under it can never move money twice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payment.provider_attempt (
      -- The operation id: also the ledger rows' operation_id and the refund's.
      id text primary key check (id ~ '^op_[A-Za-z0-9]{24}$'),
      seq bigint generated always as identity unique,
      intent_id text not null,
      currency text not null,
      operation text not null check (operation in ('authorize', 'capture', 'cancel', 'refund')),
      provider text not null check (length(provider) between 1 and 100),
      provider_key text not null unique check (length(provider_key) between 1 and 255),
      status text not null check (status in ('pending', 'succeeded', 'declined', 'failed')),
      -- authorize: the intent's amount; capture: captured; cancel: released; refund: refunded.
      amount bigint not null check (amount > 0),
      -- capture: the rest of the authorization it releases.
      released bigint not null default 0 check (released >= 0),
      -- The authorization's reference at the provider (capture, cancel, refund).
      authorization_reference text,
      -- authorize: the card tried (brand, last four digits, expiry: never its number or CVC).
      card_brand text check (card_brand in ('visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown')),
      card_last4 text check (card_last4 ~ '^[0-9]{4}$'),
      card_exp_month int check (card_exp_month between 1 and 12),
      card_exp_year int check (card_exp_year between 2000 and 2200),
      reason text check (length(reason) <= 500),
      -- The caller's Idempotency-Key, if one was sent (the ledger rows carry it; recovery frees it).
      idempotency_scope text,
      idempotency_key text,
      provider_reference text,
      decline_code text,
      decline_message text,
      created_at timestamptz not null,
      -- When the provider was last called under the key (a retry that resumes the call moves it).
      attempted_at timestamptz not null,
      settled_at timestamptz,
      foreign key (intent_id, currency) references payment.payment_intent (id, currency),
      check ((status = 'pending') = (settled_at is null)),
      check ((status = 'succeeded') = (provider_reference is not null)),
      check ((status = 'declined') = (decline_code is not null and decline_message is not null)),
      check (status <> 'declined' or operation = 'authorize'),
      check ((operation = 'authorize') = (card_last4 is not null)),
      check ((card_last4 is null) = (card_brand is null)),
      check ((card_last4 is null) = (card_exp_month is null)),
      check ((card_last4 is null) = (card_exp_year is null)),
      check ((operation = 'authorize') = (authorization_reference is null)),
      check (released = 0 or operation = 'capture'),
      check ((idempotency_scope is null) = (idempotency_key is null))
    )`.execute(db);
  // While an authorization, capture or void is in flight, nothing else may change the intent (refunds
  // reserve their amount instead and may overlap): the service checks, this refuses what slips past.
  await sql`
    create unique index provider_attempt_one_in_flight on payment.provider_attempt (intent_id)
    where status = 'pending' and operation <> 'refund'`.execute(db);
  await sql`create index provider_attempt_pending on payment.provider_attempt (attempted_at) where status = 'pending'`.execute(db);
  await sql`create index provider_attempt_intent on payment.provider_attempt (intent_id, seq)`.execute(db);

  // The local test provider's own books (NOT a real processor): what it did under each idempotency
  // key, so that a call repeated under a key answers the first result and retrieve-by-key is real.
  await sql`
    create table payment.local_test_charge (
      idempotency_key text primary key check (length(idempotency_key) between 1 and 255),
      operation text not null check (operation in ('authorize', 'capture', 'cancel', 'refund')),
      amount bigint check (amount >= 0),
      currency text check (currency ~ '^[A-Z]{3}$'),
      outcome text not null check (outcome in ('approved', 'declined')),
      reference text unique,
      decline_code text,
      decline_message text,
      created_at timestamptz not null,
      check ((outcome = 'approved') = (reference is not null)),
      check ((outcome = 'declined') = (decline_code is not null and decline_message is not null)),
      check (outcome = 'approved' or operation = 'authorize')
    )`.execute(db);
}

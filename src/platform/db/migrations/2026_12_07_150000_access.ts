import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
// Access control: the local issuer's signing keys (shared by every replica through the database),
// staff accounts, and API keys for the compatibility clients (only a hash of the secret is stored).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.signing_key (
      kid text primary key,
      alg text not null check (alg = 'EdDSA'),
      public_jwk jsonb not null,
      private_jwk jsonb not null,
      created_at timestamptz not null,
      -- A retired key signs nothing new; it still verifies the tokens it signed until they expire.
      retired_at timestamptz
    )`.execute(db);
  await sql`create unique index signing_key_one_active on platform.signing_key ((true)) where retired_at is null`.execute(db);
  await sql`
    create table platform.staff_user (
      id text primary key,
      email text not null,
      password_hash text not null,
      role text not null check (role in ('business', 'admin')),
      organization_id text,
      venues text[],
      created_at timestamptz not null,
      disabled_at timestamptz,
      check (role <> 'business' or organization_id is not null),
      check (email = lower(email) and email like '%_@_%')
    )`.execute(db);
  await sql`create unique index staff_user_email on platform.staff_user (email)`.execute(db);
  await sql`
    create table platform.api_key (
      id text primary key,
      name text not null,
      role text not null check (role in ('service', 'admin')),
      key_hash text not null unique,
      created_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
}

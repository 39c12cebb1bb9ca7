/** The access tables of the platform schema, as Kysely sees them (see the 2026_12_07_150000_access migration). */
import type { Kysely } from 'kysely';

export interface SigningKeyRow {
  kid: string;
  alg: 'EdDSA';
  public_jwk: Record<string, unknown>;
  private_jwk: Record<string, unknown>;
  created_at: Date;
  retired_at: Date | null;
}

export interface StaffUserRow {
  id: string;
  email: string;
  password_hash: string;
  role: 'business' | 'admin';
  organization_id: string | null;
  venues: string[] | null;
  created_at: Date;
  disabled_at: Date | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: 'service' | 'admin';
  key_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

export interface AuthTables {
  'platform.signing_key': SigningKeyRow;
  'platform.staff_user': StaffUserRow;
  'platform.api_key': ApiKeyRow;
}

export type AuthDB = Kysely<AuthTables>;

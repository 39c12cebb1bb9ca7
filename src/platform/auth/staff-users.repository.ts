/** Staff accounts (business and admin users of the console and the API). */
import { randomUUID } from 'node:crypto';
import type { AuthDB, StaffUserRow } from './auth.tables.js';

export interface StaffUser {
  readonly id: string;
  readonly email: string;
  readonly role: 'business' | 'admin';
  readonly organizationId: string | null;
  readonly venues: readonly string[] | null;
  readonly passwordHash: string;
}

function toUser(row: StaffUserRow): StaffUser {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    organizationId: row.organization_id,
    venues: row.venues,
    passwordHash: row.password_hash,
  };
}

export async function findStaffUserByEmail(db: AuthDB, email: string): Promise<StaffUser | undefined> {
  const row = await db
    .selectFrom('platform.staff_user')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

export interface NewStaffUser {
  readonly email: string;
  readonly role: 'business' | 'admin';
  readonly organizationId?: string | undefined;
  readonly venues?: readonly string[] | undefined;
  readonly passwordHash: string;
}

/** Adds an account, or replaces the password and grants of the account with that email. */
export async function upsertStaffUser(db: AuthDB, user: NewStaffUser, now: Date): Promise<StaffUser> {
  const values = {
    email: user.email.trim().toLowerCase(),
    password_hash: user.passwordHash,
    role: user.role,
    organization_id: user.organizationId ?? null,
    venues: user.venues === undefined ? null : [...user.venues],
  };
  const row = await db
    .insertInto('platform.staff_user')
    .values({ id: randomUUID(), ...values, created_at: now, disabled_at: null })
    .onConflict((oc) => oc.column('email').doUpdateSet({ ...values, disabled_at: null }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

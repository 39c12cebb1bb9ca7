/**
 * API keys for clients of the compatibility surfaces (their seed services had no authentication).
 * The secret is shown once at creation; only its SHA-256 is stored (a key is 32 random bytes, so a
 * fast hash is enough: there is nothing to guess).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyRow, AuthDB } from './auth.tables.js';

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: 'service' | 'admin';
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

const toKey = (row: Omit<ApiKeyRow, 'key_hash'>): ApiKey => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export const hashApiKey = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export async function createApiKey(
  db: AuthDB,
  input: { name: string; role: 'service' | 'admin' },
  now: Date,
): Promise<{ key: ApiKey; secret: string }> {
  const secret = `ik_${randomBytes(32).toString('base64url')}`;
  const row = await db
    .insertInto('platform.api_key')
    .values({ id: randomUUID(), name: input.name, role: input.role, key_hash: hashApiKey(secret), created_at: now, revoked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key: toKey(row), secret };
}

export async function findLiveApiKey(db: AuthDB, secret: string): Promise<ApiKey | undefined> {
  const row = await db
    .selectFrom('platform.api_key')
    .select(['id', 'name', 'role', 'created_at', 'revoked_at'])
    .where('key_hash', '=', hashApiKey(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : toKey(row);
}

export async function listApiKeys(db: AuthDB): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('platform.api_key')
    .select(['id', 'name', 'role', 'created_at', 'revoked_at'])
    .orderBy('created_at')
    .execute();
  return rows.map(toKey);
}

/** Revokes a key by id; false when there is no live key with that id. */
export async function revokeApiKey(db: AuthDB, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('platform.api_key')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Idempotency keys with Stripe semantics, for a service's own table `<schema>.idempotency_key`
 * (each service creates it in its migrations with the columns below):
 *
 *   scope text, key text, fingerprint text, state text ('in_progress' | 'completed'),
 *   response_status int, response_body jsonb, created_at timestamptz, expires_at timestamptz,
 *   primary key (scope, key)
 *
 * - same key + same request  → the stored status and body, nothing runs again;
 * - same key + other request → IDEMPOTENCY_KEY_REUSED (422);
 * - same key still running   → IDEMPOTENCY_IN_PROGRESS (409) (`begin`), or waits for it (`runLocal`).
 *
 * `runLocal` is for operations that are one local transaction: the key row is inserted first inside
 * that transaction, so a concurrent duplicate blocks on the unique key until the first commits and then
 * replays its answer — two duplicates can never both act. A domain failure (AppError < 500) rolls the
 * effect back and is then stored as the key's answer, so the same failure is replayed.
 */
import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { AppError, platformError } from '../errors.js';
import type { AnyDB } from './database.js';

export interface StoredResponse<B = unknown> {
  readonly status: number;
  readonly body: B;
  /** True when this answer was replayed from an earlier request with the same key. */
  readonly replayed: boolean;
}

export interface IdempotencyRequest {
  /** Principal and operation, e.g. `anonymous:inventory.hold.create`. */
  readonly scope: string;
  readonly key: string;
  /** Anything that identifies the request: it is canonicalised and hashed. */
  readonly request: unknown;
  readonly now: Date;
  readonly ttlMs: number;
}

interface KeyRow {
  fingerprint: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: unknown;
  expires_at: Date;
}

/** Stable JSON: object keys sorted, so the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function fingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function table(schema: string) {
  return sql`${sql.id(schema)}.${sql.id('idempotency_key')}`;
}

function replay<B>(row: KeyRow, fp: string): StoredResponse<B> {
  if (row.fingerprint !== fp) throw platformError('IDEMPOTENCY_KEY_REUSED');
  if (row.state !== 'completed' || row.response_status === null) throw platformError('IDEMPOTENCY_IN_PROGRESS');
  return { status: row.response_status, body: row.response_body as B, replayed: true };
}

async function readKey(
  db: AnyDB | Transaction<unknown>,
  schema: string,
  scope: string,
  key: string,
  now: Date,
): Promise<KeyRow | undefined> {
  const { rows } = await sql<KeyRow>`
    select fingerprint, state, response_status, response_body, expires_at
    from ${table(schema)} where scope = ${scope} and key = ${key} and expires_at > ${now}`.execute(db);
  return rows[0];
}

/** Removes an expired key so that it can be taken again. */
async function dropExpired(db: AnyDB | Transaction<unknown>, schema: string, scope: string, key: string, now: Date): Promise<void> {
  await sql`delete from ${table(schema)} where scope = ${scope} and key = ${key} and expires_at <= ${now}`.execute(db);
}

/**
 * Runs `effect` once per key inside one transaction. `effect` returns the response to store.
 */
export async function runLocal<B>(
  db: AnyDB,
  schema: string,
  req: IdempotencyRequest,
  effect: (trx: Transaction<unknown>) => Promise<{ status: number; body: B }>,
): Promise<StoredResponse<B>> {
  const fp = fingerprint(req.request);
  const expiresAt = new Date(req.now.getTime() + req.ttlMs);
  try {
    return await db.transaction().execute(async (trx) => {
      await dropExpired(trx, schema, req.scope, req.key, req.now);
      const inserted = await sql<{ key: string }>`
        insert into ${table(schema)} (scope, key, fingerprint, state, created_at, expires_at)
        values (${req.scope}, ${req.key}, ${fp}, 'in_progress', ${req.now}, ${expiresAt})
        on conflict (scope, key) do nothing
        returning key`.execute(trx);
      if (inserted.rows.length === 0) {
        const row = await readKey(trx, schema, req.scope, req.key, req.now);
        if (row === undefined) throw platformError('IDEMPOTENCY_IN_PROGRESS');
        return replay<B>(row, fp);
      }
      const response = await effect(trx);
      await sql`
        update ${table(schema)} set state = 'completed', response_status = ${response.status},
          response_body = ${JSON.stringify(response.body)}::jsonb
        where scope = ${req.scope} and key = ${req.key}`.execute(trx);
      return { ...response, replayed: false };
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500 || err.code.startsWith('IDEMPOTENCY_')) throw err;
    // The effect was refused (a 4xx): its transaction rolled back; store the refusal as this key's answer.
    const body = { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
    const stored = await sql<{ key: string }>`
      insert into ${table(schema)} (scope, key, fingerprint, state, response_status, response_body, created_at, expires_at)
      values (${req.scope}, ${req.key}, ${fp}, 'completed', ${err.status}, ${JSON.stringify(body)}::jsonb, ${req.now}, ${expiresAt})
      on conflict (scope, key) do nothing
      returning key`.execute(db);
    if (stored.rows.length === 0) {
      const row = await readKey(db, schema, req.scope, req.key, req.now);
      if (row !== undefined) return replay<B>(row, fp);
    }
    throw err;
  }
}

/** Deletes keys past their expiry; returns how many went. */
export async function purgeExpiredKeys(db: AnyDB, schema: string, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with gone as (delete from ${table(schema)} where expires_at <= ${now} returning 1)
    select count(*)::int as n from gone`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Replays a stored refusal as the same AppError, so a replayed 4xx renders exactly as the first. */
export function isStoredError(body: unknown): body is { error: { code: string; message: string; details?: unknown } } {
  return typeof body === 'object' && body !== null && 'error' in body;
}

/**
 * Idempotency keys with Stripe semantics, for a service's own table `<schema>.idempotency_key`
 * (each service creates it in its migrations with the columns below):
 *
 *   scope text, key text, fingerprint text, state text ('in_progress' | 'completed'),
 *   response_status int, response_body jsonb, created_at timestamptz, expires_at timestamptz,
 *   primary key (scope, key)
 *
 * (`beginKey` also needs `resource_id text` and `locked_at timestamptz`.)
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

export type BeginOutcome<B> =
  { readonly kind: 'new'; readonly resourceId: string | null } | { readonly kind: 'replay'; readonly response: StoredResponse<B> };

/**
 * For operations that call other services (a saga): takes the key in its own short transaction before
 * any side effect, so a concurrent duplicate sees it `in_progress` (409) and never acts. `resourceId`
 * names what the operation creates (e.g. the booking id), so that a retry after a crash — once the key
 * is older than `takeOverAfterMs` — resumes the same operation with the same downstream keys instead
 * of starting a second one. Finish with `completeKey` (inside the operation's last transaction) or
 * `abandonKey` (when nothing took effect).
 */
export async function beginKey<B>(
  db: AnyDB,
  schema: string,
  req: IdempotencyRequest & { readonly resourceId: string; readonly takeOverAfterMs: number },
): Promise<BeginOutcome<B>> {
  const fp = fingerprint(req.request);
  const expiresAt = new Date(req.now.getTime() + req.ttlMs);
  return db.transaction().execute(async (trx) => {
    await dropExpired(trx, schema, req.scope, req.key, req.now);
    const inserted = await sql<{ resource_id: string }>`
      insert into ${table(schema)} (scope, key, fingerprint, state, resource_id, created_at, locked_at, expires_at)
      values (${req.scope}, ${req.key}, ${fp}, 'in_progress', ${req.resourceId}, ${req.now}, ${req.now}, ${expiresAt})
      on conflict (scope, key) do nothing
      returning resource_id`.execute(trx);
    if (inserted.rows.length > 0) return { kind: 'new', resourceId: req.resourceId };
    const { rows } = await sql<KeyRow & { resource_id: string | null; locked_at: Date | null }>`
      select fingerprint, state, response_status, response_body, expires_at, resource_id, locked_at
      from ${table(schema)} where scope = ${req.scope} and key = ${req.key} for update`.execute(trx);
    const row = rows[0];
    if (row === undefined) throw platformError('IDEMPOTENCY_IN_PROGRESS');
    if (row.fingerprint !== fp) throw platformError('IDEMPOTENCY_KEY_REUSED');
    if (row.state === 'completed') return { kind: 'replay', response: replay<B>(row, fp) };
    const stale = row.locked_at === null || row.locked_at.getTime() + req.takeOverAfterMs <= req.now.getTime();
    if (!stale) throw platformError('IDEMPOTENCY_IN_PROGRESS');
    // The first attempt died mid-way: take the key over and resume the same operation.
    await sql`update ${table(schema)} set locked_at = ${req.now} where scope = ${req.scope} and key = ${req.key}`.execute(trx);
    return { kind: 'new', resourceId: row.resource_id };
  });
}

/** Stores the answer of a key taken with `beginKey`; call it inside the operation's final transaction. */
export async function completeKey(
  db: AnyDB | Transaction<unknown>,
  schema: string,
  scope: string,
  key: string,
  response: { status: number; body: unknown },
): Promise<void> {
  await sql`
    update ${table(schema)} set state = 'completed', response_status = ${response.status},
      response_body = ${JSON.stringify(response.body)}::jsonb, locked_at = null
    where scope = ${scope} and key = ${key}`.execute(db);
}

/** Frees a key taken with `beginKey` when the operation took no effect, so that a retry runs afresh. */
export async function abandonKey(db: AnyDB, schema: string, scope: string, key: string): Promise<void> {
  await sql`delete from ${table(schema)} where scope = ${scope} and key = ${key} and state = 'in_progress'`.execute(db);
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

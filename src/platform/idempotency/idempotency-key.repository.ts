/**
 * The SQL of a service's key table `<schema>.idempotency_key` (each service creates it in its
 * migrations):
 *
 *   scope text, key text, fingerprint text, state text ('in_progress' | 'completed'),
 *   response_status int, response_body jsonb, created_at timestamptz, expires_at timestamptz,
 *   primary key (scope, key), check ((state = 'completed') = (response_status is not null))
 *
 * The saga mode (saga-key.ts) also needs `resource_id text` and `locked_at timestamptz`.
 *
 * The table sits in the calling service's schema but outside its typed tables, so these functions
 * take any executor (`Kysely<DB>` or `Transaction<DB>` of whichever DB) and name the schema.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import type { JsonProtection } from '../pii/sealed-json.js';
import type { Rendered } from './stored-answer.js';

/** A connection or an open transaction of any service's typed database. */
export type KeyExecutor = QueryExecutorProvider;

/** One key: the service's schema, the scope (principal:operation[:resource]) and the caller's key. */
export interface KeyRef {
  readonly schema: string;
  readonly scope: string;
  readonly key: string;
  /** Applied to the stored answer on its way to the table and back (e.g. guest data sealed). */
  readonly protect?: JsonProtection | undefined;
}

/**
 * A key as stored. `body` is what this scope stored: the rendered answer (`B`, as JSON) or a
 * refusal's body; the caller names `B` because only it knows what its scope renders.
 */
export interface StoredKey<B> {
  readonly fingerprint: string;
  readonly state: 'in_progress' | 'completed';
  /** Null while in progress. */
  readonly status: number | null;
  /** What was stored with the status (meaningless while in progress). */
  readonly body: B;
}

export interface StoredSagaKey<B> extends StoredKey<B> {
  readonly resourceId: string | null;
  readonly lockedAt: Date | null;
}

interface KeyRow<B> {
  fingerprint: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: B;
}

interface SagaKeyRow<B> extends KeyRow<B> {
  resource_id: string | null;
  locked_at: Date | null;
}

const table = (schema: string) => sql`${sql.id(schema)}.${sql.id('idempotency_key')}`;
const json = (ref: KeyRef, body: unknown) =>
  sql`${JSON.stringify((ref.protect === undefined ? body : ref.protect.seal(body)) ?? null)}::jsonb`;

function rowToKey<B>(ref: KeyRef, r: KeyRow<B>): StoredKey<B> {
  const body = ref.protect === undefined || r.response_body === null ? r.response_body : (ref.protect.open(r.response_body) as B);
  return { fingerprint: r.fingerprint, state: r.state, status: r.response_status, body };
}

/** Removes the key if it has expired, so that it can be taken again. */
export async function dropExpiredKey(db: KeyExecutor, ref: KeyRef, now: Date): Promise<void> {
  await sql`delete from ${table(ref.schema)} where scope = ${ref.scope} and key = ${ref.key} and expires_at <= ${now}`.execute(db);
}

/**
 * Takes the key as `in_progress`; false when it exists. Inside a transaction, a concurrent insert of
 * the same key waits on the primary key until this one commits (then finds it) or rolls back.
 */
export async function insertRunningKey(
  db: KeyExecutor,
  ref: KeyRef,
  k: { readonly fingerprint: string; readonly now: Date; readonly expiresAt: Date },
): Promise<boolean> {
  const { rows } = await sql<{ key: string }>`
    insert into ${table(ref.schema)} (scope, key, fingerprint, state, created_at, expires_at)
    values (${ref.scope}, ${ref.key}, ${k.fingerprint}, 'in_progress', ${k.now}, ${k.expiresAt})
    on conflict (scope, key) do nothing
    returning key`.execute(db);
  return rows.length > 0;
}

/** Takes the key as `in_progress` for a saga, naming the resource it creates and locking it now. */
export async function insertSagaKey(
  db: KeyExecutor,
  ref: KeyRef,
  k: { readonly fingerprint: string; readonly now: Date; readonly expiresAt: Date; readonly resourceId: string },
): Promise<boolean> {
  const { rows } = await sql<{ key: string }>`
    insert into ${table(ref.schema)} (scope, key, fingerprint, state, resource_id, created_at, locked_at, expires_at)
    values (${ref.scope}, ${ref.key}, ${k.fingerprint}, 'in_progress', ${k.resourceId}, ${k.now}, ${k.now}, ${k.expiresAt})
    on conflict (scope, key) do nothing
    returning key`.execute(db);
  return rows.length > 0;
}

/** Stores a finished answer under a key not taken yet (a refusal whose effect rolled back); false when it exists. */
export async function insertAnsweredKey(
  db: KeyExecutor,
  ref: KeyRef,
  k: { readonly fingerprint: string; readonly now: Date; readonly expiresAt: Date; readonly answer: Rendered<unknown> },
): Promise<boolean> {
  const { rows } = await sql<{ key: string }>`
    insert into ${table(ref.schema)} (scope, key, fingerprint, state, response_status, response_body, created_at, expires_at)
    values (${ref.scope}, ${ref.key}, ${k.fingerprint}, 'completed', ${k.answer.status}, ${json(ref, k.answer.body)}, ${k.now}, ${k.expiresAt})
    on conflict (scope, key) do nothing
    returning key`.execute(db);
  return rows.length > 0;
}

/** The key unless it has expired. */
export async function findLiveKey<B>(db: KeyExecutor, ref: KeyRef, now: Date): Promise<StoredKey<B> | undefined> {
  const { rows } = await sql<KeyRow<B>>`
    select fingerprint, state, response_status, response_body
    from ${table(ref.schema)} where scope = ${ref.scope} and key = ${ref.key} and expires_at > ${now}`.execute(db);
  return rows[0] && rowToKey(ref, rows[0]);
}

/** The saga key, locked until the transaction ends. */
export async function lockSagaKey<B>(db: KeyExecutor, ref: KeyRef): Promise<StoredSagaKey<B> | undefined> {
  const { rows } = await sql<SagaKeyRow<B>>`
    select fingerprint, state, response_status, response_body, resource_id, locked_at
    from ${table(ref.schema)} where scope = ${ref.scope} and key = ${ref.key} for update`.execute(db);
  const r = rows[0];
  return r && { ...rowToKey(ref, r), resourceId: r.resource_id, lockedAt: r.locked_at };
}

/** A retry takes over a saga key whose first attempt died: it is locked again from `now`. */
export async function relockSagaKey(db: KeyExecutor, ref: KeyRef, now: Date): Promise<void> {
  await sql`update ${table(ref.schema)} set locked_at = ${now} where scope = ${ref.scope} and key = ${ref.key}`.execute(db);
}

/** Stores the answer of a key taken with `insertRunningKey`. */
export async function answerKey(db: KeyExecutor, ref: KeyRef, answer: Rendered<unknown>): Promise<void> {
  await sql`
    update ${table(ref.schema)} set state = 'completed', response_status = ${answer.status}, response_body = ${json(ref, answer.body)}
    where scope = ${ref.scope} and key = ${ref.key}`.execute(db);
}

/** Stores the answer of a key taken with `insertSagaKey`, and unlocks it. */
export async function answerSagaKey(db: KeyExecutor, ref: KeyRef, answer: Rendered<unknown>): Promise<void> {
  await sql`
    update ${table(ref.schema)} set state = 'completed', response_status = ${answer.status}, response_body = ${json(ref, answer.body)},
      locked_at = null
    where scope = ${ref.scope} and key = ${ref.key}`.execute(db);
}

/**
 * Unlocks a saga key still in progress without answering it: the next request with the key takes it
 * over at once and resumes the same resource (its first attempt's outcome is unknown, not failed).
 */
export async function unlockSagaKey(db: KeyExecutor, ref: KeyRef): Promise<void> {
  await sql`update ${table(ref.schema)} set locked_at = null where scope = ${ref.scope} and key = ${ref.key} and state = 'in_progress'`.execute(
    db,
  );
}

/** Frees a key still in progress. */
export async function deleteRunningKey(db: KeyExecutor, ref: KeyRef): Promise<void> {
  await sql`delete from ${table(ref.schema)} where scope = ${ref.scope} and key = ${ref.key} and state = 'in_progress'`.execute(db);
}

/** Deletes the schema's keys past their expiry; returns how many went. */
export async function purgeExpiredKeys(db: KeyExecutor, schema: string, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with gone as (delete from ${table(schema)} where expires_at <= ${now} returning 1)
    select count(*)::int as n from gone`.execute(db);
  return rows[0]?.n ?? 0;
}

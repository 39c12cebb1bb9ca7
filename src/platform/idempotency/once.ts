/**
 * Once-only use-cases with Stripe semantics (ARCHITECTURE rule 3, docs/adr/0003 and 0004), for an
 * operation that is one local transaction:
 *
 * - same key + same request  → the stored status and body, nothing runs again;
 * - same key + other request → IDEMPOTENCY_KEY_REUSED (422);
 * - same key still running   → the duplicate waits on the key's primary key until the first commits,
 *   then replays its answer — two duplicates can never both act;
 * - a refusal (AppError < 500) thrown by the effect rolls the effect back and is stored as the key's
 *   answer; a replay raises the same AppError again (`wasReplayed` tells the edge it was replayed);
 * - a refusal the effect returns as a `CommittedRefusal` commits with the effect (a card decline
 *   recorded on the intent) and is stored and raised the same way;
 * - a failure of ours (5xx, a crash) stores nothing, so a retry runs again;
 * - a key expires `ttlMs` after it was taken; then it names a new request.
 *
 * The use-case gets its own `Transaction<DB>` and returns a domain value; the route edge's `render`
 * turns the value into the status and body that are sent and stored.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { JsonProtection } from '../pii/sealed-json.js';
import { platformError, type AppError } from '../errors.js';
import { fingerprint } from './fingerprint.js';
import {
  answerKey,
  dropExpiredKey,
  findLiveKey,
  insertAnsweredKey,
  insertRunningKey,
  type KeyRef,
  type StoredKey,
} from './idempotency-key.repository.js';
import { isStorableRefusal, refusalAnswer, replayKey, type Answer, type RefusalBody, type Rendered } from './stored-answer.js';

export type { Answer, Rendered } from './stored-answer.js';
export { wasReplayed } from './stored-answer.js';

/** Where a service keeps its keys, and for how long. */
export interface OnceStore<DB> {
  readonly db: Kysely<DB>;
  /** The service's schema, which holds its `idempotency_key` table. */
  readonly schema: string;
  readonly clock: Clock;
  readonly ttlMs: number;
  /** What is done to stored answers on their way to the table and back (the booking service seals guest data). */
  readonly protect?: JsonProtection;
}

/** The caller's key in its scope: principal and operation (and the surface, where answers render differently). */
export interface ScopedKey {
  readonly scope: string;
  readonly key: string;
}

/** A key and the request it names (anything that identifies it: canonicalised and hashed). */
export interface OnceKey extends ScopedKey {
  readonly request: unknown;
}

/** How the route edge answers with a use-case's value: the status and body sent, and stored under the key. */
export type Render<T, R> = (value: T) => Rendered<R>;

/** What the route edge hands a once-only use-case: how to render its value, and the caller's key if one was sent. */
export interface Output<T, R> {
  readonly render: Render<T, R>;
  readonly key?: ScopedKey | undefined;
}

/** The caller's key under `scope`, or undefined when none was sent. */
export function scopedKey(scope: string, key: string | undefined): ScopedKey | undefined {
  return key === undefined || key === '' ? undefined : { scope, key };
}

/** The key with the request it names (the use-case knows what identifies its request). */
export function onceKey(key: ScopedKey | undefined, request: unknown): OnceKey | undefined {
  return key && { scope: key.scope, key: key.key, request };
}

/**
 * A refusal that commits with the effect's writes (a decline recorded on the intent, expired holds
 * reclaimed before refusing). The effect returns it instead of throwing; `runOnce` commits, stores it
 * as the key's answer and raises `error`.
 */
export class CommittedRefusal {
  constructor(readonly error: AppError) {
    if (error.status >= 500) throw new Error(`a committed refusal is a 4xx; ${error.code} is ${error.status}`);
  }
}

type Settled<R> =
  | { readonly kind: 'answered'; readonly answer: Rendered<R> }
  | { readonly kind: 'refused'; readonly error: AppError }
  | { readonly kind: 'taken'; readonly stored: StoredKey<R | RefusalBody> | undefined };

/**
 * Runs `effect` in one transaction, once per key when `key` is given (each time otherwise), and
 * answers with `render(value)`.
 */
export async function runOnce<DB, T, R>(
  store: OnceStore<DB>,
  key: OnceKey | undefined,
  render: Render<T, R>,
  effect: (trx: Transaction<DB>, now: Date) => Promise<T | CommittedRefusal>,
): Promise<Answer<R>> {
  const now = store.clock.now();
  if (key === undefined) {
    const value = await store.db.transaction().execute((trx) => effect(trx, now));
    if (value instanceof CommittedRefusal) throw value.error;
    return { ...render(value), replayed: false };
  }
  const ref: KeyRef = { schema: store.schema, scope: key.scope, key: key.key, protect: store.protect };
  const fp = fingerprint(key.request);
  const expiresAt = new Date(now.getTime() + store.ttlMs);
  let settled: Settled<R>;
  try {
    settled = await store.db.transaction().execute(async (trx): Promise<Settled<R>> => {
      await dropExpiredKey(trx, ref, now);
      if (!(await insertRunningKey(trx, ref, { fingerprint: fp, now, expiresAt }))) {
        return { kind: 'taken', stored: await findLiveKey<R | RefusalBody>(trx, ref, now) };
      }
      const value = await effect(trx, now);
      if (value instanceof CommittedRefusal) {
        await answerKey(trx, ref, refusalAnswer(value.error));
        return { kind: 'refused', error: value.error };
      }
      const answer = render(value);
      await answerKey(trx, ref, answer);
      return { kind: 'answered', answer };
    });
  } catch (err) {
    if (!isStorableRefusal(err)) throw err;
    // The effect was refused: its transaction rolled back; store the refusal as this key's answer.
    if (await insertAnsweredKey(store.db, ref, { fingerprint: fp, now, expiresAt, answer: refusalAnswer(err) })) throw err;
    // A concurrent request with the key answered first: this one gets that answer.
    const stored = await findLiveKey<R | RefusalBody>(store.db, ref, now);
    if (stored === undefined) throw err;
    return replayKey(stored, fp);
  }
  switch (settled.kind) {
    case 'answered':
      return { ...settled.answer, replayed: false };
    case 'refused':
      throw settled.error;
    case 'taken':
      if (settled.stored === undefined) throw platformError('IDEMPOTENCY_IN_PROGRESS');
      return replayKey(settled.stored, fp);
  }
}

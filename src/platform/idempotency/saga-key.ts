/**
 * Once-only for operations that call other services (a saga): the same answers as `runOnce`
 * (once.ts), but the key is taken in its own short transaction before any side effect, since no
 * transaction may stay open across a remote call. A concurrent duplicate sees the key `in_progress`
 * and is refused with IDEMPOTENCY_IN_PROGRESS (409) instead of waiting. `resourceId` names what the
 * operation creates (e.g. the booking id), so that a retry after a crash — once the key is older than
 * `takeOverAfterMs` — resumes the same operation with the same downstream keys instead of starting a
 * second one. Finish with `completeKey` (or `refuseKey`), inside the operation's last transaction
 * when it has one, or `abandonKey` when nothing took effect.
 */
import { platformError, type AppError } from '../errors.js';
import { fingerprint } from './fingerprint.js';
import {
  answerSagaKey,
  deleteRunningKey,
  dropExpiredKey,
  insertSagaKey,
  lockSagaKey,
  relockSagaKey,
  unlockSagaKey,
  type KeyExecutor,
  type KeyRef,
} from './idempotency-key.repository.js';
import type { OnceKey, OnceStore } from './once.js';
import { refusalAnswer, replayKey, type Answer, type RefusalBody, type Rendered } from './stored-answer.js';

export interface SagaKeyRequest extends OnceKey {
  /** What a first attempt creates; a takeover resumes with the stored one. */
  readonly resourceId: string;
  readonly takeOverAfterMs: number;
}

export type BeginOutcome<R> =
  { readonly kind: 'new'; readonly resourceId: string | null } | { readonly kind: 'replay'; readonly answer: Answer<R> };

/**
 * Takes the key, or answers what it stores. Throws IDEMPOTENCY_KEY_REUSED (422) for another request
 * under the key, IDEMPOTENCY_IN_PROGRESS (409) while the first attempt runs, and a stored refusal
 * raised again (`wasReplayed` is true for it).
 */
export async function beginKey<DB, R>(store: OnceStore<DB>, req: SagaKeyRequest): Promise<BeginOutcome<R>> {
  const ref: KeyRef = { schema: store.schema, scope: req.scope, key: req.key, protect: store.protect };
  const fp = fingerprint(req.request);
  const now = store.clock.now();
  const expiresAt = new Date(now.getTime() + store.ttlMs);
  const stored = await store.db.transaction().execute(async (trx) => {
    await dropExpiredKey(trx, ref, now);
    if (await insertSagaKey(trx, ref, { fingerprint: fp, now, expiresAt, resourceId: req.resourceId })) {
      return { kind: 'new' as const, resourceId: req.resourceId };
    }
    const row = await lockSagaKey<R | RefusalBody>(trx, ref);
    if (row === undefined) throw platformError('IDEMPOTENCY_IN_PROGRESS');
    if (row.fingerprint !== fp) throw platformError('IDEMPOTENCY_KEY_REUSED');
    if (row.state === 'completed') return { kind: 'answered' as const, row };
    const stale = row.lockedAt === null || row.lockedAt.getTime() + req.takeOverAfterMs <= now.getTime();
    if (!stale) throw platformError('IDEMPOTENCY_IN_PROGRESS');
    // The first attempt died mid-way: take the key over and resume the same operation.
    await relockSagaKey(trx, ref, now);
    return { kind: 'new' as const, resourceId: row.resourceId };
  });
  return stored.kind === 'new' ? stored : { kind: 'replay', answer: replayKey(stored.row, fp) };
}

/** Stores the answer of a key taken with `beginKey` (pass the operation's final transaction when it has one). */
export async function completeKey(db: KeyExecutor, ref: KeyRef, answer: Rendered<unknown>): Promise<void> {
  await answerSagaKey(db, ref, answer);
}

/** Stores a refusal (4xx) as the answer of a key taken with `beginKey`; a replay raises it again. */
export async function refuseKey(db: KeyExecutor, ref: KeyRef, err: AppError): Promise<void> {
  await answerSagaKey(db, ref, refusalAnswer(err));
}

/** Frees a key taken with `beginKey` when the operation took no effect, so that a retry runs afresh. */
export async function abandonKey(db: KeyExecutor, ref: KeyRef): Promise<void> {
  await deleteRunningKey(db, ref);
}

/**
 * Unlocks a key taken with `beginKey` whose operation's outcome is unknown (a remote call that did not
 * answer): the next request with the key takes it over at once, with the same `resourceId`, and resumes
 * the operation instead of starting a second one.
 */
export async function releaseKey(db: KeyExecutor, ref: KeyRef): Promise<void> {
  await unlockSagaKey(db, ref);
}

/**
 * Once-only for an operation around one call that must not run inside a database transaction (a card
 * processor: ARCHITECTURE rule 7, docs/adr/0007). The answers are those of `runOnce` (once.ts):
 *
 * - same key + same request  → the stored status and body;
 * - same key + other request → IDEMPOTENCY_KEY_REUSED (422);
 * - same key still running   → the duplicate waits (a bounded, real-time poll) for the first to
 *   answer and replays it; past the wait, IDEMPOTENCY_IN_PROGRESS (409);
 * - a refusal (4xx) is stored as the key's answer, a `CommittedRefusal` too, with the settlement;
 * - a failure of ours before anything was recorded stores nothing (a retry runs afresh).
 *
 * The work is three short transactions and the call between them, none open during the call:
 *
 *   1. `record` (committed): decide, and write what is about to be called (`pending`);
 *   2. `call`, with no transaction open;
 *   3. `settle` (committed with the key's answer): apply what the call answered.
 *
 * The key is taken first (saga mode, saga-key.ts) naming the operation id as its resource, so a retry
 * that takes the key over resumes the same recorded call under the same downstream key. When the call
 * fails with its outcome unknown (a lost answer), the record stays `pending` for the owner's recovery,
 * and the key is unlocked so that a retry resumes it at once rather than waiting out the takeover.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transaction } from 'kysely';
import { isAppError, platformError, type AppError } from '../errors.js';
import type { KeyRef } from './idempotency-key.repository.js';
import { CommittedRefusal, type OnceKey, type OnceStore, type Render } from './once.js';
import { abandonKey, beginKey, completeKey, refuseKey, releaseKey, type BeginOutcome } from './saga-key.js';
import { isStorableRefusal, type Answer, type Rendered } from './stored-answer.js';

/** What `record` decided. */
export type Recorded<P, T> =
  /** Call with `pending` (just recorded, or recorded by an earlier attempt that this one resumes). */
  | { readonly kind: 'call'; readonly pending: P }
  /** Nothing to call: the value is the answer (a no-op, or a call an earlier attempt already settled). */
  | { readonly kind: 'done'; readonly value: T }
  /** Another call on the same resource is in flight: wait for it to settle, then decide again. */
  | { readonly kind: 'busy' };

export interface AroundCall<DB, P, O, T> {
  /**
   * Transaction 1. `operationId` names this operation: a fresh one, or, when a retry took the key
   * over, the first attempt's (look it up, and resume it). A refusal thrown here is the key's answer.
   */
  readonly record: (trx: Transaction<DB>, operationId: string, now: Date) => Promise<Recorded<P, T>>;
  /** The call, with no transaction open. */
  readonly call: (pending: P) => Promise<O>;
  /** Transaction 2: apply the call's outcome (once: a concurrent settler of the same record finds it settled). */
  readonly settle: (trx: Transaction<DB>, pending: P, outcome: O, now: Date) => Promise<T | CommittedRefusal>;
  /** The error (5xx) answered when the call failed with its outcome unknown; `pending` stays recorded. */
  readonly unanswered: (pending: P, err: unknown) => AppError;
  /** The refusal answered when `record` stayed busy for the whole wait (not stored: a retry may succeed). */
  readonly busy: () => AppError;
}

export interface AroundCallOptions {
  /** A fresh operation id (the key's resource). */
  readonly newOperationId: () => string;
  /** A key still locked this long (injected clock) after it was taken is taken over by a retry: its first attempt died. */
  readonly takeOverAfterMs: number;
  /** How long (real time, ms) a duplicate or a busy `record` waits for the other call; 5 s by default. */
  readonly waitMs?: number;
}

const DEFAULT_WAIT_MS = 5_000;

/** Waiting for another request is not business time: it polls in real time, briefly, with backoff. */
async function poll<T>(deadline: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const done = await attempt();
    if (done !== undefined || Date.now() >= deadline) return done;
    await sleep(delay);
  }
}

export async function runOnceAroundCall<DB, P, O, T, R>(
  store: OnceStore<DB>,
  key: OnceKey | undefined,
  render: Render<T, R>,
  options: AroundCallOptions,
  steps: AroundCall<DB, P, O, T>,
): Promise<Answer<R>> {
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  const fresh = options.newOperationId();
  let operationId = fresh;
  let ref: KeyRef | undefined;
  if (key !== undefined) {
    const request = { ...key, resourceId: fresh, takeOverAfterMs: options.takeOverAfterMs };
    const begun = await poll(deadline, async (): Promise<BeginOutcome<R> | undefined> => {
      try {
        return await beginKey<DB, R>(store, request);
      } catch (err) {
        if (isAppError(err, 'IDEMPOTENCY_IN_PROGRESS')) return undefined;
        throw err;
      }
    });
    // Still running after the whole wait: the duplicate is refused as in progress.
    if (begun === undefined) throw platformError('IDEMPOTENCY_IN_PROGRESS');
    if (begun.kind === 'replay') return begun.answer;
    operationId = begun.resourceId ?? fresh;
    ref = { schema: store.schema, scope: key.scope, key: key.key, protect: store.protect };
  }
  const keyRef = ref;
  const resumed = operationId !== fresh;

  // 1. Record.
  let recorded: Recorded<P, T> | undefined;
  try {
    recorded = await poll(deadline, async () => {
      const r = await store.db.transaction().execute((trx) => steps.record(trx, operationId, store.clock.now()));
      return r.kind === 'busy' ? undefined : r;
    });
  } catch (err) {
    if (keyRef !== undefined) {
      if (isStorableRefusal(err)) await refuseKey(store.db, keyRef, err);
      // Nothing new was recorded; a resumed key keeps naming its first attempt.
      else await (resumed ? releaseKey(store.db, keyRef) : abandonKey(store.db, keyRef));
    }
    throw err;
  }
  if (recorded === undefined) {
    if (keyRef !== undefined) await (resumed ? releaseKey(store.db, keyRef) : abandonKey(store.db, keyRef));
    throw steps.busy();
  }
  if (recorded.kind === 'done') {
    const answer = render(recorded.value);
    if (keyRef !== undefined) await completeKey(store.db, keyRef, answer);
    return { ...answer, replayed: false };
  }
  const pending = recorded.pending;

  // 2. Call, no transaction open.
  let outcome: O;
  try {
    outcome = await steps.call(pending);
  } catch (err) {
    // The outcome is unknown: the record stays pending (the owner's recovery settles it), and a retry
    // with the key resumes it under the same downstream key.
    if (keyRef !== undefined) await releaseKey(store.db, keyRef);
    throw steps.unanswered(pending, err);
  }

  // 3. Settle, with the key's answer in the same transaction.
  type Settled = { readonly kind: 'answered'; readonly answer: Rendered<R> } | { readonly kind: 'refused'; readonly error: AppError };
  let settled: Settled;
  try {
    settled = await store.db.transaction().execute(async (trx): Promise<Settled> => {
      const value = await steps.settle(trx, pending, outcome, store.clock.now());
      if (value instanceof CommittedRefusal) {
        if (keyRef !== undefined) await refuseKey(trx, keyRef, value.error);
        return { kind: 'refused', error: value.error };
      }
      const answer = render(value);
      if (keyRef !== undefined) await completeKey(trx, keyRef, answer);
      return { kind: 'answered', answer };
    });
  } catch (err) {
    // The call took effect but was not settled here: recovery settles it; a retry resumes it.
    if (keyRef !== undefined) await releaseKey(store.db, keyRef);
    throw err;
  }
  if (settled.kind === 'refused') throw settled.error;
  return { ...settled.answer, replayed: false };
}

/**
 * A failure that may have taken effect: the operation stopped with work recorded but not finished (a
 * saga left running for recovery, its last call unanswered). Such a failure must not free the caller's
 * idempotency key: a retry under the key has to resume the same operation (the key's resource id)
 * once the first attempt is presumed dead, never start a second one that books or charges again.
 */
const inDoubt = new WeakSet<object>();

/** Marks `err` as in doubt and returns it. */
export function markInDoubt<E>(err: E): E {
  if (typeof err === 'object' && err !== null) inDoubt.add(err);
  return err;
}

export function isInDoubt(err: unknown): boolean {
  return typeof err === 'object' && err !== null && inDoubt.has(err);
}

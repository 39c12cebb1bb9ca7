/**
 * What a key stores and how it is handed back. A success is stored as the route edge rendered it
 * (status + body, replayed as is); a refusal is stored as its error (code, message, details) and
 * replayed by raising the same AppError again, so each surface's own error renderer renders it — the
 * canonical `{ "error": … }` and the compatibility `{ "detail": … }` alike.
 */
import { AppError, platformError } from '../errors.js';
import type { StoredKey } from './idempotency-key.repository.js';

/** An answer as the route edge sends it, and as a key stores it. */
export interface Rendered<R> {
  readonly status: number;
  readonly body: R;
}

export interface Answer<R> extends Rendered<R> {
  /** True when this answer was replayed from an earlier request with the same key. */
  readonly replayed: boolean;
}

/**
 * How a refusal is kept under its key. This is the storage format (rows written before this module
 * existed use it too), deliberately not the HTTP renderer: changing how errors render must not change
 * what old keys replay.
 */
export interface RefusalBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

export function refusalAnswer(err: AppError): Rendered<RefusalBody> {
  return {
    status: err.status,
    body: { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } },
  };
}

/** A refusal (4xx) is the key's answer; our failures (5xx) and the key's own refusals are not. */
export function isStorableRefusal(err: unknown): err is AppError {
  return err instanceof AppError && err.status < 500 && !err.code.startsWith('IDEMPOTENCY_');
}

function isRefusalBody(body: unknown): body is RefusalBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const e = body.error;
  return (
    typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' && 'message' in e && typeof e.message === 'string'
  );
}

const replayedRefusals = new WeakSet<Error>();

/** Whether a refusal was raised again from an earlier request's key (the edge may say so in a header). */
export function wasReplayed(err: unknown): boolean {
  return err instanceof Error && replayedRefusals.has(err);
}

/**
 * Hands back what the key stores for a request with fingerprint `fp`: the stored answer, or the
 * stored refusal raised again. Another request under the key is IDEMPOTENCY_KEY_REUSED (422); a key
 * still running is IDEMPOTENCY_IN_PROGRESS (409).
 */
export function replayKey<R>(stored: StoredKey<R | RefusalBody>, fp: string): Answer<R> {
  if (stored.fingerprint !== fp) throw platformError('IDEMPOTENCY_KEY_REUSED');
  if (stored.state !== 'completed' || stored.status === null) throw platformError('IDEMPOTENCY_IN_PROGRESS');
  const body = stored.body;
  if (isRefusalBody(body)) {
    const err = new AppError(body.error.code, body.error.message, body.error.details);
    replayedRefusals.add(err);
    throw err;
  }
  return { status: stored.status, body, replayed: true };
}

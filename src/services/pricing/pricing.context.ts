/**
 * What the pricing use-cases need, and how a mutating use-case runs: one transaction, once per
 * Idempotency-Key when the caller sent one (platform `runLocal`: a duplicate waits and replays the
 * stored answer, a refusal included; the same key with another request is 422).
 */
import { isStoredError, runLocal } from '../../platform/db/idempotency.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { PricingDb, PricingTrx } from './pricing.tables.js';

export interface PricingContext {
  readonly db: PricingDb;
  readonly clock: Clock;
  readonly idempotencyTtlMs: number;
}

/** An Idempotency-Key, the scope it lives in (principal:operation[:resource]) and the request it names. */
export interface Once {
  readonly scope: string;
  readonly key: string;
  readonly request: unknown;
}

/** How the caller wants a use-case's result: rendered for its surface, with which status, keyed or not. */
export interface Output<T, B> {
  readonly render: (value: T) => B;
  readonly status: number;
  readonly once?: Once | undefined;
}

export interface Answer<B> {
  readonly status: number;
  readonly body: B;
  readonly replayed: boolean;
}

/** Runs `effect` in one transaction (once per key), returning its rendered answer. */
export async function runUseCase<T, B>(
  ctx: PricingContext,
  out: Output<T, B>,
  effect: (trx: PricingTrx, now: Date) => Promise<T>,
): Promise<Answer<B>> {
  const now = ctx.clock.now();
  if (out.once === undefined) {
    const value = await ctx.db.transaction().execute((trx) => effect(trx, now));
    return { status: out.status, body: out.render(value), replayed: false };
  }
  const stored = await runLocal<unknown>(
    ctx.db,
    'pricing',
    { scope: out.once.scope, key: out.once.key, request: out.once.request, now, ttlMs: ctx.idempotencyTtlMs },
    async (trx) => ({ status: out.status, body: out.render(await effect(trx as unknown as PricingTrx, now)) }),
  );
  if (isStoredError(stored.body)) throw new AppError(stored.body.error.code, stored.body.error.message, stored.body.error.details);
  return { status: stored.status, body: stored.body as B, replayed: stored.replayed };
}

/** The SQLSTATE of a database error (23505 unique, 23503 foreign key, 23P01 exclusion, 23514 check). */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs `query`; a database error with one of `states` becomes `error()`. */
export async function mapSqlErrors<T>(query: () => Promise<T>, states: Record<string, () => AppError>): Promise<T> {
  try {
    return await query();
  } catch (err) {
    const state = sqlState(err);
    const mapped = state === undefined ? undefined : states[state];
    if (mapped !== undefined) throw mapped();
    throw err;
  }
}

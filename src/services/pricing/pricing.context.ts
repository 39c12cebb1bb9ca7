/**
 * What the pricing use-cases need, and how a mutating use-case runs: one transaction, once per
 * Idempotency-Key when the caller sent one (platform `runOnce`: a duplicate waits and replays the
 * stored answer, a refusal included; the same key with another request is 422).
 */
import { recordAudit, type AuditActor } from '../../platform/audit/audit.repository.js';
import type { Clock } from '../../platform/clock.js';
import type { AppError } from '../../platform/errors.js';
import { runOnce, type Answer as OnceAnswer, type OnceKey } from '../../platform/idempotency/once.js';
import type { VenueDirectory } from './clients/inventory.client.js';
import type { PricingDb, PricingTrx } from './pricing.tables.js';

export interface PricingContext {
  readonly db: PricingDb;
  /** Which venues an organization has (the inventory service): what a business caller may administer. */
  readonly venues: VenueDirectory;
  readonly clock: Clock;
  readonly idempotencyTtlMs: number;
}

/** An Idempotency-Key, the scope it lives in (principal:operation[:resource]) and the request it names. */
export type Once = OnceKey;

/** How the caller wants a use-case's result: rendered for its surface, with which status, keyed or not. */
export interface Output<T, B> {
  readonly render: (value: T) => B;
  readonly status: number;
  readonly once?: Once | undefined;
  /** A change to prices or policies, recorded in the audit trail in the use-case's transaction. */
  readonly audit?: PricingAudit | undefined;
}

export interface PricingAudit {
  readonly actor: AuditActor;
  readonly requestId: string;
  /** e.g. `rate_plans.update` */
  readonly operation: string;
  readonly objectType: string;
  /** The item's key; undefined for a create (then the reply's id or code names it). */
  readonly objectId?: string | undefined;
}

function objectIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  for (const k of ['id', 'code', 'venue_id']) if (typeof b[k] === 'string' || typeof b[k] === 'number') return String(b[k]);
  return undefined;
}

export type Answer<B> = OnceAnswer<B>;

/** Runs `effect` in one transaction (once per key), returning its rendered answer. */
export function runUseCase<T, B>(
  ctx: PricingContext,
  out: Output<T, B>,
  effect: (trx: PricingTrx, now: Date) => Promise<T>,
): Promise<Answer<B>> {
  const store = { db: ctx.db, schema: 'pricing', clock: ctx.clock, ttlMs: ctx.idempotencyTtlMs };
  const audit = out.audit;
  const audited =
    audit === undefined
      ? effect
      : async (trx: PricingTrx, now: Date): Promise<T> => {
          const value = await effect(trx, now);
          await recordAudit(trx, {
            actor: audit.actor,
            action: 'pricing.changed',
            objectType: audit.objectType,
            objectId: audit.objectId ?? objectIdOf(out.render(value)) ?? 'unknown',
            requestId: audit.requestId,
            details: { operation: audit.operation },
            at: now,
          });
          return value;
        };
  return runOnce(store, out.once, (value: T) => ({ status: out.status, body: out.render(value) }), audited);
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

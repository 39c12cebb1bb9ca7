/**
 * What the administration use-cases of the pricing rules share; each kind of rule has its own
 * admin/<resource>.service.ts (rate plans, date-range overrides, weekday rules, length-of-stay
 * discounts, promo codes, tax lines, dining prices, cancellation policies).
 *
 * Each mutation is one transaction (once per Idempotency-Key, through `runUseCase`). The checks give
 * clear errors; the schema's constraints (CHECK, UNIQUE, EXCLUDE, foreign keys) decide under races,
 * and their violations are reported with the same codes (`mapSqlErrors`). An update merges the given
 * fields into the current rule and validates the result exactly as a create would; changing a rule's
 * `kind` clears the fields of the old kind that the update does not name.
 */
import type { AppError } from '../../platform/errors.js';
import type { VenueScope } from './pricing.access.js';
import { pricingError } from './pricing.errors.js';
import type { RatePlan } from './pricing.model.js';
import type { PricingExecutor } from './pricing.tables.js';
import { findRatePlan } from './rules.repository.js';

/** What a create names of a rule: the rule without its id and stamps. */
export type Fields<T> = Omit<T, 'id' | 'createdAt' | 'updatedAt'>;

/** Fields given in a patch (undefined: unchanged) laid over the current values. */
export function merge<T extends object>(current: T, patch: Partial<T>): T {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch) as [keyof T, T[keyof T] | undefined][]) if (v !== undefined) out[k] = v;
  return out;
}

export const invalid = (message: string, details?: unknown): AppError => pricingError('PRICING_INVALID', message, details);

/** Promo codes are case-insensitive: stored and compared upper-case. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * A rule's rate plan must exist and belong to the rule's venue. It is looked up within the caller's
 * scope: another organization's plan is not found (its venue is not told).
 */
export async function requireScope(
  db: PricingExecutor,
  venueId: string,
  ratePlanId: string | null,
  scope: VenueScope,
): Promise<RatePlan | undefined> {
  if (ratePlanId === null) return undefined;
  const plan = await findRatePlan(db, ratePlanId, false, scope);
  if (plan === undefined)
    throw pricingError('RATE_PLAN_NOT_FOUND', `Rate plan ${ratePlanId} does not exist.`, { rate_plan_id: ratePlanId });
  if (plan.venueId !== venueId) {
    throw invalid(`Rate plan ${ratePlanId} belongs to venue ${plan.venueId}, not ${venueId}.`, {
      rate_plan_id: ratePlanId,
      venue_id: plan.venueId,
    });
  }
  return plan;
}

/** The rule's rate plan went away under it (a foreign-key violation). */
export const planGone = (ratePlanId: string | null) => () =>
  pricingError('RATE_PLAN_NOT_FOUND', `Rate plan ${ratePlanId ?? ''} does not exist.`, { rate_plan_id: ratePlanId });

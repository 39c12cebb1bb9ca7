/**
 * Administration of the pricing rules: rate plans, date-range overrides, weekday rules,
 * length-of-stay discounts, promo codes, tax lines, dining prices and cancellation policies.
 *
 * Each mutation is one transaction (once per Idempotency-Key). The checks here give clear errors; the
 * schema's constraints (CHECK, UNIQUE, EXCLUDE, foreign keys) decide under races, and their violations
 * are reported with the same codes. An update merges the given fields into the current rule and
 * validates the result exactly as a create would; changing a rule's `kind` clears the fields of the
 * old kind that the update does not name.
 */
import { randomUUID } from 'node:crypto';
import { isCalendarDate } from '../../platform/dates.js';
import type { AppError } from '../../platform/errors.js';
import { deletePolicy, findPolicy, insertPolicy, updatePolicy } from './cancellation-policy.repository.js';
import { mapSqlErrors, runUseCase, type Answer, type Output, type PricingContext } from './pricing.context.js';
import { pricingError } from './pricing.errors.js';
import type {
  CancellationPolicy,
  DiningPrice,
  Fee,
  LosDiscount,
  PromoCode,
  RateOverride,
  RatePlan,
  Tax,
  TaxPer,
  WeekdayRule,
} from './pricing.model.js';
import type { PricingExecutor, PricingTrx } from './pricing.tables.js';
import { countRedemptions, deletePromoCode, findPromoCode, insertPromoCode, updatePromoCode } from './promo.repository.js';
import {
  deleteLosDiscount,
  deleteOverride,
  deleteRatePlan,
  deleteWeekdayRule,
  findLosDiscount,
  findOverlappingOverride,
  findOverride,
  findRatePlan,
  findRatePlanByRoomType,
  findWeekdayRule,
  insertLosDiscount,
  insertOverride,
  insertRatePlan,
  insertWeekdayRule,
  updateLosDiscount,
  updateOverride,
  updateRatePlan,
  updateWeekdayRule,
} from './rules.repository.js';
import {
  deleteDiningPrice,
  deleteTax,
  findDiningPrice,
  findTax,
  insertTax,
  updateTax,
  upsertDiningPrice,
} from './venue-pricing.repository.js';

/** Fields given in a patch (undefined: unchanged) laid over the current values. */
function merge<T extends object>(current: T, patch: Partial<T>): T {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch) as [keyof T, T[keyof T] | undefined][]) if (v !== undefined) out[k] = v;
  return out;
}

const invalid = (message: string, details?: unknown): AppError => pricingError('PRICING_INVALID', message, details);

/** Promo codes are case-insensitive: stored and compared upper-case. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

/** A rule's rate plan must exist and belong to the rule's venue. */
async function requireScope(db: PricingExecutor, venueId: string, ratePlanId: string | null): Promise<RatePlan | undefined> {
  if (ratePlanId === null) return undefined;
  const plan = await findRatePlan(db, ratePlanId);
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

const planGone = (ratePlanId: string | null) => () =>
  pricingError('RATE_PLAN_NOT_FOUND', `Rate plan ${ratePlanId ?? ''} does not exist.`, { rate_plan_id: ratePlanId });

// ================================================================ rate plans

export interface RatePlanInput {
  readonly venueId: string;
  readonly roomTypeId: string;
  readonly name: string;
  readonly basePrice: number;
  readonly currency: string;
}
export type RatePlanPatch = Partial<Pick<RatePlanInput, 'name' | 'basePrice' | 'currency'>>;

function ratePlanExists(roomTypeId: string, existing?: RatePlan): AppError {
  return pricingError('RATE_PLAN_EXISTS', `Room type ${roomTypeId} already has a rate plan.`, {
    room_type_id: roomTypeId,
    ...(existing ? { rate_plan_id: existing.id } : {}),
  });
}

export function createRatePlan<B>(ctx: PricingContext, input: RatePlanInput, out: Output<RatePlan, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const existing = await findRatePlanByRoomType(trx, input.roomTypeId);
    if (existing !== undefined) throw ratePlanExists(input.roomTypeId, existing);
    return mapSqlErrors(
      () =>
        insertRatePlan(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          room_type_id: input.roomTypeId,
          name: input.name,
          base_price: input.basePrice,
          currency: input.currency,
          created_at: now,
          updated_at: now,
        }),
      { '23505': () => ratePlanExists(input.roomTypeId) },
    );
  });
}

export async function getRatePlan(db: PricingExecutor, id: string): Promise<RatePlan> {
  const plan = await findRatePlan(db, id);
  if (plan === undefined) throw pricingError('RATE_PLAN_NOT_FOUND', `Rate plan ${id} does not exist.`, { rate_plan_id: id });
  return plan;
}

export function patchRatePlan<B>(ctx: PricingContext, id: string, patch: RatePlanPatch, out: Output<RatePlan, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    await getRatePlan(trx, id);
    const updated = await updateRatePlan(trx, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.basePrice !== undefined ? { base_price: patch.basePrice } : {}),
      ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
      updated_at: now,
    });
    return updated!;
  });
}

/** Deletes a rate plan with its own rules and policy (its venue's rules stay). */
export function removeRatePlan<B>(ctx: PricingContext, id: string, out: Output<void, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteRatePlan(trx, id)))
      throw pricingError('RATE_PLAN_NOT_FOUND', `Rate plan ${id} does not exist.`, { rate_plan_id: id });
  });
}

// ================================================================ date-range overrides

export interface OverrideInput {
  readonly venueId: string;
  readonly ratePlanId: string | null;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly kind: 'price' | 'percent';
  readonly nightlyPrice: number | null;
  readonly currency: string | null;
  readonly adjustmentBps: number | null;
}
export type OverridePatch = Partial<Omit<OverrideInput, 'venueId' | 'ratePlanId'>>;

function checkOverride(o: OverrideInput, plan: RatePlan | undefined): void {
  for (const [field, date] of [
    ['from', o.from],
    ['to', o.to],
  ] as const) {
    if (!isCalendarDate(date)) throw invalid(`${field} must be a real calendar date (YYYY-MM-DD).`, { [field]: date });
  }
  if (o.from >= o.to) throw invalid('from must be before to: the override covers the nights of [from, to).', { from: o.from, to: o.to });
  if (o.kind === 'price') {
    if (o.nightlyPrice === null || o.currency === null) throw invalid('A price override needs nightly_price and currency.');
    if (o.adjustmentBps !== null) throw invalid('A price override has no adjustment_bps.');
    if (plan !== undefined && plan.currency !== o.currency) {
      throw pricingError('PRICING_CURRENCY_MISMATCH', `Rate plan ${plan.id} is priced in ${plan.currency}, not ${o.currency}.`, {
        expected: plan.currency,
        got: o.currency,
      });
    }
  } else {
    if (o.adjustmentBps === null) throw invalid('A percent override needs adjustment_bps.');
    if (o.nightlyPrice !== null || o.currency !== null) throw invalid('A percent override has no nightly_price or currency.');
  }
}

async function saveOverride(
  trx: PricingTrx,
  o: OverrideInput,
  exceptId: string | undefined,
  write: () => Promise<RateOverride | undefined>,
) {
  const plan = await requireScope(trx, o.venueId, o.ratePlanId);
  checkOverride(o, plan);
  const overlap = await findOverlappingOverride(trx, {
    venueId: o.venueId,
    ratePlanId: o.ratePlanId,
    from: o.from,
    to: o.to,
    ...(exceptId ? { exceptId } : {}),
  });
  const overlaps = (other?: RateOverride) =>
    pricingError(
      'RATE_OVERRIDE_OVERLAPS',
      `Another override of this ${o.ratePlanId === null ? 'venue' : 'rate plan'} covers some of the nights of [${o.from}, ${o.to}).`,
      {
        ...(other ? { override_id: other.id, from: other.from, to: other.to } : {}),
      },
    );
  if (overlap !== undefined) throw overlaps(overlap);
  return mapSqlErrors(write, { '23P01': () => overlaps(), '23503': planGone(o.ratePlanId) });
}

function overrideRow(o: OverrideInput) {
  return {
    name: o.name,
    starts_on: o.from,
    ends_on: o.to,
    kind: o.kind,
    nightly_price: o.nightlyPrice,
    currency: o.currency,
    adjustment_bps: o.adjustmentBps,
  };
}

export function createOverride<B>(ctx: PricingContext, input: OverrideInput, out: Output<RateOverride, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const saved = await saveOverride(trx, input, undefined, () =>
      insertOverride(trx, {
        id: randomUUID(),
        venue_id: input.venueId,
        rate_plan_id: input.ratePlanId,
        ...overrideRow(input),
        created_at: now,
        updated_at: now,
      }),
    );
    return saved!;
  });
}

export async function getOverride(db: PricingExecutor, id: string): Promise<RateOverride> {
  const o = await findOverride(db, id);
  if (o === undefined) throw pricingError('RATE_OVERRIDE_NOT_FOUND', `Override ${id} does not exist.`, { override_id: id });
  return o;
}

export function patchOverride<B>(ctx: PricingContext, id: string, patch: OverridePatch, out: Output<RateOverride, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findOverride(trx, id, true);
    if (current === undefined) throw pricingError('RATE_OVERRIDE_NOT_FOUND', `Override ${id} does not exist.`, { override_id: id });
    const switched = patch.kind !== undefined && patch.kind !== current.kind;
    const base: OverrideInput = switched ? { ...current, nightlyPrice: null, currency: null, adjustmentBps: null } : current;
    const next = merge<OverrideInput>(base, patch);
    const saved = await saveOverride(trx, next, id, () => updateOverride(trx, id, { ...overrideRow(next), updated_at: now }));
    return saved!;
  });
}

export function removeOverride<B>(ctx: PricingContext, id: string, out: Output<void, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteOverride(trx, id)))
      throw pricingError('RATE_OVERRIDE_NOT_FOUND', `Override ${id} does not exist.`, { override_id: id });
  });
}

// ================================================================ weekday rules

export interface WeekdayRuleInput {
  readonly venueId: string;
  readonly ratePlanId: string | null;
  readonly name: string;
  readonly weekdays: readonly number[];
  readonly adjustmentBps: number;
}
export type WeekdayRulePatch = Partial<Pick<WeekdayRuleInput, 'name' | 'weekdays' | 'adjustmentBps'>>;

function checkWeekdays(weekdays: readonly number[]): number[] {
  const sorted = [...new Set(weekdays)].sort((a, b) => a - b);
  if (sorted.length !== weekdays.length) throw invalid('weekdays must not repeat a day.', { weekdays });
  if (sorted.length === 0 || sorted.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw invalid('weekdays are ISO days 1 (Monday) … 7 (Sunday), at least one.', { weekdays });
  }
  return sorted;
}

export function createWeekdayRule<B>(ctx: PricingContext, input: WeekdayRuleInput, out: Output<WeekdayRule, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    await requireScope(trx, input.venueId, input.ratePlanId);
    const weekdays = checkWeekdays(input.weekdays);
    return mapSqlErrors(
      () =>
        insertWeekdayRule(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          rate_plan_id: input.ratePlanId,
          name: input.name,
          weekdays,
          adjustment_bps: input.adjustmentBps,
          created_at: now,
          updated_at: now,
        }),
      { '23503': planGone(input.ratePlanId) },
    );
  });
}

export async function getWeekdayRule(db: PricingExecutor, id: string): Promise<WeekdayRule> {
  const r = await findWeekdayRule(db, id);
  if (r === undefined) throw pricingError('WEEKDAY_RULE_NOT_FOUND', `Weekday rule ${id} does not exist.`, { weekday_rule_id: id });
  return r;
}

export function patchWeekdayRule<B>(
  ctx: PricingContext,
  id: string,
  patch: WeekdayRulePatch,
  out: Output<WeekdayRule, B>,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findWeekdayRule(trx, id, true);
    if (current === undefined) throw pricingError('WEEKDAY_RULE_NOT_FOUND', `Weekday rule ${id} does not exist.`, { weekday_rule_id: id });
    const next = merge<WeekdayRuleInput>(current, patch);
    const updated = await updateWeekdayRule(trx, id, {
      name: next.name,
      weekdays: checkWeekdays(next.weekdays),
      adjustment_bps: next.adjustmentBps,
      updated_at: now,
    });
    return updated!;
  });
}

export function removeWeekdayRule<B>(ctx: PricingContext, id: string, out: Output<void, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteWeekdayRule(trx, id)))
      throw pricingError('WEEKDAY_RULE_NOT_FOUND', `Weekday rule ${id} does not exist.`, { weekday_rule_id: id });
  });
}

// ================================================================ length-of-stay discounts

export interface LosDiscountInput {
  readonly venueId: string;
  readonly ratePlanId: string | null;
  readonly name: string;
  readonly minNights: number;
  readonly discountBps: number;
}
export type LosDiscountPatch = Partial<Pick<LosDiscountInput, 'name' | 'minNights' | 'discountBps'>>;

const losExists = (l: { ratePlanId: string | null; minNights: number }) => () =>
  pricingError('LOS_DISCOUNT_EXISTS', `A length-of-stay discount from ${l.minNights} nights already exists in this scope.`, {
    min_nights: l.minNights,
    rate_plan_id: l.ratePlanId,
  });

export function createLosDiscount<B>(ctx: PricingContext, input: LosDiscountInput, out: Output<LosDiscount, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    await requireScope(trx, input.venueId, input.ratePlanId);
    return mapSqlErrors(
      () =>
        insertLosDiscount(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          rate_plan_id: input.ratePlanId,
          name: input.name,
          min_nights: input.minNights,
          discount_bps: input.discountBps,
          created_at: now,
          updated_at: now,
        }),
      { '23505': losExists(input), '23503': planGone(input.ratePlanId) },
    );
  });
}

export async function getLosDiscount(db: PricingExecutor, id: string): Promise<LosDiscount> {
  const d = await findLosDiscount(db, id);
  if (d === undefined)
    throw pricingError('LOS_DISCOUNT_NOT_FOUND', `Length-of-stay discount ${id} does not exist.`, { los_discount_id: id });
  return d;
}

export function patchLosDiscount<B>(
  ctx: PricingContext,
  id: string,
  patch: LosDiscountPatch,
  out: Output<LosDiscount, B>,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findLosDiscount(trx, id, true);
    if (current === undefined)
      throw pricingError('LOS_DISCOUNT_NOT_FOUND', `Length-of-stay discount ${id} does not exist.`, { los_discount_id: id });
    const next = merge<LosDiscountInput>(current, patch);
    const updated = await mapSqlErrors(
      () => updateLosDiscount(trx, id, { name: next.name, min_nights: next.minNights, discount_bps: next.discountBps, updated_at: now }),
      { '23505': losExists(next) },
    );
    return updated!;
  });
}

export function removeLosDiscount<B>(ctx: PricingContext, id: string, out: Output<void, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteLosDiscount(trx, id))) {
      throw pricingError('LOS_DISCOUNT_NOT_FOUND', `Length-of-stay discount ${id} does not exist.`, { los_discount_id: id });
    }
  });
}

// ================================================================ promo codes

export interface PromoCodeInput {
  readonly code: string;
  readonly description: string;
  readonly kind: 'percent' | 'fixed';
  readonly discountBps: number | null;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly validFrom: Date | null;
  readonly validUntil: Date | null;
  readonly maxUses: number | null;
  readonly venueId: string | null;
  readonly minNights: number | null;
}
export type PromoCodePatch = Partial<Omit<PromoCodeInput, 'code'>>;

function checkPromo(p: PromoCodeInput): void {
  if (p.kind === 'percent') {
    if (p.discountBps === null) throw invalid('A percent promo code needs discount_bps.');
    if (p.amount !== null || p.currency !== null) throw invalid('A percent promo code has no amount or currency.');
  } else {
    if (p.amount === null || p.currency === null) throw invalid('A fixed promo code needs amount and currency.');
    if (p.discountBps !== null) throw invalid('A fixed promo code has no discount_bps.');
  }
  if (p.validFrom !== null && p.validUntil !== null && p.validFrom.getTime() >= p.validUntil.getTime()) {
    throw invalid('valid_from must be before valid_until.', {
      valid_from: p.validFrom.toISOString(),
      valid_until: p.validUntil.toISOString(),
    });
  }
}

function promoRow(p: PromoCodeInput) {
  return {
    description: p.description,
    kind: p.kind,
    discount_bps: p.discountBps,
    amount: p.amount,
    currency: p.currency,
    valid_from: p.validFrom,
    valid_until: p.validUntil,
    max_uses: p.maxUses,
    venue_id: p.venueId,
    min_nights: p.minNights,
  };
}

const promoNotFound = (code: string) => pricingError('PROMO_CODE_NOT_FOUND', `Promo code ${code} does not exist.`, { code });

export function createPromoCode<B>(ctx: PricingContext, input: PromoCodeInput, out: Output<PromoCode, B>): Promise<Answer<B>> {
  const p = { ...input, code: normalizeCode(input.code) };
  return runUseCase(ctx, out, async (trx, now) => {
    checkPromo(p);
    const exists = () => pricingError('PROMO_CODE_EXISTS', `Promo code ${p.code} already exists.`, { code: p.code });
    if ((await findPromoCode(trx, p.code)) !== undefined) throw exists();
    return mapSqlErrors(() => insertPromoCode(trx, { code: p.code, ...promoRow(p), uses: 0, created_at: now, updated_at: now }), {
      '23505': exists,
    });
  });
}

export async function getPromoCode(db: PricingExecutor, code: string): Promise<PromoCode> {
  const p = await findPromoCode(db, normalizeCode(code));
  if (p === undefined) throw promoNotFound(normalizeCode(code));
  return p;
}

/** The row is locked first, so a concurrent redeem cannot take a use between the check and the write. */
export function patchPromoCode<B>(ctx: PricingContext, code: string, patch: PromoCodePatch, out: Output<PromoCode, B>): Promise<Answer<B>> {
  const c = normalizeCode(code);
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findPromoCode(trx, c, true);
    if (current === undefined) throw promoNotFound(c);
    const switched = patch.kind !== undefined && patch.kind !== current.kind;
    const base: PromoCodeInput = switched ? { ...current, discountBps: null, amount: null, currency: null } : current;
    const next = merge<PromoCodeInput>(base, patch);
    checkPromo(next);
    const belowUses = () =>
      pricingError('PROMO_MAX_USES_BELOW_USES', `max_uses ${next.maxUses ?? ''} is below the ${current.uses} uses already taken.`, {
        uses: current.uses,
        max_uses: next.maxUses,
      });
    if (next.maxUses !== null && next.maxUses < current.uses) throw belowUses();
    const updated = await mapSqlErrors(() => updatePromoCode(trx, c, { ...promoRow(next), updated_at: now }), { '23514': belowUses });
    return updated!;
  });
}

export function removePromoCode<B>(ctx: PricingContext, code: string, out: Output<void, B>): Promise<Answer<B>> {
  const c = normalizeCode(code);
  return runUseCase(ctx, out, async (trx) => {
    const redeemed = () => pricingError('PROMO_CODE_REDEEMED', undefined, { code: c });
    if ((await findPromoCode(trx, c, true)) === undefined) throw promoNotFound(c);
    if ((await countRedemptions(trx, c)) > 0) throw redeemed();
    await mapSqlErrors(() => deletePromoCode(trx, c), { '23503': redeemed });
  });
}

// ================================================================ taxes

export interface TaxInput {
  readonly venueId: string;
  readonly name: string;
  readonly kind: 'percent' | 'fixed';
  readonly rateBps: number | null;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly per: TaxPer | null;
  readonly inclusive: boolean;
}
export type TaxPatch = Partial<Omit<TaxInput, 'venueId'>>;

function checkTax(t: TaxInput): void {
  if (t.kind === 'percent') {
    if (t.rateBps === null) throw invalid('A percent tax needs rate_bps.');
    if (t.amount !== null || t.currency !== null || t.per !== null) throw invalid('A percent tax has no amount, currency or per.');
  } else {
    if (t.amount === null || t.currency === null || t.per === null)
      throw invalid('A fixed tax needs amount, currency and per (night, cover or booking).');
    if (t.rateBps !== null) throw invalid('A fixed tax has no rate_bps.');
    if (t.inclusive) throw invalid('A fixed tax is added on top of the prices: inclusive must be false.');
  }
}

function taxRow(t: TaxInput) {
  return { name: t.name, kind: t.kind, rate_bps: t.rateBps, amount: t.amount, currency: t.currency, per: t.per, inclusive: t.inclusive };
}

export function createTax<B>(ctx: PricingContext, input: TaxInput, out: Output<Tax, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    checkTax(input);
    return insertTax(trx, { id: randomUUID(), venue_id: input.venueId, ...taxRow(input), created_at: now, updated_at: now });
  });
}

export async function getTax(db: PricingExecutor, id: string): Promise<Tax> {
  const t = await findTax(db, id);
  if (t === undefined) throw pricingError('TAX_NOT_FOUND', `Tax line ${id} does not exist.`, { tax_id: id });
  return t;
}

export function patchTax<B>(ctx: PricingContext, id: string, patch: TaxPatch, out: Output<Tax, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findTax(trx, id, true);
    if (current === undefined) throw pricingError('TAX_NOT_FOUND', `Tax line ${id} does not exist.`, { tax_id: id });
    const switched = patch.kind !== undefined && patch.kind !== current.kind;
    const base: TaxInput = switched ? { ...current, rateBps: null, amount: null, currency: null, per: null } : current;
    const next = merge<TaxInput>(base, patch);
    checkTax(next);
    return (await updateTax(trx, id, { ...taxRow(next), updated_at: now }))!;
  });
}

export function removeTax<B>(ctx: PricingContext, id: string, out: Output<void, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteTax(trx, id))) throw pricingError('TAX_NOT_FOUND', `Tax line ${id} does not exist.`, { tax_id: id });
  });
}

// ================================================================ dining prices

export interface DiningPriceInput {
  readonly venueId: string;
  readonly mode: 'price' | 'deposit';
  readonly perCover: number;
  readonly currency: string;
}

export function putDiningPrice<B>(ctx: PricingContext, input: DiningPriceInput, out: Output<DiningPrice, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) =>
    upsertDiningPrice(trx, {
      venue_id: input.venueId,
      mode: input.mode,
      per_cover: input.perCover,
      currency: input.currency,
      created_at: now,
      updated_at: now,
    }),
  );
}

export async function getDiningPrice(db: PricingExecutor, venueId: string): Promise<DiningPrice> {
  const d = await findDiningPrice(db, venueId);
  if (d === undefined) throw pricingError('DINING_PRICE_NOT_FOUND', `Venue ${venueId} has no dining price.`, { venue_id: venueId });
  return d;
}

export function removeDiningPrice<B>(ctx: PricingContext, venueId: string, out: Output<void, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteDiningPrice(trx, venueId))) {
      throw pricingError('DINING_PRICE_NOT_FOUND', `Venue ${venueId} has no dining price.`, { venue_id: venueId });
    }
  });
}

// ================================================================ cancellation policies

export interface PolicyInput {
  readonly venueId: string;
  readonly ratePlanId: string | null;
  readonly name: string;
  readonly freeUntilHours: number;
  readonly lateFee: Fee;
  readonly noShowFee: Fee;
  readonly currency: string | null;
}
export type PolicyPatch = Partial<Pick<PolicyInput, 'name' | 'freeUntilHours' | 'lateFee' | 'noShowFee' | 'currency'>>;

function checkFee(which: 'late_fee' | 'no_show_fee', fee: Fee): void {
  const needs = { none: [], first_night: [], fixed: ['amount'], percent: ['rate_bps'] }[fee.kind];
  const has = [...(fee.amount !== null ? ['amount'] : []), ...(fee.rateBps !== null ? ['rate_bps'] : [])];
  if (needs.join() !== has.join()) {
    throw invalid(`${which} of kind ${fee.kind} ${needs.length ? `takes ${needs.join(', ')} only` : 'takes no amount or rate_bps'}.`, {
      [which]: fee,
    });
  }
}

function checkPolicy(p: PolicyInput, plan: RatePlan | undefined): void {
  checkFee('late_fee', p.lateFee);
  checkFee('no_show_fee', p.noShowFee);
  const fixed = p.lateFee.kind === 'fixed' || p.noShowFee.kind === 'fixed';
  if (fixed && p.currency === null) throw invalid('A fixed fee needs the policy currency.');
  if (!fixed && p.currency !== null) throw invalid('currency is only for fixed fees.');
  if (fixed && plan !== undefined && p.currency !== plan.currency) {
    throw pricingError('PRICING_CURRENCY_MISMATCH', `Rate plan ${plan.id} is priced in ${plan.currency}, not ${p.currency ?? ''}.`, {
      expected: plan.currency,
      got: p.currency,
    });
  }
}

function policyRow(p: PolicyInput) {
  return {
    name: p.name,
    free_until_hours: p.freeUntilHours,
    late_fee_kind: p.lateFee.kind,
    late_fee_amount: p.lateFee.amount,
    late_fee_bps: p.lateFee.rateBps,
    no_show_fee_kind: p.noShowFee.kind,
    no_show_fee_amount: p.noShowFee.amount,
    no_show_fee_bps: p.noShowFee.rateBps,
    currency: p.currency,
  };
}

export function createPolicy<B>(ctx: PricingContext, input: PolicyInput, out: Output<CancellationPolicy, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const plan = await requireScope(trx, input.venueId, input.ratePlanId);
    checkPolicy(input, plan);
    const exists = () =>
      pricingError(
        'CANCELLATION_POLICY_EXISTS',
        input.ratePlanId === null
          ? `Venue ${input.venueId} already has a cancellation policy.`
          : `Rate plan ${input.ratePlanId} already has a cancellation policy.`,
        { venue_id: input.venueId, rate_plan_id: input.ratePlanId },
      );
    return mapSqlErrors(
      () =>
        insertPolicy(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          rate_plan_id: input.ratePlanId,
          ...policyRow(input),
          created_at: now,
          updated_at: now,
        }),
      { '23505': exists, '23503': planGone(input.ratePlanId) },
    );
  });
}

export async function getPolicy(db: PricingExecutor, id: string): Promise<CancellationPolicy> {
  const p = await findPolicy(db, id);
  if (p === undefined) throw pricingError('CANCELLATION_POLICY_NOT_FOUND', `Cancellation policy ${id} does not exist.`, { policy_id: id });
  return p;
}

export function patchPolicy<B>(
  ctx: PricingContext,
  id: string,
  patch: PolicyPatch,
  out: Output<CancellationPolicy, B>,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findPolicy(trx, id, true);
    if (current === undefined)
      throw pricingError('CANCELLATION_POLICY_NOT_FOUND', `Cancellation policy ${id} does not exist.`, { policy_id: id });
    let next = merge<PolicyInput>(current, patch);
    // Dropping the last fixed fee drops the currency with it, unless the patch names one.
    if (patch.currency === undefined && next.lateFee.kind !== 'fixed' && next.noShowFee.kind !== 'fixed')
      next = { ...next, currency: null };
    checkPolicy(next, await requireScope(trx, next.venueId, next.ratePlanId));
    return (await updatePolicy(trx, id, { ...policyRow(next), updated_at: now }))!;
  });
}

export function removePolicy<B>(ctx: PricingContext, id: string, out: Output<void, B>): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deletePolicy(trx, id))) {
      throw pricingError('CANCELLATION_POLICY_NOT_FOUND', `Cancellation policy ${id} does not exist.`, { policy_id: id });
    }
  });
}

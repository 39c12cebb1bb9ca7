/**
 * The arithmetic of a quote: plain functions, no I/O, integers only (see money.ts for rounding).
 *
 * Lodging, per night of [checkIn, checkOut):
 *   1. a **price override** covering the night sets its price outright (nothing else applies to it);
 *   2. otherwise the night starts at the base price (the rate plan's, or the request's) and every
 *      percentage that applies — the covering **percent override**, then each matching **weekday rule**
 *      — multiplies it; the product is rounded half up once per night.
 *   A rate-plan override beats a venue-wide one for the same night.
 * Dining: one line per cover at the venue's per-cover price (or deposit), 0 when none is set.
 *
 * Then, on the sum of the lines (`base`):
 *   3. the best **length-of-stay** discount the stay qualifies for (largest rate; lodging only),
 *      rounded half up on `base`;
 *   4. the **promo code**, on what is left after 3: a percentage (half up) or a fixed amount (never
 *      more than what is left);
 *   5. taxes on `net = base − discount`: inclusive percentages are already inside the prices — their
 *      combined share net × R ÷ (1 + R) is rounded once and split between the lines in proportion to
 *      their rates, reported, never added; exclusive percentages are each `net × rate` half up; fixed
 *      taxes are per night, per cover or per booking (a line that does not apply is left out).
 *   total = base − discount + tax, where tax is the exclusive taxes only; taxIncluded reports the rest.
 * Every figure is an integer ≥ 0, and total equals Σ lines − Σ discounts + Σ exclusive taxes exactly.
 */
import { nightsOf } from '../../platform/dates.js';
import { AmountTooLargeError, MAX_AMOUNT, adjust, allocate, formatBps, includedTax, percentOf, sum, times } from './money.domain.js';
import type { LosDiscount, PromoCode, RateOverride, Tax, TaxPer, WeekdayRule } from './pricing.model.js';

export { AmountTooLargeError } from './money.domain.js';

export type OverrideTerms = Pick<RateOverride, 'name' | 'ratePlanId' | 'from' | 'to' | 'kind' | 'nightlyPrice' | 'adjustmentBps'>;
export type WeekdayTerms = Pick<WeekdayRule, 'name' | 'weekdays' | 'adjustmentBps'>;
export type LosTerms = Pick<LosDiscount, 'name' | 'minNights' | 'discountBps'>;
export type PromoTerms = Pick<PromoCode, 'code' | 'description' | 'kind' | 'discountBps' | 'amount'>;
export type TaxTerms = Pick<Tax, 'name' | 'kind' | 'rateBps' | 'amount' | 'per' | 'inclusive'>;

interface Common {
  readonly currency: string;
  readonly promo: PromoTerms | null;
  /** In the order they are reported. */
  readonly taxes: readonly TaxTerms[];
}

export interface LodgingQuoteInput extends Common {
  readonly kind: 'lodging';
  readonly checkIn: string;
  readonly checkOut: string;
  /** The nightly price before any rule. */
  readonly basePrice: number;
  /** Venue-wide (ratePlanId null) and rate-plan overrides; within a scope the first covering one counts. */
  readonly overrides: readonly OverrideTerms[];
  readonly weekdayRules: readonly WeekdayTerms[];
  readonly losDiscounts: readonly LosTerms[];
}

export interface DiningQuoteInput extends Common {
  readonly kind: 'dining';
  readonly partySize: number;
  readonly perCover: number;
  readonly deposit: boolean;
  readonly date: string | null;
}

export type QuoteInput = LodgingQuoteInput | DiningQuoteInput;

export interface QuoteLine {
  readonly kind: 'night' | 'cover';
  readonly date?: string;
  readonly description: string;
  readonly amount: number;
}

export interface QuoteDiscount {
  readonly kind: 'length_of_stay' | 'promo';
  readonly code?: string;
  readonly description: string;
  readonly amount: number;
}

export interface QuoteTax {
  readonly name: string;
  readonly rateBps?: number;
  readonly per?: TaxPer;
  readonly unitAmount?: number;
  readonly amount: number;
  readonly inclusive: boolean;
}

export interface Quote {
  readonly currency: string;
  /** Σ lines. */
  readonly base: number;
  /** Σ discounts. */
  readonly discount: number;
  /** Σ exclusive taxes (added on top). */
  readonly tax: number;
  /** Σ inclusive taxes (already inside base − discount; reported only). */
  readonly taxIncluded: number;
  readonly total: number;
  readonly lines: readonly QuoteLine[];
  readonly discounts: readonly QuoteDiscount[];
  readonly taxes: readonly QuoteTax[];
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

const covers = (o: OverrideTerms, night: string) => o.from <= night && night < o.to;

/** The override that prices a night: the rate plan's if one covers it, else the venue's. */
export function overrideFor(overrides: readonly OverrideTerms[], night: string): OverrideTerms | undefined {
  return (
    overrides.find((o) => o.ratePlanId !== null && covers(o, night)) ?? overrides.find((o) => o.ratePlanId === null && covers(o, night))
  );
}

export function nightLine(
  night: string,
  basePrice: number,
  overrides: readonly OverrideTerms[],
  weekdayRules: readonly WeekdayTerms[],
): QuoteLine {
  const override = overrideFor(overrides, night);
  if (override?.kind === 'price') {
    return { kind: 'night', date: night, description: `Night of ${night} (${override.name})`, amount: override.nightlyPrice ?? 0 };
  }
  const notes: string[] = [];
  const adjustments: number[] = [];
  if (override?.kind === 'percent' && override.adjustmentBps !== null) {
    adjustments.push(override.adjustmentBps);
    notes.push(`${override.name} ${formatBps(override.adjustmentBps)}`);
  }
  const weekday = isoWeekday(night);
  for (const rule of weekdayRules) {
    if (!rule.weekdays.includes(weekday)) continue;
    adjustments.push(rule.adjustmentBps);
    notes.push(`${rule.name} ${formatBps(rule.adjustmentBps)}`);
  }
  const amount = adjust(basePrice, adjustments);
  return { kind: 'night', date: night, description: `Night of ${night}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`, amount };
}

/** The length-of-stay discount a stay of `nights` gets: the largest rate among those it qualifies for. */
export function bestLosDiscount(discounts: readonly LosTerms[], nights: number): LosTerms | undefined {
  let best: LosTerms | undefined;
  for (const d of discounts) {
    if (d.minNights > nights) continue;
    if (best === undefined || d.discountBps > best.discountBps || (d.discountBps === best.discountBps && d.minNights > best.minNights))
      best = d;
  }
  return best;
}

export function promoDiscount(promo: PromoTerms, remaining: number): QuoteDiscount {
  const amount = promo.kind === 'percent' ? percentOf(remaining, promo.discountBps ?? 0) : Math.min(promo.amount ?? 0, remaining);
  const what = promo.kind === 'percent' ? `${formatBps(promo.discountBps ?? 0, false)} off` : 'fixed discount';
  return { kind: 'promo', code: promo.code, description: promo.description || `Promo code ${promo.code}: ${what}`, amount };
}

/** Taxes on `net` for a quote of `nights` nights and `covers` covers (see the module comment). */
export function taxesOn(net: number, taxes: readonly TaxTerms[], counts: { nights: number; covers: number }): QuoteTax[] {
  const inclusive = taxes.filter((t) => t.kind === 'percent' && t.inclusive);
  const inclusiveRate = sum(inclusive.map((t) => t.rateBps ?? 0));
  const inclusiveShares = allocate(
    includedTax(net, inclusiveRate),
    inclusive.map((t) => t.rateBps ?? 0),
  );
  const out: QuoteTax[] = [];
  for (const t of taxes) {
    if (t.kind === 'percent') {
      const rateBps = t.rateBps ?? 0;
      const amount = t.inclusive ? inclusiveShares[inclusive.indexOf(t)]! : percentOf(net, rateBps);
      out.push({ name: t.name, rateBps, amount, inclusive: t.inclusive });
      continue;
    }
    const per = t.per ?? 'booking';
    const quantity = per === 'night' ? counts.nights : per === 'cover' ? counts.covers : 1;
    if (quantity === 0) continue;
    const unitAmount = t.amount ?? 0;
    out.push({ name: t.name, per, unitAmount, amount: times(unitAmount, quantity, `tax ${t.name}`), inclusive: false });
  }
  return out;
}

function lodgingLines(input: LodgingQuoteInput): QuoteLine[] {
  return nightsOf(input.checkIn, input.checkOut).map((night) => nightLine(night, input.basePrice, input.overrides, input.weekdayRules));
}

function diningLines(input: DiningQuoteInput): QuoteLine[] {
  return Array.from({ length: input.partySize }, (_, i) => ({
    kind: 'cover' as const,
    ...(input.date !== null ? { date: input.date } : {}),
    description: `${input.deposit ? 'Deposit, cover' : 'Cover'} ${i + 1} of ${input.partySize}`,
    amount: input.perCover,
  }));
}

/** Prices a request. Throws AmountTooLargeError when a figure would pass MAX_AMOUNT. */
export function computeQuote(input: QuoteInput): Quote {
  const lines = input.kind === 'lodging' ? lodgingLines(input) : diningLines(input);
  const base = sum(
    lines.map((l) => l.amount),
    'base',
  );

  const discounts: QuoteDiscount[] = [];
  if (input.kind === 'lodging') {
    const los = bestLosDiscount(input.losDiscounts, lines.length);
    if (los !== undefined) {
      discounts.push({
        kind: 'length_of_stay',
        description: `${los.name}: ${formatBps(los.discountBps, false)} off stays of ${los.minNights}+ nights`,
        amount: percentOf(base, los.discountBps),
      });
    }
  }
  if (input.promo !== null) {
    discounts.push(promoDiscount(input.promo, base - sum(discounts.map((d) => d.amount))));
  }
  const discount = sum(discounts.map((d) => d.amount));
  const net = base - discount;

  const counts = input.kind === 'lodging' ? { nights: lines.length, covers: 0 } : { nights: 0, covers: input.partySize };
  const taxes = taxesOn(net, input.taxes, counts);
  const tax = sum(taxes.filter((t) => !t.inclusive).map((t) => t.amount));
  const taxIncluded = sum(taxes.filter((t) => t.inclusive).map((t) => t.amount));
  const total = net + tax;
  if (total > MAX_AMOUNT) throw new AmountTooLargeError('total');
  return { currency: input.currency, base, discount, tax, taxIncluded, total, lines, discounts, taxes };
}

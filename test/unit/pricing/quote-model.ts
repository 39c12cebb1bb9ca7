/**
 * A reference model of a quote, written apart from src/services/pricing/quote.ts: every figure is kept
 * as an exact fraction and rounded half up only where the documented rules round (per night, per
 * discount, per tax). The property tests compare the service's quotes with it, figure by figure, and
 * check that each rounding moved its figure by at most half a minor unit.
 */

/** An exact non-negative fraction num/den. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

const frac = (num: bigint, den = 1n): Fraction => ({ num, den });
const mul = (a: Fraction, b: Fraction): Fraction => frac(a.num * b.num, a.den * b.den);

/** Nearest integer, a half going up. */
export function roundHalfUp(x: Fraction): number {
  const whole = x.num / x.den;
  const rest = x.num - whole * x.den;
  return Number(2n * rest >= x.den ? whole + 1n : whole);
}

/** True when `amount` is the half-up rounding of x: x − ½ < amount ≤ x + ½ (a half goes up). */
export function isHalfUpOf(amount: number, x: Fraction): boolean {
  const a = BigInt(amount) * 2n * x.den;
  return a > 2n * x.num - x.den && a <= 2n * x.num + x.den;
}

export interface ModelOverride {
  readonly name: string;
  readonly ratePlanId: string | null;
  readonly from: string;
  readonly to: string;
  readonly kind: 'price' | 'percent';
  readonly nightlyPrice: number | null;
  readonly adjustmentBps: number | null;
}
export interface ModelWeekday {
  readonly name: string;
  readonly weekdays: readonly number[];
  readonly adjustmentBps: number;
}
export interface ModelLos {
  readonly name: string;
  readonly minNights: number;
  readonly discountBps: number;
}
export interface ModelPromo {
  readonly code: string;
  readonly kind: 'percent' | 'fixed';
  readonly discountBps: number | null;
  readonly amount: number | null;
}
export interface ModelTax {
  readonly name: string;
  readonly kind: 'percent' | 'fixed';
  readonly rateBps: number | null;
  readonly amount: number | null;
  readonly per: 'night' | 'cover' | 'booking' | null;
  readonly inclusive: boolean;
}

export type ModelRequest =
  | {
      readonly kind: 'lodging';
      readonly checkIn: string;
      readonly nights: number;
      readonly basePrice: number;
      readonly overrides: readonly ModelOverride[];
      readonly weekdayRules: readonly ModelWeekday[];
      readonly losDiscounts: readonly ModelLos[];
      readonly promo: ModelPromo | null;
      readonly taxes: readonly ModelTax[];
    }
  | {
      readonly kind: 'dining';
      readonly partySize: number;
      readonly perCover: number;
      readonly promo: ModelPromo | null;
      readonly taxes: readonly ModelTax[];
    };

export interface ModelQuote {
  readonly nights: { date: string | null; amount: number; exact: Fraction }[];
  readonly los: { amount: number; exact: Fraction } | null;
  readonly promo: { amount: number } | null;
  readonly base: number;
  readonly discount: number;
  /** Per tax line that applies, in order: [name, amount, inclusive]. */
  readonly taxes: [string, number, boolean][];
  /** The exact inclusive tax inside the net, before it is rounded and split. */
  readonly inclusiveExact: Fraction;
  readonly tax: number;
  readonly total: number;
}

function dayAfter(date: string, n: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
function weekdayOf(date: string): number {
  return ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

const factor = (bps: number): Fraction => frac(BigInt(Math.max(0, 10_000 + bps)), 10_000n);

export function modelQuote(r: ModelRequest): ModelQuote {
  const nights: ModelQuote['nights'] = [];
  if (r.kind === 'lodging') {
    for (let i = 0; i < r.nights; i++) {
      const date = dayAfter(r.checkIn, i);
      const covering = (scoped: boolean) =>
        r.overrides.filter((o) => (o.ratePlanId !== null) === scoped && o.from <= date && date < o.to)[0];
      const override = covering(true) ?? covering(false);
      if (override?.kind === 'price') {
        nights.push({ date, amount: override.nightlyPrice!, exact: frac(BigInt(override.nightlyPrice!)) });
        continue;
      }
      let exact = frac(BigInt(r.basePrice));
      if (override?.kind === 'percent') exact = mul(exact, factor(override.adjustmentBps!));
      for (const w of r.weekdayRules) if (w.weekdays.includes(weekdayOf(date))) exact = mul(exact, factor(w.adjustmentBps));
      nights.push({ date, amount: roundHalfUp(exact), exact });
    }
  } else {
    for (let i = 0; i < r.partySize; i++) nights.push({ date: null, amount: r.perCover, exact: frac(BigInt(r.perCover)) });
  }
  const base = nights.reduce((a, n) => a + n.amount, 0);

  let los: ModelQuote['los'] = null;
  if (r.kind === 'lodging') {
    const qualifying = r.losDiscounts.filter((d) => d.minNights <= r.nights).map((d) => d.discountBps);
    if (qualifying.length > 0) {
      const exact = frac(BigInt(base) * BigInt(Math.max(...qualifying)), 10_000n);
      los = { amount: roundHalfUp(exact), exact };
    }
  }
  const afterLos = base - (los?.amount ?? 0);
  let promo: ModelQuote['promo'] = null;
  if (r.promo !== null) {
    promo = {
      amount:
        r.promo.kind === 'percent'
          ? roundHalfUp(frac(BigInt(afterLos) * BigInt(r.promo.discountBps!), 10_000n))
          : Math.min(r.promo.amount!, afterLos),
    };
  }
  const discount = (los?.amount ?? 0) + (promo?.amount ?? 0);
  const net = base - discount;

  const inclusive = r.taxes.filter((t) => t.kind === 'percent' && t.inclusive);
  const rate = inclusive.reduce((a, t) => a + t.rateBps!, 0);
  const inclusiveExact = frac(BigInt(net) * BigInt(rate), BigInt(10_000 + rate));
  const inclusiveTotal = roundHalfUp(inclusiveExact);
  // Largest remainder split of the rounded inclusive total, in proportion to the rates.
  const shares = inclusive.map((t, i) => {
    const exactShare = BigInt(inclusiveTotal) * BigInt(t.rateBps!);
    return { i, floor: rate === 0 ? 0n : exactShare / BigInt(rate), rem: rate === 0 ? 0n : exactShare % BigInt(rate) };
  });
  let left = BigInt(inclusiveTotal) - shares.reduce((a, s) => a + s.floor, 0n);
  if (rate === 0 && shares.length > 0) shares[0] = { ...shares[0]!, floor: BigInt(inclusiveTotal) };
  if (rate === 0) left = 0n;
  for (const s of [...shares].sort((a, b) => (b.rem === a.rem ? a.i - b.i : b.rem > a.rem ? 1 : -1))) {
    if (left === 0n) break;
    shares[s.i] = { ...shares[s.i]!, floor: shares[s.i]!.floor + 1n };
    left -= 1n;
  }

  const counts = r.kind === 'lodging' ? { night: r.nights, cover: 0, booking: 1 } : { night: 0, cover: r.partySize, booking: 1 };
  const taxes: [string, number, boolean][] = [];
  for (const t of r.taxes) {
    if (t.kind === 'percent') {
      const amount = t.inclusive
        ? Number(shares[inclusive.indexOf(t)]!.floor)
        : roundHalfUp(frac(BigInt(net) * BigInt(t.rateBps!), 10_000n));
      taxes.push([t.name, amount, t.inclusive]);
    } else if (counts[t.per!] > 0) {
      taxes.push([t.name, t.amount! * counts[t.per!], false]);
    }
  }
  const tax = taxes.filter(([, , inc]) => !inc).reduce((a, [, amount]) => a + amount, 0);
  return { nights, los, promo, base, discount, taxes, inclusiveExact, tax, total: net + tax };
}

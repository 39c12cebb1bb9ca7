/**
 * Money arithmetic on integer minor units (pence, cents), exact: products and quotients are taken in
 * BigInt and rounded once, **half up on the minor unit** (0.5 of a penny becomes a penny; every amount
 * rounded here is non-negative, so half up is also half away from zero). Rates are integer basis points
 * (10 000 bp = 100 %). No float ever touches an amount.
 */

export const BPS = 10_000;

/** The largest amount any priced figure may reach: far below 2^53, so sums of them stay exact. */
export const MAX_AMOUNT = 1_000_000_000_000_000; // 10^15 minor units

export class AmountTooLargeError extends Error {
  constructor(what: string) {
    super(`${what} exceeds ${MAX_AMOUNT} minor units`);
    this.name = 'AmountTooLargeError';
  }
}

function toAmount(value: bigint, what: string): number {
  if (value > BigInt(MAX_AMOUNT)) throw new AmountTooLargeError(what);
  return Number(value);
}

function assertNonNegativeInteger(value: number | bigint, what: string): void {
  if (typeof value === 'number' ? !Number.isSafeInteger(value) || value < 0 : value < 0n) {
    throw new RangeError(`${what} must be a non-negative integer (got ${String(value)})`);
  }
}

/** round_half_up(amount × numerator ÷ denominator), all non-negative integers, denominator > 0. */
export function mulDivHalfUp(amount: number, numerator: bigint | number, denominator: bigint | number): number {
  assertNonNegativeInteger(amount, 'amount');
  const num = BigInt(numerator);
  const den = BigInt(denominator);
  assertNonNegativeInteger(num, 'numerator');
  if (den <= 0n) throw new RangeError('denominator must be positive');
  return toAmount((2n * BigInt(amount) * num + den) / (2n * den), 'amount');
}

/** `bps` basis points of `amount`, rounded half up: percentOf(1005, 1000) = 101 (100.5 → 101). */
export function percentOf(amount: number, bps: number): number {
  return mulDivHalfUp(amount, bps, BPS);
}

/**
 * `amount` after successive percentage adjustments (+2500 = +25 %, −1000 = −10 %), multiplied exactly
 * and rounded once: adjust(10 000, [2500, 2000]) = 10 000 × 1.25 × 1.2 = 15 000. An adjustment never
 * takes a price below zero (−10 000 bp or less gives 0).
 */
export function adjust(amount: number, adjustmentsBps: readonly number[]): number {
  let num = 1n;
  let den = 1n;
  for (const bps of adjustmentsBps) {
    num *= BigInt(Math.max(0, BPS + bps));
    den *= BigInt(BPS);
  }
  return mulDivHalfUp(amount, num, den);
}

/**
 * The part of a tax-inclusive `gross` that is tax at `rateBps`: gross × rate ÷ (1 + rate), half up.
 * 12 000 at 20 % contains 2 000.
 */
export function includedTax(gross: number, rateBps: number): number {
  return mulDivHalfUp(gross, rateBps, BPS + rateBps);
}

/**
 * Splits `total` into parts proportional to `weights` that add up to `total` exactly (largest
 * remainder; ties go to the earlier weight). All-zero weights give everything to the first part.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertNonNegativeInteger(total, 'total');
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, w) => a + BigInt(w), 0n);
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0));
  const t = BigInt(total);
  const shares = weights.map((w, i) => {
    const exact = t * BigInt(w);
    return { i, floor: exact / sum, remainder: exact % sum };
  });
  let left = t - shares.reduce((a, s) => a + s.floor, 0n);
  const order = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  const parts = shares.map((s) => s.floor);
  for (const s of order) {
    if (left === 0n) break;
    parts[s.i]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

/** Sum of amounts, checked against MAX_AMOUNT. */
export function sum(amounts: readonly number[], what = 'sum'): number {
  return toAmount(
    amounts.reduce((a, x) => a + BigInt(x), 0n),
    what,
  );
}

/** amount × count, checked against MAX_AMOUNT. */
export function times(amount: number, count: number, what = 'amount'): number {
  assertNonNegativeInteger(amount, 'amount');
  assertNonNegativeInteger(count, 'count');
  return toAmount(BigInt(amount) * BigInt(count), what);
}

/** 2500 → "+25%", -1000 → "-10%", 1250 → "+12.5%" (for descriptions only). */
export function formatBps(bps: number, signed = true): string {
  const sign = bps < 0 ? '-' : signed ? '+' : '';
  const abs = Math.abs(bps);
  const whole = Math.floor(abs / 100);
  const frac = (abs % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}%`;
}

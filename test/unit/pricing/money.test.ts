/** Integer money arithmetic: half up on the minor unit, exact products, allocations that add up. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AmountTooLargeError,
  adjust,
  allocate,
  formatBps,
  includedTax,
  mulDivHalfUp,
  percentOf,
} from '../../../src/services/pricing/money.domain.js';

describe('rounding half up on the minor unit', () => {
  it.each([
    [1_005, 1_000, 101], // 100.5 → 101
    [1_004, 1_000, 100], // 100.4 → 100
    [1_015, 1_000, 102], // 101.5 → 102 (half up, not half even)
    [1, 5_000, 1], // 0.5 → 1
    [1, 4_999, 0], // 0.4999 → 0
    [0, 10_000, 0],
    [12_345, 10_000, 12_345],
  ])('percentOf(%i, %i bp) = %i', (amount, bps, expected) => {
    expect(percentOf(amount, bps)).toBe(expected);
  });

  it('adjust multiplies exactly and rounds once: 10 000 × 1.25 × 1.2 = 15 000; 9 999 × 1.2 = 11 998.8 → 11 999', () => {
    expect(adjust(10_000, [2_500, 2_000])).toBe(15_000);
    expect(adjust(9_999, [2_000])).toBe(11_999);
    expect(adjust(333, [1_000, 1_000])).toBe(403); // 402.93
    // Rounded once, not per step: 5 × 1.1 × 1.1 = 6.05 → 6 (step by step: 5.5 → 6, 6.6 → 7).
    expect(adjust(5, [1_000, 1_000])).toBe(6);
    expect(adjust(10_000, [-10_000])).toBe(0);
    expect(adjust(10_000, [-20_000])).toBe(0);
    expect(adjust(10_000, [])).toBe(10_000);
  });

  it('includedTax extracts the tax inside a gross price: 12 000 at 20 % holds 2 000; 83 025 holds 13 837.5 → 13 838', () => {
    expect(includedTax(12_000, 2_000)).toBe(2_000);
    expect(includedTax(83_025, 2_000)).toBe(13_838);
    expect(includedTax(0, 2_000)).toBe(0);
    expect(includedTax(999, 0)).toBe(0);
  });

  it('refuses what is not a non-negative integer, and what is too large', () => {
    expect(() => mulDivHalfUp(-1, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(1.5, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(1, 1, 0)).toThrow(RangeError);
    expect(() => mulDivHalfUp(Number.MAX_SAFE_INTEGER, 1_000, 1)).toThrow(AmountTooLargeError);
  });

  it('mulDivHalfUp is within half a unit of the exact value, a half going up (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 200_000 }),
        (a, n, d) => {
          const r = BigInt(mulDivHalfUp(a, n, d));
          const twice = 2n * BigInt(a) * BigInt(n);
          expect(2n * r * BigInt(d) > twice - BigInt(d)).toBe(true);
          expect(2n * r * BigInt(d) <= twice + BigInt(d)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('allocate', () => {
  it('splits in proportion, the remainders to the largest fractions, and always adds up', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(13_838, [2_000])).toEqual([13_838]);
    expect(allocate(10, [500, 1_500])).toEqual([3, 7]); // 2.5 and 7.5: one unit left, a tie, the first gets it
    expect(allocate(0, [1, 2])).toEqual([0, 0]);
    expect(allocate(7, [0, 0])).toEqual([7, 0]);
    expect(allocate(7, [])).toEqual([]);
  });

  it('never loses or invents a unit, and no part is off by a whole unit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 6 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((a, p) => a + p, 0)).toBe(total);
          const sum = weights.reduce((a, w) => a + w, 0);
          if (sum === 0) return;
          parts.forEach((p, i) => {
            const exact = (total * weights[i]!) / sum;
            expect(Math.abs(p - exact)).toBeLessThan(1);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('formatBps', () => {
  it.each([
    [2_500, '+25%'],
    [-1_000, '-10%'],
    [1_250, '+12.5%'],
    [1, '+0.01%'],
    [10_000, '+100%'],
  ])('%i → %s', (bps, text) => {
    expect(formatBps(bps)).toBe(text);
  });
  it('unsigned for discounts', () => expect(formatBps(1_000, false)).toBe('10%'));
});

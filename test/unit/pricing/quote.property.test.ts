/**
 * Property tests of the quote arithmetic (src/services/pricing/quote.ts), pure, against the reference
 * model (quote-model.ts): random stays or seatings, random overrides, weekday rules, length-of-stay
 * discounts, promo codes and taxes. Every quote adds up exactly, nothing is negative, each figure is
 * the model's, and no rounding loses or invents a minor unit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/platform/dates.js';
import { computeQuote, type QuoteInput } from '../../../src/services/pricing/quote.domain.js';
import { isHalfUpOf, modelQuote, type ModelRequest } from './quote-model.js';

const FIRST_DAY = '2026-01-01';
const day = (offset: number) => addDays(FIRST_DAY, offset);

const overrideArb = fc
  .record({
    scoped: fc.boolean(),
    start: fc.integer({ min: 0, max: 60 }),
    length: fc.integer({ min: 1, max: 20 }),
    kind: fc.constantFrom('price' as const, 'percent' as const),
    nightlyPrice: fc.integer({ min: 0, max: 2_000_000 }),
    adjustmentBps: fc.integer({ min: -10_000, max: 30_000 }),
  })
  .map((o) => ({
    name: o.kind === 'price' ? 'Event' : 'Season',
    ratePlanId: o.scoped ? 'plan' : null,
    from: day(o.start),
    to: day(o.start + o.length),
    kind: o.kind,
    nightlyPrice: o.kind === 'price' ? o.nightlyPrice : null,
    adjustmentBps: o.kind === 'percent' ? o.adjustmentBps : null,
  }));

const weekdayArb = fc.record({
  name: fc.constantFrom('Weekend', 'Midweek', 'Sunday'),
  weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  adjustmentBps: fc.integer({ min: -10_000, max: 20_000 }).filter((b) => b !== 0),
});

const losArb = fc.record({
  name: fc.constantFrom('Short break', 'Week', 'Fortnight'),
  minNights: fc.integer({ min: 1, max: 14 }),
  discountBps: fc.integer({ min: 1, max: 10_000 }),
});

export const promoArb = fc.option(
  fc.oneof(
    fc
      .integer({ min: 1, max: 10_000 })
      .map((bps) => ({ code: 'PCT', description: '', kind: 'percent' as const, discountBps: bps, amount: null })),
    fc
      .integer({ min: 1, max: 3_000_000 })
      .map((amount) => ({ code: 'FIX', description: '', kind: 'fixed' as const, discountBps: null, amount })),
  ),
  { nil: null },
);

export const taxArb = fc.oneof(
  fc.record({
    name: fc.constantFrom('VAT', 'GST', 'Levy'),
    kind: fc.constant('percent' as const),
    rateBps: fc.integer({ min: 0, max: 10_000 }),
    amount: fc.constant(null),
    per: fc.constant(null),
    inclusive: fc.boolean(),
  }),
  fc.record({
    name: fc.constantFrom('City tax', 'Booking fee', 'Cover charge'),
    kind: fc.constant('fixed' as const),
    rateBps: fc.constant(null),
    amount: fc.integer({ min: 0, max: 10_000 }),
    per: fc.constantFrom('night' as const, 'cover' as const, 'booking' as const),
    inclusive: fc.constant(false),
  }),
);

const lodgingArb = fc.record({
  kind: fc.constant('lodging' as const),
  start: fc.integer({ min: 0, max: 70 }),
  nights: fc.integer({ min: 1, max: 30 }),
  basePrice: fc.integer({ min: 0, max: 1_000_000 }),
  overrides: fc.array(overrideArb, { maxLength: 4 }),
  weekdayRules: fc.array(weekdayArb, { maxLength: 3 }),
  losDiscounts: fc.array(losArb, { maxLength: 3 }),
  promo: promoArb,
  taxes: fc.array(taxArb, { maxLength: 4 }),
});

const diningArb = fc.record({
  kind: fc.constant('dining' as const),
  partySize: fc.integer({ min: 1, max: 20 }),
  perCover: fc.integer({ min: 0, max: 100_000 }),
  deposit: fc.boolean(),
  promo: promoArb,
  taxes: fc.array(taxArb, { maxLength: 4 }),
});

interface Case {
  readonly input: QuoteInput;
  readonly model: ModelRequest;
}

function lodgingCase(l: typeof lodgingArb extends fc.Arbitrary<infer T> ? T : never): Case {
  const checkIn = day(l.start);
  const rules = {
    basePrice: l.basePrice,
    overrides: l.overrides,
    weekdayRules: l.weekdayRules,
    losDiscounts: l.losDiscounts,
    promo: l.promo,
    taxes: l.taxes,
  };
  return {
    input: { kind: 'lodging', currency: 'GBP', checkIn, checkOut: day(l.start + l.nights), ...rules },
    model: { kind: 'lodging', checkIn, nights: l.nights, ...rules },
  };
}

function diningCase(d: typeof diningArb extends fc.Arbitrary<infer T> ? T : never): Case {
  const common = { partySize: d.partySize, perCover: d.perCover, promo: d.promo, taxes: d.taxes };
  return { input: { kind: 'dining', currency: 'GBP', deposit: d.deposit, date: null, ...common }, model: { kind: 'dining', ...common } };
}

export const anyCase: fc.Arbitrary<Case> = fc.oneof(lodgingArb.map(lodgingCase), diningArb.map(diningCase));

describe('quote arithmetic (property-based)', () => {
  it('adds up exactly and is never negative', () => {
    fc.assert(
      fc.property(anyCase, ({ input }) => {
        const q = computeQuote(input);
        const sum = (xs: readonly { amount: number }[]) => xs.reduce((a, x) => a + x.amount, 0);
        expect(q.base).toBe(sum(q.lines));
        expect(q.discount).toBe(sum(q.discounts));
        expect(q.tax).toBe(sum(q.taxes.filter((t) => !t.inclusive)));
        expect(q.taxIncluded).toBe(sum(q.taxes.filter((t) => t.inclusive)));
        expect(q.total).toBe(sum(q.lines) - sum(q.discounts) + sum(q.taxes.filter((t) => !t.inclusive)));
        for (const n of [
          q.base,
          q.discount,
          q.tax,
          q.taxIncluded,
          q.total,
          ...q.lines.map((l) => l.amount),
          ...q.discounts.map((d) => d.amount),
          ...q.taxes.map((t) => t.amount),
        ]) {
          expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        }
        expect(q.discount).toBeLessThanOrEqual(q.base);
        expect(q.taxIncluded).toBeLessThanOrEqual(q.base - q.discount);
        expect(q.lines).toHaveLength(input.kind === 'lodging' ? new Set(q.lines.map((l) => l.date)).size : input.partySize);
      }),
      { numRuns: 500 },
    );
  });

  it('every figure is the reference model’s, and each rounding is within half a minor unit', () => {
    fc.assert(
      fc.property(anyCase, ({ input, model }) => {
        const q = computeQuote(input);
        const m = modelQuote(model);
        expect(q.lines.map((l) => l.amount)).toEqual(m.nights.map((n) => n.amount));
        for (const n of m.nights) expect(isHalfUpOf(n.amount, n.exact)).toBe(true);
        const los = q.discounts.find((d) => d.kind === 'length_of_stay');
        expect(los?.amount ?? null).toBe(m.los?.amount ?? null);
        if (m.los !== null) expect(isHalfUpOf(m.los.amount, m.los.exact)).toBe(true);
        expect(q.discounts.find((d) => d.kind === 'promo')?.amount ?? null).toBe(m.promo?.amount ?? null);
        expect(q.taxes.map((t) => [t.name, t.amount, t.inclusive])).toEqual(m.taxes);
        // The inclusive lines together are the exact inclusive tax rounded once: no unit lost or invented by the split.
        expect(isHalfUpOf(q.taxIncluded, m.inclusiveExact)).toBe(true);
        expect({ base: q.base, discount: q.discount, tax: q.tax, total: q.total }).toEqual({
          base: m.base,
          discount: m.discount,
          tax: m.tax,
          total: m.total,
        });
      }),
      { numRuns: 500 },
    );
  });
});

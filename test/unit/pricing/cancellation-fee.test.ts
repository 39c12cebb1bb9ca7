/** Cancellation fee arithmetic: the free window's edge, each fee kind, no-shows, and the bounds of every fee. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, cancellationFee, type PolicyTerms } from '../../../src/services/pricing/cancellation-fee.domain.js';
import type { Fee } from '../../../src/services/pricing/pricing.model.js';

const arrival = new Date('2026-03-10T15:00:00Z');
const hoursBefore = (h: number) => new Date(arrival.getTime() - h * 3_600_000);
const fee = (kind: Fee['kind'], extra: Partial<Fee> = {}): Fee => ({ kind, amount: null, rateBps: null, ...extra });
const policy = (freeUntilHours: number, lateFee: Fee, noShowFee: Fee = fee('first_night')): PolicyTerms => ({
  freeUntilHours,
  lateFee,
  noShowFee,
});
const ask = (p: PolicyTerms, at: Date, extra: { total?: number; firstNight?: number; noShow?: boolean } = {}) =>
  cancellationFee(p, { arrival, at, total: extra.total ?? 30_000, firstNight: extra.firstNight ?? 12_000, noShow: extra.noShow ?? false });

describe('the free window', () => {
  const p = policy(24, fee('first_night'));
  it('is free up to and including N hours before arrival', () => {
    expect(ask(p, hoursBefore(24))).toEqual({ fee: 0, refundable: 30_000, rule: 'free' });
    expect(ask(p, hoursBefore(100))).toEqual({ fee: 0, refundable: 30_000, rule: 'free' });
  });
  it('is late one millisecond after', () => {
    expect(ask(p, new Date(hoursBefore(24).getTime() + 1))).toEqual({ fee: 12_000, refundable: 18_000, rule: 'late' });
    expect(ask(p, new Date(arrival.getTime() + 3_600_000))).toMatchObject({ rule: 'late' });
  });
  it('with 0 hours, free until the arrival itself', () => {
    expect(ask(policy(0, fee('fixed', { amount: 500 })), arrival).rule).toBe('free');
    expect(ask(policy(0, fee('fixed', { amount: 500 })), new Date(arrival.getTime() + 1))).toMatchObject({ fee: 500, rule: 'late' });
  });
  it('a late fee of none never charges a cancellation', () => {
    expect(ask(policy(48, fee('none')), arrival)).toEqual({ fee: 0, refundable: 30_000, rule: 'free' });
  });
});

describe('fee kinds', () => {
  it('percent is half up on the total; fixed and first night are capped at the total', () => {
    expect(ask(policy(0, fee('percent', { rateBps: 5_000 })), arrival, { total: 10_001 }).fee).toBe(0);
    expect(ask(policy(1, fee('percent', { rateBps: 5_000 })), arrival, { total: 10_001 })).toEqual({
      fee: 5_001,
      refundable: 5_000,
      rule: 'late',
    });
    expect(ask(policy(1, fee('fixed', { amount: 50_000 })), arrival).fee).toBe(30_000);
    expect(ask(policy(1, fee('first_night')), arrival, { total: 5_000, firstNight: 12_000 }).fee).toBe(5_000);
  });
  it('no-show uses the no-show fee whatever the time', () => {
    expect(ask(policy(1, fee('none'), fee('percent', { rateBps: 10_000 })), hoursBefore(500), { noShow: true })).toEqual({
      fee: 30_000,
      refundable: 0,
      rule: 'no_show',
    });
    expect(ask(policy(1, fee('first_night'), fee('none')), arrival, { noShow: true })).toEqual({
      fee: 0,
      refundable: 30_000,
      rule: 'no_show',
    });
  });
  it('the default policy: cancelling is always free; a no-show costs the first night', () => {
    expect(ask(DEFAULT_POLICY, new Date(arrival.getTime() + 86_400_000))).toEqual({ fee: 0, refundable: 30_000, rule: 'free' });
    expect(ask(DEFAULT_POLICY, arrival, { noShow: true })).toEqual({ fee: 12_000, refundable: 18_000, rule: 'no_show' });
  });
});

describe('bounds (property)', () => {
  const feeArb: fc.Arbitrary<Fee> = fc.oneof(
    fc.constant(fee('none')),
    fc.constant(fee('first_night')),
    fc.integer({ min: 0, max: 10 ** 8 }).map((amount) => fee('fixed', { amount })),
    fc.integer({ min: 0, max: 10_000 }).map((rateBps) => fee('percent', { rateBps })),
  );
  it('0 ≤ fee ≤ total and fee + refundable = total, always', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8760 }),
        feeArb,
        feeArb,
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 0, max: 10 ** 10 }),
        fc.integer({ min: 0, max: 10 ** 10 }),
        fc.boolean(),
        (hours, late, noShow, offsetHours, total, firstNight, isNoShow) => {
          const r = cancellationFee(policy(hours, late, noShow), {
            arrival,
            at: hoursBefore(offsetHours),
            total,
            firstNight,
            noShow: isNoShow,
          });
          expect(Number.isSafeInteger(r.fee)).toBe(true);
          expect(r.fee).toBeGreaterThanOrEqual(0);
          expect(r.fee).toBeLessThanOrEqual(total);
          expect(r.fee + r.refundable).toBe(total);
          if (!isNoShow && offsetHours >= hours) expect(r).toEqual({ fee: 0, refundable: total, rule: 'free' });
        },
      ),
      { numRuns: 300 },
    );
  });
});

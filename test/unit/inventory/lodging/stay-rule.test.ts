import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../../src/platform/dates.js';
import { stayRuleViolation, type StayRule } from '../../../../src/services/inventory/lodging/stay-rule.domain.js';

const rule = (r: Partial<StayRule> & Pick<StayRule, 'from' | 'to'>): StayRule => ({
  minStay: null,
  maxStay: null,
  closedToArrival: false,
  closedToDeparture: false,
  ...r,
});

describe('stay rules', () => {
  const rules = [
    rule({ from: '2026-07-01', to: '2026-08-01', minStay: 3, maxStay: 7 }),
    rule({ from: '2026-07-10', to: '2026-07-12', minStay: 5 }),
    rule({ from: '2026-07-04', to: '2026-07-05', closedToArrival: true }),
    rule({ from: '2026-07-20', to: '2026-07-21', closedToDeparture: true }),
  ];

  it('applies length-of-stay rules by arrival date, the strictest when ranges overlap', () => {
    expect(stayRuleViolation(rules, '2026-07-01', '2026-07-03')?.details).toEqual({ rule: 'min_stay', min_stay: 3, nights: 2 });
    expect(stayRuleViolation(rules, '2026-07-01', '2026-07-04')).toBeUndefined();
    expect(stayRuleViolation(rules, '2026-07-10', '2026-07-14')?.details).toEqual({ rule: 'min_stay', min_stay: 5, nights: 4 });
    expect(stayRuleViolation(rules, '2026-07-01', '2026-07-09')?.details).toEqual({ rule: 'max_stay', max_stay: 7, nights: 8 });
    // Arriving before the range: its rules do not apply, even for nights inside it.
    expect(stayRuleViolation(rules, '2026-06-30', '2026-07-01')).toBeUndefined();
    expect(stayRuleViolation(rules, '2026-06-29', '2026-07-09')).toBeUndefined();
    // The range's end is exclusive.
    expect(stayRuleViolation(rules, '2026-08-01', '2026-08-02')).toBeUndefined();
  });

  it('closes arrival and departure dates', () => {
    expect(stayRuleViolation(rules, '2026-07-04', '2026-07-08')).toMatchObject({ rule: 'closed_to_arrival' });
    expect(stayRuleViolation(rules, '2026-07-15', '2026-07-20')).toMatchObject({ rule: 'closed_to_departure' });
    expect(stayRuleViolation(rules, '2026-07-17', '2026-07-21')).toBeUndefined();
    // Staying through a closed date is fine.
    expect(stayRuleViolation(rules, '2026-07-02', '2026-07-06')).toBeUndefined();
  });

  it('never refuses a stay when there are no rules, and always refuses a stay shorter than a covering min_stay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        (offset, nights, min) => {
          const checkIn = addDays('2026-01-01', offset);
          const checkOut = addDays(checkIn, nights);
          expect(stayRuleViolation([], checkIn, checkOut)).toBeUndefined();
          const v = stayRuleViolation([rule({ from: '2026-01-01', to: '2027-06-01', minStay: min })], checkIn, checkOut);
          expect(v?.rule === 'min_stay').toBe(nights < min);
        },
      ),
    );
  });
});

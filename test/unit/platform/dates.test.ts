import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isCalendarDate, nightsOf } from '../../../src/platform/dates.js';

describe('calendar dates', () => {
  it('accepts real days only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('2025-1-01')).toBe(false);
    expect(isCalendarDate('tomorrow')).toBe(false);
  });

  it('counts the nights of a stay as [check_in, check_out)', () => {
    expect(nightsOf('2025-12-30', '2026-01-02')).toEqual(['2025-12-30', '2025-12-31', '2026-01-01']);
    expect(nightsOf('2025-12-10', '2025-12-10')).toEqual([]);
  });

  it('steps days consistently with daysBetween', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: -800, max: 800 }),
        (d, n) => {
          const start = d.toISOString().slice(0, 10);
          expect(daysBetween(start, addDays(start, n))).toBe(n);
        },
      ),
    );
  });
});

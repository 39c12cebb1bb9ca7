import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../../src/platform/errors.js';
import { horizonAt, localDate, requireStay } from '../../../../src/services/inventory/lodging/lodging.calendar.js';

const refusal = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return isAppError(err, 'VALIDATION_FAILED') ? err.message : 'other';
  }
};

describe('stay dates', () => {
  it('accepts real calendar days in order, at most a year long', () => {
    expect(requireStay('2028-02-28', '2028-03-01')).toBe(2);
    expect(refusal(() => requireStay('2026-02-10', '2026-02-10'))).toBe('check_in must be before check_out.');
    expect(refusal(() => requireStay('2026-02-11', '2026-02-10'))).toBe('check_in must be before check_out.');
    expect(refusal(() => requireStay('2026-02-30', '2026-03-02'))).toMatch(/check_in must be a calendar date/);
    expect(refusal(() => requireStay('2026-02-01', '2027-02-02'))).toMatch(/at most 365 nights/);
  });

  it('reads "today" in the hotel’s time zone', () => {
    const lateEvening = new Date('2026-01-15T23:30:00Z');
    expect(localDate(lateEvening, 'Europe/London')).toBe('2026-01-15');
    expect(localDate(lateEvening, 'Asia/Tokyo')).toBe('2026-01-16');
    expect(localDate(lateEvening, 'America/Los_Angeles')).toBe('2026-01-15');
    expect(localDate(new Date('2026-07-01T23:30:00Z'), 'Europe/London')).toBe('2026-07-02');
  });

  it('keeps a horizon from yesterday to more than a year ahead', () => {
    expect(horizonAt(new Date('2026-01-15T12:00:00Z'))).toEqual({ from: '2026-01-14', until: '2027-02-19' });
  });
});

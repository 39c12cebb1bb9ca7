/**
 * Stay dates: 'YYYY-MM-DD' strings, nights are [check_in, check_out). Checks that raise the canonical
 * VALIDATION_FAILED with a message naming the field, so every surface refuses bad dates the same way.
 */
import { addDays, daysBetween, isCalendarDate } from '../../../platform/dates.js';
import { platformError } from '../../../platform/errors.js';

/** The longest stay (and the longest range of a capacity change is twice this). */
export const MAX_STAY_NIGHTS = 365;
/** Nights ahead of today that always have rows (the rolling horizon). */
export const HORIZON_DAYS = 400;

export function requireCalendarDate(field: string, value: string): void {
  if (!isCalendarDate(value))
    throw platformError('VALIDATION_FAILED', `${field} must be a calendar date (YYYY-MM-DD); got ${JSON.stringify(value)}.`);
}

/** A valid date range [from, to): both calendar dates, from < to, at most `maxNights` long. Returns its length. */
export function requireRange(fromField: string, from: string, toField: string, to: string, maxNights = MAX_STAY_NIGHTS): number {
  requireCalendarDate(fromField, from);
  requireCalendarDate(toField, to);
  if (from >= to) throw platformError('VALIDATION_FAILED', `${fromField} must be before ${toField}.`, { [fromField]: from, [toField]: to });
  const nights = daysBetween(from, to);
  if (nights > maxNights) {
    throw platformError('VALIDATION_FAILED', `A range is at most ${maxNights} nights; ${fromField}..${toField} is ${nights}.`, {
      nights,
      max_nights: maxNights,
    });
  }
  return nights;
}

export function requireStay(checkIn: string, checkOut: string): number {
  return requireRange('check_in', checkIn, 'check_out', checkOut);
}

export { localDate } from '../../../platform/dates.js';

/** The nights the horizon guarantees at `now`: from yesterday (UTC, so every time zone's today is in) on. */
export function horizonAt(now: Date): { from: string; until: string } {
  const today = now.toISOString().slice(0, 10);
  return { from: addDays(today, -1), until: addDays(today, HORIZON_DAYS) };
}

/**
 * Stay rules (restrictions) of a room type over a date range [from, to):
 * - `min_stay` / `max_stay`: the length of a stay *arriving* in the range (the strictest applies when
 *   ranges overlap);
 * - `closed_to_arrival`: no stay may start on a date in the range;
 * - `closed_to_departure`: no stay may end (check out) on a date in the range.
 * Pure logic: the caller loads the rules and raises the violation.
 */
import { daysBetween } from '../../../platform/dates.js';

export interface StayRule {
  readonly from: string;
  readonly to: string;
  readonly minStay: number | null;
  readonly maxStay: number | null;
  readonly closedToArrival: boolean;
  readonly closedToDeparture: boolean;
}

export type StayRuleName = 'min_stay' | 'max_stay' | 'closed_to_arrival' | 'closed_to_departure';

export interface StayRuleViolation {
  readonly rule: StayRuleName;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

const covers = (rule: StayRule, date: string) => rule.from <= date && date < rule.to;

export function stayRuleViolation(rules: readonly StayRule[], checkIn: string, checkOut: string): StayRuleViolation | undefined {
  const nights = daysBetween(checkIn, checkOut);
  const onArrival = rules.filter((r) => covers(r, checkIn));

  const cta = onArrival.find((r) => r.closedToArrival);
  if (cta !== undefined) {
    return {
      rule: 'closed_to_arrival',
      message: `Arrivals on ${checkIn} are closed for this room type.`,
      details: { rule: 'closed_to_arrival', date: checkIn, from: cta.from, to: cta.to },
    };
  }
  const ctd = rules.find((r) => r.closedToDeparture && covers(r, checkOut));
  if (ctd !== undefined) {
    return {
      rule: 'closed_to_departure',
      message: `Departures on ${checkOut} are closed for this room type.`,
      details: { rule: 'closed_to_departure', date: checkOut, from: ctd.from, to: ctd.to },
    };
  }
  const min = Math.max(0, ...onArrival.map((r) => r.minStay ?? 0));
  if (nights < min) {
    return {
      rule: 'min_stay',
      message: `A stay arriving on ${checkIn} must be at least ${min} nights; this one is ${nights}.`,
      details: { rule: 'min_stay', min_stay: min, nights },
    };
  }
  const maxes = onArrival.flatMap((r) => (r.maxStay === null ? [] : [r.maxStay]));
  const max = maxes.length > 0 ? Math.min(...maxes) : undefined;
  if (max !== undefined && nights > max) {
    return {
      rule: 'max_stay',
      message: `A stay arriving on ${checkIn} may be at most ${max} nights; this one is ${nights}.`,
      details: { rule: 'max_stay', max_stay: max, nights },
    };
  }
  return undefined;
}

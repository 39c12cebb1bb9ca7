/**
 * Slot arithmetic of a dining venue, in venue-local wall-clock minutes. Pure: no clock, no database.
 *
 * A day's opening interval is `[opens, closes)` in minutes after the midnight that starts its service
 * day; `closes` may pass 1440, so a service that opens at 18:00 and closes at 02:00 is `[1080, 1560)`
 * of the day it opens (its service day). A seating is named by the calendar date and wall-clock time
 * at which it starts; a seating at 00:30 after Friday's late service is Saturday 00:30, and belongs to
 * Friday's service (a closed Friday closes it too). Slot times lie on a grid from midnight
 * (`minute % slotMinutes === 0`), so the grid is the same on both sides of midnight.
 *
 * Wall-clock minutes only say which seatings exist; whether a seating ends by closing time is decided
 * on instants (`start + duration <= close`, both resolved in the venue's time zone by the database),
 * so the short and long days of daylight-saving changes are right.
 */
import { addDays } from '../../../platform/dates.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];
/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

export interface OpeningInterval {
  readonly weekday: Weekday;
  /** Minutes after the service day's midnight, 0–1439. */
  readonly opens: number;
  /** Minutes after the service day's midnight, `opens < closes <= opens + 1440` (past 1440: the next day). */
  readonly closes: number;
}

export interface DurationRule {
  /** The rule applies to parties of at most this many (the first matching rule, by `maxParty`, wins). */
  readonly maxParty: number;
  readonly minutes: number;
}

/** What slot arithmetic needs from a venue's dining settings. */
export interface SlotSettings {
  readonly slotMinutes: number;
  readonly defaultDurationMinutes: number;
  /** Sorted by `maxParty`, ascending. */
  readonly durationRules: readonly DurationRule[];
  readonly hours: readonly OpeningInterval[];
  /** Service days on which the venue does not open. */
  readonly closedDates: ReadonlySet<string>;
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const CLOSING_RE = /^(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/** 'HH:MM' (00:00–23:59) → minutes after midnight; undefined when malformed. */
export function parseTime(value: string): number | undefined {
  const m = TIME_RE.exec(value);
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
}

/** Minutes after midnight → 'HH:MM' (wraps past midnight). */
export function formatTime(minute: number): string {
  const m = ((minute % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** ISO weekday of a 'YYYY-MM-DD' date. */
export function weekdayOf(date: string): Weekday {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (d === 0 ? 7 : d) as Weekday;
}

export function weekdayName(w: Weekday): WeekdayName {
  return WEEKDAYS[w - 1]!;
}

export function weekdayNumber(name: WeekdayName): Weekday {
  return (WEEKDAYS.indexOf(name) + 1) as Weekday;
}

/** 'YYYY-MM-DD HH:MM' of `minute` minutes after the midnight that starts `date` (may roll into later days). */
export function localTimestamp(date: string, minute: number): string {
  const days = Math.floor(minute / MINUTES_PER_DAY);
  return `${addDays(date, days)} ${formatTime(minute)}`;
}

export type IntervalProblem = { readonly index: number; readonly message: string };

/**
 * Reads an opening interval as the API writes it (`opens`, `closes` as 'HH:MM'; `closes` at or before
 * `opens` means the next day; '24:00' and '00:00' both mean midnight).
 */
export function readInterval(weekday: Weekday, opens: string, closes: string): OpeningInterval | string {
  const o = parseTime(opens);
  if (o === undefined) return `opens ${JSON.stringify(opens)} is not a time HH:MM`;
  if (!CLOSING_RE.test(closes)) return `closes ${JSON.stringify(closes)} is not a time HH:MM`;
  let c = closes === '24:00' ? MINUTES_PER_DAY : parseTime(closes)!;
  if (c === o) return `opens and closes are both ${opens}: for a whole day write 00:00–24:00`;
  if (c < o) c += MINUTES_PER_DAY;
  return { weekday, opens: o, closes: c };
}

/**
 * Problems with a week of opening intervals: two intervals may not overlap, on the same day or across
 * midnight (Friday 18:00–02:00 and Saturday 01:00–…), including Sunday into Monday.
 */
export function overlappingIntervals(hours: readonly OpeningInterval[]): IntervalProblem[] {
  const problems: IntervalProblem[] = [];
  const span = (h: OpeningInterval) => [(h.weekday - 1) * MINUTES_PER_DAY + h.opens, (h.weekday - 1) * MINUTES_PER_DAY + h.closes] as const;
  for (let i = 0; i < hours.length; i++) {
    const [a0, a1] = span(hours[i]!);
    for (let j = 0; j < i; j++) {
      const [b0, b1] = span(hours[j]!);
      for (const shift of [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK]) {
        if (a0 < b1 + shift && b0 + shift < a1) {
          problems.push({
            index: i,
            message: `hours[${i}] (${describeInterval(hours[i]!)}) overlaps hours[${j}] (${describeInterval(hours[j]!)})`,
          });
          break;
        }
      }
    }
  }
  return problems;
}

export function describeInterval(h: OpeningInterval): string {
  return `${weekdayName(h.weekday)} ${formatTime(h.opens)}–${h.closes === MINUTES_PER_DAY ? '24:00' : formatTime(h.closes)}`;
}

/** How long a party sits: the first rule whose `maxParty` covers it, else the venue's default. */
export function durationFor(settings: Pick<SlotSettings, 'durationRules' | 'defaultDurationMinutes'>, partySize: number): number {
  return settings.durationRules.find((r) => partySize <= r.maxParty)?.minutes ?? settings.defaultDurationMinutes;
}

/** A seating start the opening hours allow, before its end is checked against closing time. */
export interface SlotCandidate {
  /** Wall-clock start, 'HH:MM', on the calendar date asked for. */
  readonly time: string;
  /** Minutes after that calendar date's midnight. */
  readonly minute: number;
  /** The day whose service this seating belongs to (the date asked for, or the day before after midnight). */
  readonly serviceDate: string;
  /** 'YYYY-MM-DD HH:MM', venue-local. */
  readonly localStart: string;
  /** When that service closes, 'YYYY-MM-DD HH:MM', venue-local. */
  readonly localClose: string;
}

export type Placement =
  | { readonly kind: 'open'; readonly slot: SlotCandidate }
  | { readonly kind: 'closed'; readonly serviceDate: string }
  | { readonly kind: 'outside' };

function candidate(date: string, minute: number, serviceDate: string, interval: OpeningInterval): SlotCandidate {
  return {
    time: formatTime(minute),
    minute,
    serviceDate,
    localStart: localTimestamp(date, minute),
    localClose: localTimestamp(serviceDate, interval.closes),
  };
}

/** Where a seating starting at `minute` on calendar `date` falls: in a service, on a closed day, or outside hours. */
export function placeSeating(settings: SlotSettings, date: string, minute: number): Placement {
  const today = weekdayOf(date);
  const yesterday = addDays(date, -1);
  const yesterdayWd = weekdayOf(yesterday);
  for (const h of settings.hours) {
    if (h.weekday === today && h.opens <= minute && minute < h.closes) {
      return settings.closedDates.has(date)
        ? { kind: 'closed', serviceDate: date }
        : { kind: 'open', slot: candidate(date, minute, date, h) };
    }
    if (
      h.weekday === yesterdayWd &&
      h.closes > MINUTES_PER_DAY &&
      h.opens <= minute + MINUTES_PER_DAY &&
      minute + MINUTES_PER_DAY < h.closes
    ) {
      return settings.closedDates.has(yesterday)
        ? { kind: 'closed', serviceDate: yesterday }
        : { kind: 'open', slot: candidate(date, minute, yesterday, h) };
    }
  }
  return { kind: 'outside' };
}

/**
 * Every seating start on calendar `date` that the opening hours allow (on the slot grid, inside an
 * interval of a service day that is not closed), in time order. Whether each one ends by closing time
 * is checked afterwards on instants.
 */
export function candidateSlots(settings: SlotSettings, date: string): SlotCandidate[] {
  const out: SlotCandidate[] = [];
  const step = settings.slotMinutes;
  const firstOnGrid = (m: number) => Math.ceil(m / step) * step;
  const yesterday = addDays(date, -1);
  const today = weekdayOf(date);
  const yesterdayWd = weekdayOf(yesterday);
  for (const h of settings.hours) {
    if (h.weekday === yesterdayWd && h.closes > MINUTES_PER_DAY && !settings.closedDates.has(yesterday)) {
      for (let m = firstOnGrid(Math.max(h.opens, MINUTES_PER_DAY)); m < h.closes; m += step) {
        out.push(candidate(date, m - MINUTES_PER_DAY, yesterday, h));
      }
    }
    if (h.weekday === today && !settings.closedDates.has(date)) {
      for (let m = firstOnGrid(h.opens); m < Math.min(h.closes, MINUTES_PER_DAY); m += step) out.push(candidate(date, m, date, h));
    }
  }
  return out.sort((a, b) => a.minute - b.minute);
}

/** The venue-local calendar date and minute of an instant (for "today" and "tonight"). */
export function localDateAndMinute(at: Date, timeZone: string): { date: string; minute: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

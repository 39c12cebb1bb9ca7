import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidateSlots,
  durationFor,
  formatTime,
  localTimestamp,
  overlappingIntervals,
  parseTime,
  placeSeating,
  readInterval,
  weekdayOf,
  type OpeningInterval,
  type SlotSettings,
  type Weekday,
} from '../../../../src/services/inventory/dining/slots.domain.js';

function interval(weekday: Weekday, opens: string, closes: string): OpeningInterval {
  const read = readInterval(weekday, opens, closes);
  if (typeof read === 'string') throw new Error(read);
  return read;
}

function settings(hours: OpeningInterval[], extra: Partial<SlotSettings> = {}): SlotSettings {
  return { slotMinutes: 15, defaultDurationMinutes: 120, durationRules: [], hours, closedDates: new Set(), ...extra };
}

const allWeek = (opens: string, closes: string) => ([1, 2, 3, 4, 5, 6, 7] as const).map((d) => interval(d, opens, closes));

describe('slot arithmetic', () => {
  it('reads and writes wall-clock times', () => {
    expect(parseTime('00:00')).toBe(0);
    expect(parseTime('19:45')).toBe(1185);
    expect(parseTime('24:00')).toBeUndefined();
    expect(parseTime('7:00')).toBeUndefined();
    expect(formatTime(1185)).toBe('19:45');
    expect(formatTime(1440 + 30)).toBe('00:30');
    expect(localTimestamp('2026-01-31', 1440 + 90)).toBe('2026-02-01 01:30');
  });

  it('knows ISO weekdays', () => {
    expect(weekdayOf('2026-01-19')).toBe(1); // Monday
    expect(weekdayOf('2026-01-25')).toBe(7); // Sunday
  });

  it('reads opening intervals, across midnight too', () => {
    expect(interval(5, '18:00', '02:00')).toEqual({ weekday: 5, opens: 1080, closes: 1560 });
    expect(interval(5, '18:00', '00:00')).toEqual({ weekday: 5, opens: 1080, closes: 1440 });
    expect(interval(5, '00:00', '24:00')).toEqual({ weekday: 5, opens: 0, closes: 1440 });
    expect(readInterval(5, '12:00', '12:00')).toMatch(/24:00/);
    expect(readInterval(5, '12:00', '25:00')).toMatch(/closes/);
  });

  it('finds overlapping intervals, on one day, across midnight and from Sunday into Monday', () => {
    expect(overlappingIntervals([interval(1, '12:00', '15:00'), interval(1, '18:00', '23:00')])).toEqual([]);
    expect(overlappingIntervals([interval(1, '12:00', '15:00'), interval(1, '15:00', '18:00')])).toEqual([]);
    expect(overlappingIntervals([interval(1, '12:00', '15:00'), interval(1, '14:59', '18:00')])).toHaveLength(1);
    expect(overlappingIntervals([interval(5, '18:00', '02:00'), interval(6, '01:00', '03:00')])).toHaveLength(1);
    expect(overlappingIntervals([interval(5, '18:00', '02:00'), interval(6, '02:00', '03:00')])).toEqual([]);
    expect(overlappingIntervals([interval(7, '20:00', '01:00'), interval(1, '00:30', '03:00')])).toHaveLength(1);
    expect(overlappingIntervals(allWeek('00:00', '24:00'))).toEqual([]);
  });

  it('takes the first duration rule that covers the party, else the default', () => {
    const s = {
      defaultDurationMinutes: 150,
      durationRules: [
        { maxParty: 2, minutes: 60 },
        { maxParty: 6, minutes: 120 },
      ],
    };
    expect(durationFor(s, 1)).toBe(60);
    expect(durationFor(s, 2)).toBe(60);
    expect(durationFor(s, 3)).toBe(120);
    expect(durationFor(s, 7)).toBe(150);
  });

  it('lists candidate slots of two services on the grid, the first one on the grid after opening', () => {
    const s = settings([interval(2, '12:10', '13:00'), interval(2, '18:00', '19:00')]);
    expect(candidateSlots(s, '2026-01-20').map((c) => c.time)).toEqual(['12:15', '12:30', '12:45', '18:00', '18:15', '18:30', '18:45']);
    expect(candidateSlots(s, '2026-01-21')).toEqual([]);
    expect(candidateSlots({ ...s, closedDates: new Set(['2026-01-20']) }, '2026-01-20')).toEqual([]);
  });

  it('gives seatings after midnight to the day before', () => {
    const s = settings([interval(6, '23:00', '01:00'), interval(7, '12:00', '13:00')], { slotMinutes: 30 });
    const sunday = candidateSlots(s, '2026-01-25');
    expect(sunday.map((c) => [c.time, c.serviceDate, c.localClose])).toEqual([
      ['00:00', '2026-01-24', '2026-01-25 01:00'],
      ['00:30', '2026-01-24', '2026-01-25 01:00'],
      ['12:00', '2026-01-25', '2026-01-25 13:00'],
      ['12:30', '2026-01-25', '2026-01-25 13:00'],
    ]);
    expect(candidateSlots(s, '2026-01-24').map((c) => c.time)).toEqual(['23:00', '23:30']);
    expect(placeSeating(s, '2026-01-25', 30)).toMatchObject({ kind: 'open', slot: { serviceDate: '2026-01-24' } });
    expect(placeSeating({ ...s, closedDates: new Set(['2026-01-24']) }, '2026-01-25', 30)).toEqual({
      kind: 'closed',
      serviceDate: '2026-01-24',
    });
    expect(placeSeating(s, '2026-01-25', 60)).toEqual({ kind: 'outside' });
    expect(placeSeating(s, '2026-01-25', 11 * 60)).toEqual({ kind: 'outside' });
  });

  it('places a seating exactly where candidateSlots lists one (property)', () => {
    const arbInterval = fc
      .record({
        weekday: fc.integer({ min: 1, max: 7 }),
        opens: fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
        length: fc.integer({ min: 1, max: 96 }).map((q) => q * 15),
      })
      .map(({ weekday, opens, length }): OpeningInterval => ({ weekday: weekday as Weekday, opens, closes: opens + length }));
    fc.assert(
      fc.property(
        fc.array(arbInterval, { maxLength: 6 }).filter((h) => overlappingIntervals(h).length === 0),
        fc.constantFrom(5, 10, 15, 30, 60),
        fc.integer({ min: 0, max: 13 }),
        fc.array(fc.integer({ min: 0, max: 13 }), { maxLength: 3 }),
        (hours, slotMinutes, dayOffset, closedOffsets) => {
          const base = '2026-03-02';
          const date = localTimestamp(base, dayOffset * 1440).slice(0, 10);
          const closedDates = new Set(closedOffsets.map((o) => localTimestamp(base, o * 1440).slice(0, 10)));
          const s = settings(hours, { slotMinutes, closedDates });
          const listed = new Map(candidateSlots(s, date).map((c) => [c.minute, c]));
          for (let m = 0; m < 1440; m += slotMinutes) {
            const placed = placeSeating(s, date, m);
            if (listed.has(m)) expect(placed).toEqual({ kind: 'open', slot: listed.get(m) });
            else expect(placed.kind).not.toBe('open');
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

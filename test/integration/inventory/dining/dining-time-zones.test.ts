/**
 * Venue-local times become instants in the venue's time zone, so daylight-saving days are right: the
 * short spring night and the long autumn night, services that cross midnight, and other zones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { availability, everyDay, newDiningVenue, postHold, tablesOf, type AvailabilityReply } from './dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

/** Saturday 18:00–03:00 (a late service into Sunday) and Sunday 12:00–22:00. */
const LATE_SATURDAY = {
  hours: [
    { weekday: 'sat', opens: '18:00', closes: '03:00' },
    { weekday: 'sun', opens: '12:00', closes: '22:00' },
  ],
};

describe('time zones and daylight saving', () => {
  it('19:00 in London is 19:00Z in winter and 18:00Z after the clocks go forward', async () => {
    const { venueId } = await newDiningVenue(ctx, { tables: tablesOf(2, 4) });
    const before = await postHold(ctx, { venue_id: venueId, date: '2026-03-28', time: '19:00', party_size: 2 });
    expect(before.json().details).toMatchObject({ start: '2026-03-28T19:00:00.000Z', end: '2026-03-28T21:00:00.000Z' });
    const after = await postHold(ctx, { venue_id: venueId, date: '2026-03-29', time: '19:00', party_size: 2 });
    expect(after.json().details).toMatchObject({
      date: '2026-03-29',
      time: '19:00',
      start: '2026-03-29T18:00:00.000Z',
      end: '2026-03-29T20:00:00.000Z',
    });
    const a = await availability(ctx, { venue_id: venueId, date: '2026-03-29', party_size: 2 });
    expect(a.json<AvailabilityReply>().slots.find((s) => s.time === '19:00')).toMatchObject({
      start: '2026-03-29T18:00:00.000Z',
      tables_free: 1,
    });
  });

  it('a service across the spring-forward night: skipped times do not exist, and the short night ends earlier', async () => {
    const { venueId } = await newDiningVenue(ctx, { settings: LATE_SATURDAY, tables: tablesOf(1, 4) });
    // Saturday's service closes at 03:00 BST = 02:00Z; 01:00–01:59 does not exist that night.
    const a = await availability(ctx, { venue_id: venueId, date: '2026-03-29', party_size: 2, duration_minutes: 30 });
    expect(a.statusCode, a.body).toBe(200);
    const early = a.json<AvailabilityReply>().slots.filter((s) => s.time < '12:00');
    expect(early.map((s) => [s.time, s.start])).toEqual([
      ['00:00', '2026-03-29T00:00:00.000Z'],
      ['00:15', '2026-03-29T00:15:00.000Z'],
      ['00:30', '2026-03-29T00:30:00.000Z'],
      ['00:45', '2026-03-29T00:45:00.000Z'],
      ['02:00', '2026-03-29T01:00:00.000Z'],
      ['02:15', '2026-03-29T01:15:00.000Z'],
      ['02:30', '2026-03-29T01:30:00.000Z'],
    ]);
    const skipped = await postHold(ctx, { venue_id: venueId, date: '2026-03-29', time: '01:30', party_size: 2, duration_minutes: 30 });
    expect(skipped.statusCode).toBe(400);
    expect(skipped.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/does not exist/) });
    // Two hours from 00:30 would be 03:30 BST on the wall clock: after closing.
    const tooLong = await postHold(ctx, { venue_id: venueId, date: '2026-03-29', time: '00:30', party_size: 2 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.code).toBe('OUTSIDE_OPENING_HOURS');
    const fits = await postHold(ctx, { venue_id: venueId, date: '2026-03-29', time: '00:30', party_size: 2, duration_minutes: 90 });
    expect(fits.statusCode, fits.body).toBe(201);
    expect(fits.json().details).toMatchObject({ start: '2026-03-29T00:30:00.000Z', end: '2026-03-29T02:00:00.000Z' });
  });

  it('the long autumn night gives a late service an extra hour', async () => {
    const { venueId } = await newDiningVenue(ctx, { settings: LATE_SATURDAY, tables: tablesOf(1, 4) });
    // 00:45 BST is 23:45Z; closing at 03:00 GMT is 03:00Z: 150 minutes fit, though 00:45 + 2h30 is 03:15 on a naive clock.
    const res = await postHold(ctx, { venue_id: venueId, date: '2026-10-25', time: '00:45', party_size: 2, duration_minutes: 150 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().details).toMatchObject({ start: '2026-10-24T23:45:00.000Z', end: '2026-10-25T02:15:00.000Z' });
    const lunch = await postHold(ctx, { venue_id: venueId, date: '2026-10-25', time: '13:00', party_size: 2 });
    expect(lunch.json().details.start).toBe('2026-10-25T13:00:00.000Z');
  });

  it('a seating after midnight belongs to the day before: closing that day closes it', async () => {
    const { venueId } = await newDiningVenue(ctx, { settings: { ...LATE_SATURDAY, closed_dates: ['2026-01-24'] }, tables: tablesOf(1, 4) });
    const afterMidnight = await postHold(ctx, {
      venue_id: venueId,
      date: '2026-01-25',
      time: '00:30',
      party_size: 2,
      duration_minutes: 60,
    });
    expect(afterMidnight.statusCode).toBe(400);
    expect(afterMidnight.json().error).toMatchObject({ code: 'VENUE_CLOSED', details: { closed_date: '2026-01-24' } });
    const sunday = await availability(ctx, { venue_id: venueId, date: '2026-01-25', party_size: 2, duration_minutes: 60 });
    expect(sunday.json().closed).toBe(false);
    expect(sunday.json().slots[0].time).toBe('12:00');
    const saturday = await availability(ctx, { venue_id: venueId, date: '2026-01-24', party_size: 2 });
    expect(saturday.json()).toMatchObject({ closed: true, slots: [] });
    // The next weekend the late service runs: Sunday 00:30 is Saturday's.
    const open = await postHold(ctx, { venue_id: venueId, date: '2026-02-01', time: '00:30', party_size: 2, duration_minutes: 60 });
    expect(open.statusCode, open.body).toBe(201);
    expect(open.json().details).toMatchObject({ date: '2026-02-01', time: '00:30', start: '2026-02-01T00:30:00.000Z' });
    // Sunday 03:00 is after Saturday's close and before Sunday's opening.
    const gap = await postHold(ctx, { venue_id: venueId, date: '2026-02-01', time: '03:00', party_size: 2, duration_minutes: 60 });
    expect(gap.json().error.code).toBe('OUTSIDE_OPENING_HOURS');
  });

  it('other zones: 19:00 in New York is midnight UTC', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      timeZone: 'America/New_York',
      settings: { hours: everyDay('17:00', '23:00') },
      tables: tablesOf(1, 4),
    });
    const res = await postHold(ctx, { venue_id: venueId, date: '2026-01-20', time: '19:00', party_size: 2 });
    expect(res.json().details).toMatchObject({ start: '2026-01-21T00:00:00.000Z', end: '2026-01-21T02:00:00.000Z' });
    const a = await availability(ctx, { venue_id: venueId, date: '2026-01-20', party_size: 2 });
    expect(a.json()).toMatchObject({ time_zone: 'America/New_York' });
    expect(a.json().slots[0]).toMatchObject({ time: '17:00', start: '2026-01-20T22:00:00.000Z' });
  });
});

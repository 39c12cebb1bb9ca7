/** Bad input gets a clear 400/404/409/422 and changes nothing (before/after snapshot of everything dining keeps). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { availability, diningSnapshot, everyDay, newDiningVenue, postHold, type MadeVenue } from './dining-fixtures.js';

let ctx: TestContext;
let venue: MadeVenue;
let hotelId: string;
beforeAll(async () => {
  ctx = await createTestContext();
  venue = await newDiningVenue(ctx, {
    settings: {
      hours: [...everyDay('12:00', '15:00'), ...everyDay('18:00', '23:00')],
      closed_dates: ['2026-01-21'],
    },
    tables: [
      { name: 'T2', min_seats: 1, max_seats: 2 },
      { name: 'T6', min_seats: 3, max_seats: 6 },
    ],
  });
  // Something already held, so that "nothing changed" covers allocations too.
  expect((await postHold(ctx, { venue_id: venue.venueId, date: '2026-01-20', time: '19:00', party_size: 2 })).statusCode).toBe(201);
  hotelId = (await newDiningVenue(ctx, { type: 'hotel', settings: null })).venueId;
});
afterAll(async () => ctx.close());

const OK = { date: '2026-01-20', time: '19:00', party_size: 4 };

describe('bad dining holds change nothing', () => {
  const cases: [string, () => Record<string, unknown>, number, string, RegExp?][] = [
    ['party size 0', () => ({ venue_id: venue.venueId, ...OK, party_size: 0 }), 400, 'VALIDATION_FAILED', /party_size/],
    ['a negative party', () => ({ venue_id: venue.venueId, ...OK, party_size: -2 }), 400, 'VALIDATION_FAILED'],
    [
      'a party above the largest table',
      () => ({ venue_id: venue.venueId, ...OK, party_size: 7 }),
      422,
      'PARTY_TOO_LARGE',
      /largest table.*\(6\)/,
    ],
    ['a malformed time', () => ({ venue_id: venue.venueId, ...OK, time: '7pm' }), 400, 'VALIDATION_FAILED', /time/],
    ['an impossible time', () => ({ venue_id: venue.venueId, ...OK, time: '24:30' }), 400, 'VALIDATION_FAILED'],
    [
      'a time off the slot grid',
      () => ({ venue_id: venue.venueId, ...OK, time: '19:07' }),
      400,
      'VALIDATION_FAILED',
      /15-minute slot grid/,
    ],
    ['an impossible date', () => ({ venue_id: venue.venueId, ...OK, date: '2026-02-30' }), 400, 'VALIDATION_FAILED'],
    ['a time before opening', () => ({ venue_id: venue.venueId, ...OK, time: '09:00' }), 400, 'OUTSIDE_OPENING_HOURS'],
    ['a time between services', () => ({ venue_id: venue.venueId, ...OK, time: '16:00' }), 400, 'OUTSIDE_OPENING_HOURS'],
    [
      'a seating ending after closing',
      () => ({ venue_id: venue.venueId, ...OK, time: '21:30' }),
      400,
      'OUTSIDE_OPENING_HOURS',
      /after closing/,
    ],
    ['a lunch running into the break', () => ({ venue_id: venue.venueId, ...OK, time: '14:00' }), 400, 'OUTSIDE_OPENING_HOURS'],
    ['a closed date', () => ({ venue_id: venue.venueId, ...OK, date: '2026-01-21' }), 400, 'VENUE_CLOSED', /closed on 2026-01-21/],
    ['a seating in the past', () => ({ venue_id: venue.venueId, ...OK, date: '2026-01-14' }), 400, 'SLOT_IN_PAST'],
    ['an unknown venue', () => ({ venue_id: 'no-such-venue', ...OK }), 404, 'VENUE_NOT_FOUND'],
    ['a hotel', () => ({ venue_id: hotelId, ...OK }), 400, 'VENUE_TYPE_MISMATCH', /restaurant or cafe/],
    ['a duration of 0', () => ({ venue_id: venue.venueId, ...OK, duration_minutes: 0 }), 400, 'VALIDATION_FAILED'],
    ['a ttl of 0', () => ({ venue_id: venue.venueId, ...OK, ttl_seconds: 0 }), 400, 'VALIDATION_FAILED'],
    ['an unknown field', () => ({ venue_id: venue.venueId, ...OK, tables: 2 }), 400, 'VALIDATION_FAILED', /not an allowed field/],
    ['a missing party size', () => ({ venue_id: venue.venueId, date: OK.date, time: OK.time }), 400, 'VALIDATION_FAILED'],
    ['a party no table seats in that area', () => ({ venue_id: venue.venueId, ...OK, area: 'roof' }), 422, 'PARTY_SIZE_NOT_SEATED'],
  ];

  it.each(cases)('%s', async (_name, body, status, code, message) => {
    const before = await diningSnapshot(ctx);
    const res = await postHold(ctx, body());
    expect(res.statusCode, res.body).toBe(status);
    const error = res.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe(code);
    if (message) expect(error.message).toMatch(message);
    expect(await diningSnapshot(ctx)).toEqual(before);
  });

  it('refuses a deactivated venue', async () => {
    const other = await newDiningVenue(ctx, { tables: [{ name: 'A', max_seats: 4 }] });
    await ctx.app.inject({ method: 'POST', url: `/api/v1/venues/${other.venueId}/deactivate` });
    const before = await diningSnapshot(ctx);
    const res = await postHold(ctx, { venue_id: other.venueId, ...OK });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('VENUE_INACTIVE');
    expect(await diningSnapshot(ctx)).toEqual(before);
  });

  it('a party of one at a venue whose tables need two is never seated (422), and a venue with no tables says so', async () => {
    const twos = await newDiningVenue(ctx, { tables: [{ name: 'A', min_seats: 2, max_seats: 4 }] });
    const one = await postHold(ctx, { venue_id: twos.venueId, ...OK, party_size: 1 });
    expect(one.statusCode).toBe(422);
    expect(one.json().error.code).toBe('PARTY_SIZE_NOT_SEATED');
    const empty = await newDiningVenue(ctx);
    const none = await postHold(ctx, { venue_id: empty.venueId, ...OK });
    expect(none.statusCode).toBe(422);
    expect(none.json().error).toMatchObject({ code: 'PARTY_SIZE_NOT_SEATED', message: expect.stringMatching(/no active tables/) });
  });

  it('a venue never given settings is closed: every time is outside opening hours', async () => {
    const bare = await newDiningVenue(ctx, { settings: null, tables: [{ name: 'A', max_seats: 4 }] });
    const res = await postHold(ctx, { venue_id: bare.venueId, ...OK });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('OUTSIDE_OPENING_HOURS');
    const avail = await availability(ctx, { venue_id: bare.venueId, date: OK.date, party_size: 2 });
    expect(avail.json()).toMatchObject({ slots: [], duration_minutes: 120 });
  });
});

describe('bad availability queries', () => {
  const cases: [string, () => Record<string, string | number>, number, string][] = [
    ['party size 0', () => ({ venue_id: venue.venueId, date: OK.date, party_size: 0 }), 400, 'VALIDATION_FAILED'],
    ['a party above the largest table', () => ({ venue_id: venue.venueId, date: OK.date, party_size: 9 }), 422, 'PARTY_TOO_LARGE'],
    ['an impossible date', () => ({ venue_id: venue.venueId, date: '2026-13-01', party_size: 2 }), 400, 'VALIDATION_FAILED'],
    ['an unknown venue', () => ({ venue_id: 'nope', date: OK.date, party_size: 2 }), 404, 'VENUE_NOT_FOUND'],
    ['a hotel', () => ({ venue_id: hotelId, date: OK.date, party_size: 2 }), 400, 'VENUE_TYPE_MISMATCH'],
    ['an unknown parameter', () => ({ venue_id: venue.venueId, date: OK.date, party_size: 2, when: 'now' }), 400, 'VALIDATION_FAILED'],
  ];
  it.each(cases)('%s', async (_name, q, status, code) => {
    const res = await availability(ctx, q());
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
  });
});

describe('bad settings and tables change nothing', () => {
  const settingsCases: [string, Record<string, unknown>, RegExp][] = [
    [
      'overlapping intervals',
      {
        hours: [
          { weekday: 'mon', opens: '12:00', closes: '15:00' },
          { weekday: 'mon', opens: '14:00', closes: '16:00' },
        ],
      },
      /overlap/,
    ],
    [
      'a late service running into the next day',
      {
        hours: [
          { weekday: 'fri', opens: '18:00', closes: '02:00' },
          { weekday: 'sat', opens: '01:00', closes: '03:00' },
        ],
      },
      /overlap/,
    ],
    [
      'Sunday night into Monday lunch',
      {
        hours: [
          { weekday: 'sun', opens: '20:00', closes: '13:00' },
          { weekday: 'mon', opens: '12:00', closes: '15:00' },
        ],
      },
      /overlap/,
    ],
    ['an empty interval', { hours: [{ weekday: 'mon', opens: '12:00', closes: '12:00' }] }, /24:00/],
    ['a slot that does not divide a day', { hours: [], slot_minutes: 7 }, /slot_minutes/],
    ['a bad weekday', { hours: [{ weekday: 'funday', opens: '12:00', closes: '15:00' }] }, /weekday/],
    [
      'two rules for one party size',
      {
        hours: [],
        durations: [
          { max_party: 2, minutes: 60 },
          { max_party: 2, minutes: 90 },
        ],
      },
      /max_party/,
    ],
    ['a negative buffer', { hours: [], buffer_minutes: -5 }, /buffer_minutes/],
    ['pacing of 0', { hours: [], pacing_covers: 0 }, /pacing_covers/],
    ['an impossible closed date', { hours: [], closed_dates: ['2026-02-30'] }, /closed_dates/],
  ];
  it.each(settingsCases)('settings with %s', async (_name, body, message) => {
    const before = await diningSnapshot(ctx);
    const res = await ctx.app.inject({ method: 'PUT', url: `/api/v1/venues/${venue.venueId}/dining-settings`, payload: body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.message).toMatch(message);
    expect(await diningSnapshot(ctx)).toEqual(before);
  });

  it('tables: min above max, a duplicate name, an unknown table, a hotel', async () => {
    const before = await diningSnapshot(ctx);
    const url = `/api/v1/venues/${venue.venueId}/tables`;
    const minMax = await ctx.app.inject({ method: 'POST', url, payload: { name: 'Z', min_seats: 5, max_seats: 4 } });
    expect(minMax.statusCode).toBe(400);
    const dup = await ctx.app.inject({ method: 'POST', url, payload: { name: 'T2', max_seats: 4 } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('TABLE_NAME_TAKEN');
    const patch = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/tables/${venue.tables[0]!.id}`, payload: { min_seats: 3 } });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.message).toMatch(/min_seats \(3\) would be above max_seats \(2\)/);
    const rename = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/tables/${venue.tables[0]!.id}`, payload: { name: 'T6' } });
    expect(rename.statusCode).toBe(409);
    const unknown = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/tables/3f0e0b9e-6a43-4a54-9d51-5d4c1c9d3e10',
      payload: { area: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TABLE_NOT_FOUND');
    const empty = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/tables/${venue.tables[0]!.id}`, payload: {} });
    expect(empty.statusCode).toBe(400);
    const hotel = await ctx.app.inject({ method: 'POST', url: `/api/v1/venues/${hotelId}/tables`, payload: { name: 'A', max_seats: 2 } });
    expect(hotel.statusCode).toBe(400);
    expect(hotel.json().error.code).toBe('VENUE_TYPE_MISMATCH');
    const hotelSettings = await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${hotelId}/dining-settings` });
    expect(hotelSettings.statusCode).toBe(400);
    expect(await diningSnapshot(ctx)).toEqual(before);
  });
});

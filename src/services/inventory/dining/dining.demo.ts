/**
 * The dining part of the demo data set: two London restaurants and a cafe of the demo hotel group,
 * with lunch and dinner services (late on Fridays and Saturdays), tables of several sizes in several
 * areas, and a few confirmed seatings tonight, taken through real dining holds. Dated from the clock;
 * skipped when the venues already exist.
 */
import { isAppError } from '../../../platform/errors.js';
import type { ServiceDeps } from '../../../platform/http/app.js';
import { addDays } from '../../../platform/dates.js';
import { confirmHold } from '../holds/hold.service.js';
import { inventoryContext } from '../inventory.service-module.js';
import { findVenue } from '../venues/venue.repository.js';
import { createVenue } from '../venues/venue.service.js';
import { addTable, holdTable, putDiningSettings } from './dining.service.js';
import { localDateAndMinute, readInterval, weekdayNumber, type OpeningInterval, type WeekdayName } from './slots.domain.js';

/** The demo restaurants and the cafe belong to their own organization, so that tenant isolation shows on the demo. */
const ORGANIZATION = 'demo-dining';
const TIME_ZONE = 'Europe/London';

type Hours = [WeekdayName[], string, string][];
const ALL: WeekdayName[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function hoursOf(spec: Hours): OpeningInterval[] {
  return spec.flatMap(([days, opens, closes]) =>
    days.map((d) => {
      const read = readInterval(weekdayNumber(d), opens, closes);
      if (typeof read === 'string') throw new Error(`demo hours: ${read}`);
      return read;
    }),
  );
}

interface DemoTable {
  readonly name: string;
  readonly minSeats: number;
  readonly maxSeats: number;
  readonly area: string;
}

function tables(prefix: string, n: number, minSeats: number, maxSeats: number, area: string, from = 1): DemoTable[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}${from + i}`, minSeats, maxSeats, area }));
}

export const DEMO_DINING_VENUES = [
  {
    id: 'copper-pot',
    type: 'restaurant' as const,
    name: 'The Copper Pot',
    location: 'London',
    settings: {
      slotMinutes: 15,
      defaultDurationMinutes: 150,
      durationRules: [
        { maxParty: 2, minutes: 90 },
        { maxParty: 4, minutes: 120 },
      ],
      bufferMinutes: 15,
      pacingCovers: 24,
      hours: hoursOf([
        [['tue', 'wed', 'thu', 'fri', 'sat', 'sun'], '12:00', '14:30'],
        [['mon', 'tue', 'wed', 'thu'], '17:30', '23:00'],
        [['fri', 'sat'], '17:30', '00:30'],
        [['sun'], '17:30', '22:00'],
      ]),
      closedDates: [] as string[],
    },
    tables: [
      ...tables('W', 4, 1, 2, 'window'),
      ...tables('M', 6, 2, 4, 'main room'),
      ...tables('M', 2, 4, 6, 'main room', 7),
      { name: 'Private', minSeats: 6, maxSeats: 8, area: 'private room' },
    ],
  },
  {
    id: 'ember-and-oak',
    type: 'restaurant' as const,
    name: 'Ember & Oak',
    location: 'London',
    settings: {
      slotMinutes: 15,
      defaultDurationMinutes: 120,
      durationRules: [],
      bufferMinutes: 10,
      pacingCovers: null,
      hours: hoursOf([[['tue', 'wed', 'thu', 'fri', 'sat', 'sun'], '18:00', '23:00']]),
      closedDates: [] as string[],
    },
    tables: [
      ...tables('Terrace ', 3, 1, 2, 'terrace'),
      ...tables('Main ', 4, 2, 4, 'main room'),
      { name: 'Main 5', minSeats: 4, maxSeats: 6, area: 'main room' },
      { name: "Chef's table", minSeats: 6, maxSeats: 10, area: 'kitchen counter' },
    ],
  },
  {
    id: 'bluebell-cafe',
    type: 'cafe' as const,
    name: 'Bluebell Café',
    location: 'London',
    settings: {
      slotMinutes: 15,
      defaultDurationMinutes: 60,
      durationRules: [],
      bufferMinutes: 0,
      pacingCovers: null,
      hours: hoursOf([[ALL, '08:00', '17:00']]),
      closedDates: [] as string[],
    },
    tables: [...tables('C', 6, 1, 2, 'inside'), ...tables('C', 3, 2, 4, 'inside', 7), ...tables('P', 2, 2, 4, 'pavement')],
  },
];

export async function loadDiningDemo(deps: ServiceDeps): Promise<void> {
  const ctx = inventoryContext(deps);
  const now = deps.clock.now();
  if ((await findVenue(ctx.db, DEMO_DINING_VENUES[0]!.id)) !== undefined) return;

  const local = localDateAndMinute(now, TIME_ZONE);
  // "Tonight": today while dinner is still ahead, else tomorrow.
  const tonight = local.minute < 18 * 60 ? local.date : addDays(local.date, 1);
  const christmas = `${tonight.slice(0, 4)}-12-25`;

  for (const v of DEMO_DINING_VENUES) {
    await createVenue(
      ctx.db,
      { id: v.id, organizationId: ORGANIZATION, type: v.type, name: v.name, location: v.location, timeZone: TIME_ZONE, currency: 'GBP' },
      now,
    );
    await putDiningSettings(ctx, v.id, { ...v.settings, closedDates: christmas > tonight ? [christmas] : [] });
    for (const t of v.tables) await addTable(ctx, v.id, t);
  }

  // Confirmed seatings tonight (and the cafe tomorrow morning). A seating the venue cannot take that
  // day (Ember & Oak is closed on Mondays) is simply left out.
  const seatings: [venueId: string, date: string, time: string, party: number][] = [
    ['copper-pot', tonight, '19:00', 2],
    ['copper-pot', tonight, '19:00', 4],
    ['copper-pot', tonight, '19:30', 6],
    ['copper-pot', tonight, '20:00', 2],
    ['copper-pot', tonight, '20:15', 3],
    ['ember-and-oak', tonight, '19:00', 2],
    ['ember-and-oak', tonight, '19:30', 8],
    ['ember-and-oak', tonight, '20:30', 4],
    ['bluebell-cafe', addDays(tonight, 1), '09:00', 2],
    ['bluebell-cafe', addDays(tonight, 1), '10:30', 3],
  ];
  for (const [venueId, date, time, partySize] of seatings) {
    try {
      const held = await holdTable(
        ctx,
        { venueId, date, time, partySize, ttlSeconds: 900 },
        { render: (hold) => ({ status: 201, body: hold }) },
      );
      await confirmHold(ctx.db, ctx.holdKinds, held.body.id, now);
    } catch (err) {
      if (!isAppError(err) || err.status >= 500) throw err;
    }
  }
}

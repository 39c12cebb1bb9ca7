/**
 * Scenario 1, search: lodging availability over 1,000 room types × ~400 nightly rows (by hotel: 10 room
 * types; by city: 100 room types of 10 hotels), random stays of 1–7 nights; and dining slot
 * availability of a restaurant with 200 tables for a day of 15-minute slots. p50/p99 and requests/s at
 * 1, 32 and 128 concurrent clients.
 */
import { addDays } from '../../src/platform/dates.js';
import { diningSearch, lodgingSearch } from '../lib/bodies.js';
import { check, type Check } from '../lib/checks.js';
import type { BenchContext, Row, ScenarioResult } from '../lib/context.js';
import { stayDates } from '../lib/fixtures.js';
import { closedLoop, HttpClient, outcomeLabel, summary, type HttpRequest } from '../lib/http.js';
import { Rng } from '../lib/random.js';

export const CLIENT_LEVELS = [1, 32, 128] as const;

type Variant = { name: string; request: (rng: Rng) => HttpRequest };

export function searchVariants(ctx: BenchContext): Variant[] {
  const { hotels, restaurant, today } = ctx;
  return [
    {
      name: 'lodging by hotel (10 room types)',
      request: (rng) => {
        const stay = stayDates(rng, today, 7);
        return lodgingSearch({
          venueId: rng.pick(hotels.venues).id,
          checkIn: stay.checkIn,
          checkOut: stay.checkOut,
          adults: rng.int(1, 4),
        });
      },
    },
    {
      name: 'lodging by city (100 room types)',
      request: (rng) => {
        const stay = stayDates(rng, today, 7);
        return lodgingSearch({
          location: rng.pick(hotels.locations),
          checkIn: stay.checkIn,
          checkOut: stay.checkOut,
          adults: rng.int(1, 4),
        });
      },
    },
    {
      name: `dining slots (${restaurant.tables} tables)`,
      request: (rng) => diningSearch({ venueId: restaurant.venueId, date: restaurant.date, partySize: rng.int(1, 6) }),
    },
  ];
}

/** The searches answer what the data implies before they are timed. */
async function sanity(ctx: BenchContext, http: HttpClient): Promise<Check[]> {
  const checkIn = addDays(ctx.today, 10);
  const checkOut = addDays(checkIn, 3);
  const venue = ctx.hotels.venues[0]!;
  const byHotel = await http.send(lodgingSearch({ venueId: venue.id, checkIn, checkOut, adults: 1 }));
  const results = (byHotel.json?.results ?? []) as { available: number; nights: unknown[] }[];
  const perHotel = ctx.hotels.roomTypes.filter((r) => r.venueId === venue.id).length;
  const byCity = await http.send(lodgingSearch({ location: venue.location, checkIn, checkOut, adults: 1 }));
  const cityRoomTypes = ctx.hotels.roomTypes.filter((r) => ctx.hotels.venues.find((v) => v.id === r.venueId)!.location === venue.location);
  const dining = await http.send(diningSearch({ venueId: ctx.restaurant.venueId, date: ctx.restaurant.date, partySize: 2 }));
  const slots = (dining.json?.slots ?? []) as { tables_free: number }[];
  return [
    check(
      'search by hotel answers every room type with 3 nights',
      byHotel.status === 200 && results.length === perHotel && results.every((r) => r.nights.length === 3 && r.available >= 0),
      `${byHotel.status}, ${results.length} of ${perHotel} room types`,
    ),
    check(
      'search by city answers every room type of the city',
      byCity.status === 200 && (byCity.json?.results ?? []).length === cityRoomTypes.length,
      `${byCity.status}, ${(byCity.json?.results ?? []).length} of ${cityRoomTypes.length} room types`,
    ),
    check(
      'dining search answers the day’s slots',
      dining.status === 200 && slots.length > 0 && slots.every((s) => s.tables_free >= 0 && s.tables_free <= ctx.restaurant.tables),
      `${dining.status}, ${slots.length} slots`,
    ),
  ];
}

export async function runSearch(ctx: BenchContext): Promise<ScenarioResult> {
  const http = new HttpClient(ctx.platform.url, Math.max(...CLIENT_LEVELS));
  const rows: Row[] = [];
  try {
    const checks = await sanity(ctx, http);
    let seed = 100;
    for (const variant of searchVariants(ctx)) {
      for (const clients of CLIENT_LEVELS) {
        const rng = new Rng(seed++);
        ctx.log(`search: ${variant.name}, ${clients} client(s)`);
        const {
          value: r,
          rss,
          cpu,
        } = await ctx.measure(() =>
          closedLoop({
            clients,
            durationMs: ctx.durations.searchS * 1000,
            warmupMs: ctx.durations.warmupS * 1000,
            op: async () => {
              const res = await http.send(variant.request(rng));
              return { kind: 'search', label: outcomeLabel(res), ok: res.status === 200 };
            },
          }),
        );
        rows.push({
          scenario: 'search',
          variant: variant.name,
          target: 'platform',
          clients,
          requests: r.completed,
          throughput: r.throughput,
          latency: r.latency,
          rss,
          cpu,
          outcomes: r.outcomes,
        });
        checks.push(
          check(
            `search ${variant.name} @${clients}: every answer 200`,
            r.unexpected === 0 && r.completed > 0,
            r.unexpected === 0 ? `${r.completed} answers` : `${r.unexpected} unexpected: ${summary(r.outcomes)}`,
            'answers',
          ),
        );
      }
    }
    return { name: 'search', rows, checks, notes: [] };
  } finally {
    await http.close();
  }
}

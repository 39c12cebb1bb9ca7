/**
 * The lodging part of the demo data set: the seven hotels of CONTRACTS.md (seed 001), each with
 * Standard Rooms (×1 the base price), Deluxe Rooms (×1.2), Suites (×1.5) and Penthouse Suites (×2),
 * nightly rows from today for the whole horizon, and a few weeks of stays taken through real holds
 * (created and confirmed like any booking's), so that a first start shows a living hotel group.
 * Deterministic (seeded), dated from the clock; skipped when the hotels already exist.
 */
import { sql } from 'kysely';
import { addDays } from '../../../platform/dates.js';
import type { ServiceDeps } from '../../../platform/http/app.js';
import { isAppError } from '../../../platform/errors.js';
import { confirmHold } from '../holds/hold.service.js';
import { inventoryContext } from '../inventory.service-module.js';
import { findVenue } from '../venues/venue.repository.js';
import { createVenue } from '../venues/venue.service.js';
import { localDate } from './lodging.calendar.js';
import { holdStay } from './lodging-hold.service.js';
import { createRoomType } from './room-type.service.js';
import { replaceStayRules } from './stay-rule.repository.js';

export const DEMO_HOTELS = [
  { id: '111', name: 'Royal Lancaster', location: 'London', basePrice: 304 },
  { id: '222', name: 'Shangri-La The Shard', location: 'London', basePrice: 415 },
  { id: '333', name: 'Abbots Grange Manor House', location: 'Worcestershire', basePrice: 310 },
  { id: '444', name: 'The Gleneagles', location: 'Scotland', basePrice: 346 },
  { id: '555', name: 'The Grand', location: 'Brighton', basePrice: 130 },
  { id: '666', name: 'St Brides Spa', location: 'Wales', basePrice: 190 },
  { id: '777', name: 'Cliveden House', location: 'Berkshire', basePrice: 280 },
] as const;

/** Price multipliers in tenths, so that prices stay integers: base £ × tenths × 10 = minor units. */
export const DEMO_ROOM_TYPES = [
  { suffix: 'STANDARD', name: 'Standard Rooms', tenths: 10, adults: 2, quantity: 20, stays: 18 },
  { suffix: 'DELUXE', name: 'Deluxe Rooms', tenths: 12, adults: 2, quantity: 12, stays: 10 },
  { suffix: 'SUITE', name: 'Suites', tenths: 15, adults: 3, quantity: 6, stays: 5 },
  { suffix: 'PENTHOUSE', name: 'Penthouse Suites', tenths: 20, adults: 4, quantity: 2, stays: 2 },
] as const;

export const DEMO_ORGANIZATION = 'demo-hotel-group';

/** A small seeded PRNG (mulberry32), so that every demo load is the same relative to today. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function loadLodgingDemo(deps: ServiceDeps): Promise<void> {
  const ctx = inventoryContext(deps);
  const now = deps.clock.now();
  if ((await findVenue(ctx.db, DEMO_HOTELS[0].id)) !== undefined) return;
  const random = prng(20261125);
  const ids: string[] = [];

  for (const hotel of DEMO_HOTELS) {
    await createVenue(
      ctx.db,
      {
        id: hotel.id,
        organizationId: DEMO_ORGANIZATION,
        type: 'hotel',
        name: hotel.name,
        location: hotel.location,
        timeZone: 'Europe/London',
        currency: 'GBP',
      },
      now,
    );
    const today = localDate(now, 'Europe/London');
    for (const t of DEMO_ROOM_TYPES) {
      const id = `${hotel.id}-${t.suffix}`;
      ids.push(id);
      await createRoomType(
        ctx.db,
        {
          id,
          venueId: hotel.id,
          name: t.name,
          capacityAdults: t.adults,
          price: hotel.basePrice * t.tenths * 10,
          totalQuantity: t.quantity,
        },
        now,
      );
      // Stays over the next six weeks, 1–5 nights, confirmed like a booking's hold.
      for (let i = 0; i < t.stays; i++) {
        const checkIn = addDays(today, Math.floor(random() * 42));
        const checkOut = addDays(checkIn, 1 + Math.floor(random() * 5));
        const quantity = t.quantity >= 10 ? 1 + Math.floor(random() * 3) : 1;
        try {
          const hold = await ctx.db
            .transaction()
            .execute((trx) => holdStay(trx, ctx, { roomTypeId: id, checkIn, checkOut, quantity, ttlSeconds: 900 }, now));
          await confirmHold(ctx.db, ctx.holdKinds, hold.id, now);
        } catch (err) {
          if (!isAppError(err, 'NO_AVAILABILITY')) throw err;
        }
      }
    }
    // Penthouses sell weekends-and-longer: at least two nights.
    await ctx.db
      .transaction()
      .execute((trx) =>
        replaceStayRules(trx, `${hotel.id}-PENTHOUSE`, [
          { from: today, to: addDays(today, 366), minStay: 2, maxStay: null, closedToArrival: false, closedToDeparture: false },
        ]),
      );
  }

  // The demand level seed 001 showed per night: Friday and Saturday high, Thursday and Sunday medium.
  await sql`
    update inventory.room_night set demand_level = case extract(isodow from night)
      when 5 then 'high' when 6 then 'high' when 4 then 'medium' when 7 then 'medium' else 'low' end
    where room_type_id in (${sql.join(ids)})`.execute(ctx.db);
}

/**
 * The data each scenario needs. Venues, tables, stock and bookings go through the HTTP API; the 1,000
 * room types × ~400 nights go in bulk SQL, with exactly the rows `POST /api/v1/venues/{id}/room-types`
 * writes (a room type with its nightly horizon at full capacity), because 1,000 creates through the API
 * would take a large part of the run's time budget.
 */
import type pg from 'pg';
import { addDays, daysBetween } from '../../src/platform/dates.js';
import { horizonAt } from '../../src/services/inventory/lodging/lodging.calendar.js';
import { createStayBooking, createTableBooking } from './bodies.js';
import type { HttpClient } from './http.js';
import { Rng } from './random.js';

export interface RoomTypeInfo {
  readonly id: string;
  readonly venueId: string;
  readonly capacityAdults: number;
}

export interface Hotels {
  readonly venues: { readonly id: string; readonly location: string }[];
  readonly roomTypes: RoomTypeInfo[];
  readonly locations: string[];
  readonly nights: number;
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

const ADULTS = [1, 2, 2, 2, 3, 2, 4, 2, 3, 4];

export async function createVenue(
  http: HttpClient,
  v: { id: string; type: 'hotel' | 'restaurant' | 'cafe' | 'retail'; name: string; location: string },
): Promise<void> {
  await http.must({
    method: 'POST',
    path: '/api/v1/venues',
    body: {
      id: v.id,
      organization_id: 'org-bench',
      type: v.type,
      name: v.name,
      location: v.location,
      time_zone: 'Europe/London',
      currency: 'GBP',
    },
  });
}

/** `hotels` hotels in `cities` cities, each with `perHotel` room types of `rooms` rooms and their nightly rows. */
export async function loadHotels(
  http: HttpClient,
  pool: pg.Pool,
  o: { hotels: number; perHotel: number; cities: number; rooms: number },
): Promise<Hotels> {
  const locations = Array.from({ length: o.cities }, (_, i) => `Bench City ${String(i + 1).padStart(2, '0')}`);
  const venues = Array.from({ length: o.hotels }, (_, i) => ({
    id: `bench-h${String(i + 1).padStart(3, '0')}`,
    location: locations[i % o.cities]!,
  }));
  await mapLimit(venues, 8, (v, i) => createVenue(http, { id: v.id, type: 'hotel', name: `Bench Hotel ${i + 1}`, location: v.location }));

  const now = new Date();
  const { from, until } = horizonAt(now);
  const roomTypes: RoomTypeInfo[] = venues.flatMap((v) =>
    Array.from({ length: o.perHotel }, (_, j) => ({
      id: `${v.id}-rt${String(j + 1).padStart(2, '0')}`,
      venueId: v.id,
      capacityAdults: ADULTS[j % ADULTS.length]!,
    })),
  );
  await pool.query(
    `insert into inventory.room_type (id, venue_id, name, capacity_adults, price, total_quantity, overbooking_allowance, active,
       nights_from, nights_until, created_at, updated_at)
     select r.id, r.venue_id, 'Room type ' || r.n, r.adults, 8000 + 1500 * r.n, $5, 0, true, $6::date, $7::date, $8, $8
     from unnest($1::text[], $2::text[], $3::int[], $4::int[]) as r(id, venue_id, adults, n)`,
    [
      roomTypes.map((r) => r.id),
      roomTypes.map((r) => r.venueId),
      roomTypes.map((r) => r.capacityAdults),
      roomTypes.map((_, i) => (i % o.perHotel) + 1),
      o.rooms,
      from,
      until,
      now,
    ],
  );
  await pool.query(
    `insert into inventory.room_night (room_type_id, night, capacity)
     select rt.id, $1::date + i, rt.total_quantity + rt.overbooking_allowance
     from inventory.room_type rt cross join generate_series(0, $2::date - $1::date) as i
     where rt.id like 'bench-h%'`,
    [from, until],
  );
  await pool.query('analyze inventory.room_type');
  await pool.query('analyze inventory.room_night');
  await pool.query('analyze inventory.venue');
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from inventory.room_night where room_type_id like 'bench-h%'`,
  );
  return { venues, roomTypes, locations, nights: rows[0]!.n / roomTypes.length };
}

/**
 * The same hotels through the HTTP API only (`POST /api/v1/venues/{id}/room-types` writes each room
 * type's nightly rows): for the embedded database, which only the platform process can reach.
 */
export async function loadHotelsViaApi(
  http: HttpClient,
  o: { hotels: number; perHotel: number; cities: number; rooms: number },
): Promise<Hotels> {
  const locations = Array.from({ length: o.cities }, (_, i) => `Bench City ${String(i + 1).padStart(2, '0')}`);
  const venues = Array.from({ length: o.hotels }, (_, i) => ({
    id: `bench-h${String(i + 1).padStart(3, '0')}`,
    location: locations[i % o.cities]!,
  }));
  await mapLimit(venues, 4, (v, i) => createVenue(http, { id: v.id, type: 'hotel', name: `Bench Hotel ${i + 1}`, location: v.location }));
  const roomTypes: RoomTypeInfo[] = venues.flatMap((v) =>
    Array.from({ length: o.perHotel }, (_, j) => ({
      id: `${v.id}-rt${String(j + 1).padStart(2, '0')}`,
      venueId: v.id,
      capacityAdults: ADULTS[j % ADULTS.length]!,
    })),
  );
  await mapLimit(roomTypes, 4, (r, i) =>
    http.must({
      method: 'POST',
      path: `/api/v1/venues/${r.venueId}/room-types`,
      body: {
        id: r.id,
        name: `Room type ${(i % o.perHotel) + 1}`,
        capacity_adults: r.capacityAdults,
        price: 8000 + 1500 * ((i % o.perHotel) + 1),
        total_quantity: o.rooms,
      },
    }),
  );
  const { from, until } = horizonAt(new Date());
  return { venues, roomTypes, locations, nights: daysBetween(from, until) + 1 };
}

export interface Restaurant {
  readonly venueId: string;
  readonly date: string;
  readonly tables: number;
  readonly seatings: number;
}

/** One restaurant with `tables` tables (2 to 8 seats), open 08:00–23:00, and `seatings` table bookings on `date`. */
export async function loadRestaurant(http: HttpClient, o: { tables: number; seatings: number; date: string }): Promise<Restaurant> {
  const venueId = 'bench-r1';
  await createVenue(http, { id: venueId, type: 'restaurant', name: 'Bench Brasserie', location: 'Bench City 01' });
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  await http.must({
    method: 'PUT',
    path: `/api/v1/venues/${venueId}/dining-settings`,
    body: { hours: weekdays.map((weekday) => ({ weekday, opens: '08:00', closes: '23:00' })), buffer_minutes: 15 },
  });
  const seats = [2, 2, 4, 4, 4, 6, 8];
  await mapLimit(
    Array.from({ length: o.tables }, (_, i) => i),
    8,
    (i) =>
      http.must({
        method: 'POST',
        path: `/api/v1/venues/${venueId}/tables`,
        body: { name: `T${i + 1}`, min_seats: 1, max_seats: seats[i % seats.length]!, area: i % 4 === 0 ? 'terrace' : 'main' },
      }),
  );
  const rng = new Rng(7);
  await mapLimit(
    Array.from({ length: o.seatings }, (_, i) => i),
    8,
    async (i) => {
      const minute = 8 * 60 + 15 * rng.int(0, 48); // 08:00 … 20:00, so a 2-hour seating ends by closing time
      const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      const res = await http.send(createTableBooking({ venueId, date: o.date, time, partySize: rng.int(1, 6) }, i));
      if (res.status !== 201 && res.status !== 409) throw new Error(`table booking → ${res.status}: ${JSON.stringify(res.json)}`);
    },
  );
  return { venueId, date: o.date, tables: o.tables, seatings: o.seatings };
}

/** A hotel with one room type of `rooms` rooms, `prebooked` of which are already booked for the stay. */
export async function hotRoomType(
  http: HttpClient,
  o: { venueId: string; rooms: number; prebooked: number; checkIn: string; nights: number },
): Promise<{ venueId: string; roomTypeId: string; checkIn: string; nights: number }> {
  await createVenue(http, { id: o.venueId, type: 'hotel', name: `Hot ${o.venueId}`, location: 'Bench Hot City' });
  const roomTypeId = `${o.venueId}-rt`;
  await http.must({
    method: 'POST',
    path: `/api/v1/venues/${o.venueId}/room-types`,
    body: { id: roomTypeId, name: 'Last rooms', capacity_adults: 2, price: 19_900, total_quantity: o.rooms },
  });
  const stay = { venueId: o.venueId, roomTypeId, checkIn: o.checkIn, nights: o.nights };
  for (let i = 0; i < o.prebooked; i++) await http.must(createStayBooking(stay, 900_000 + i));
  return stay;
}

export async function stockItem(http: HttpClient, productId: string, quantity: number): Promise<void> {
  await http.must({ method: 'POST', path: '/api/v1/stock', body: { product_id: productId, product_name: `Bench ${productId}`, quantity } });
}

export function stayDates(rng: Rng, today: string, maxNights: number): { checkIn: string; nights: number; checkOut: string } {
  const checkIn = addDays(today, rng.int(1, 330));
  const nights = rng.int(1, maxNights);
  return { checkIn, nights, checkOut: addDays(checkIn, nights) };
}

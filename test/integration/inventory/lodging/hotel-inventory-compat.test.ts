/** /inventory (seed 001) over the demo hotel group, exactly as CONTRACTS.md says. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../../src/platform/dates.js';
import { loadLodgingDemo } from '../../../../src/services/inventory/lodging/lodging.demo.js';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { expectInvariants, nights, snapshot } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
const TODAY = '2026-01-15';
beforeAll(async () => {
  ctx = await createTestContext();
  await loadLodgingDemo(ctx.deps);
});
afterAll(async () => ctx.close());

const db = () => ctx.database.db;
const get = (url: string) => ctx.app.inject({ method: 'GET', url });
const adjust = (hotel: string, payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: `/inventory/${hotel}/adjust`, payload });

interface Row {
  hotel_name: string;
  location: string;
  room_type: string;
  date: string;
  available_rooms: number;
  room_price: number;
  demand_level: string;
}

describe('the demo hotel group', () => {
  it('has the seven hotels with four room types each, priced from the base price, and confirmed stays', async () => {
    const { rows } = await sql<{ id: string; name: string; location: string; types: string[]; prices: number[] }>`
      select v.id, v.name, v.location, array_agg(rt.id order by rt.price) as types, array_agg(rt.price order by rt.price) as prices
      from inventory.venue v join inventory.room_type rt on rt.venue_id = v.id group by v.id order by v.id`.execute(db());
    expect(rows.map((r) => [r.id, r.name, r.location])).toEqual([
      ['111', 'Royal Lancaster', 'London'],
      ['222', 'Shangri-La The Shard', 'London'],
      ['333', 'Abbots Grange Manor House', 'Worcestershire'],
      ['444', 'The Gleneagles', 'Scotland'],
      ['555', 'The Grand', 'Brighton'],
      ['666', 'St Brides Spa', 'Wales'],
      ['777', 'Cliveden House', 'Berkshire'],
    ]);
    expect(rows[0]!.types).toEqual(['111-STANDARD', '111-DELUXE', '111-SUITE', '111-PENTHOUSE']);
    expect(rows[0]!.prices).toEqual([30_400, 36_480, 45_600, 60_800]);
    expect(rows[1]!.prices).toEqual([41_500, 49_800, 62_250, 83_000]);
    const held = await sql<{ n: number }>`select count(*)::int as n from inventory.hold where status = 'CONFIRMED'`.execute(db());
    expect(held.rows[0]!.n).toBeGreaterThan(100);
    const horizon = await nights(db(), '777-PENTHOUSE');
    expect(horizon.at(-1)!.night >= addDays(TODAY, 365)).toBe(true);
    await expectInvariants(db());
  });
});

describe('GET /inventory/ and /inventory/{hotel_id}', () => {
  it('pages through real rows with limit and offset (or skip)', async () => {
    const first = await get('/inventory/?limit=3');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toHaveLength(3);
    expect(first.json()[0]).toMatchObject({ hotel_id: 111, hotel_name: 'Royal Lancaster', location: 'London', room_price: 364.8 });
    const next = await get('/inventory?limit=2&offset=2');
    const skipped = await get('/inventory/?limit=2&skip=2');
    expect(next.json()[0]).toEqual(first.json()[2]);
    expect(skipped.json()).toEqual(next.json());
    expect((await get('/inventory/?limit=0')).statusCode).toBe(422);
    expect((await get('/inventory/?offset=-1')).statusCode).toBe(422);
  });

  it('answers a hotel’s rows between two dates, inclusive', async () => {
    const res = await get(`/inventory/111?start_date=${TODAY}&end_date=${addDays(TODAY, 1)}`);
    expect(res.statusCode).toBe(200);
    const rows = res.json<Row[]>();
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.date))).toEqual(new Set([TODAY, addDays(TODAY, 1)]));
    expect(rows.slice(0, 4).map((r) => [r.room_type, r.room_price])).toEqual([
      ['Standard Rooms', 304],
      ['Deluxe Rooms', 364.8],
      ['Suites', 456],
      ['Penthouse Suites', 608],
    ]);
    const suite = (await nights(db(), '111-SUITE', TODAY, addDays(TODAY, 1)))[0]!;
    expect(rows[2]).toEqual({
      hotel_name: 'Royal Lancaster',
      location: 'London',
      room_type: 'Suites',
      date: TODAY,
      available_rooms: suite.capacity - suite.reserved,
      room_price: 456,
      demand_level: 'medium', // 2026-01-15 is a Thursday
    });
  });

  it('answers 404 for an unknown hotel or a range without inventory', async () => {
    for (const url of [
      '/inventory/999',
      '/inventory/111?start_date=1999-01-01&end_date=1999-01-31',
      '/inventory/111?start_date=2026-02-01&end_date=2026-01-01',
    ]) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ detail: 'Hotel not found or no inventory available' });
    }
    expect((await get('/inventory/111?start_date=yesterday')).statusCode).toBe(422);
  });
});

describe('GET /inventory/hotel_name/{hotel_id}', () => {
  it('names a hotel, or answers 404', async () => {
    expect((await get('/inventory/hotel_name/444')).json()).toEqual({ hotel_id: 444, hotel_name: 'The Gleneagles' });
    const missing = await get('/inventory/hotel_name/999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Hotel not found' });
  });
});

describe('POST /inventory/{hotel_id}/adjust', () => {
  const date = addDays(TODAY, 100);
  const available = async (id: string, night = date) => {
    const [n] = await nights(db(), id, night, addDays(night, 1));
    return n!.capacity - n!.reserved;
  };

  it('takes rooms on a date (default one), returns them with a negative number, logging each change', async () => {
    const before = await available('555-DELUXE');
    const one = await adjust('555', { room_type: 'Deluxe Rooms', date });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ success: true, message: 'Inventory adjusted.' });
    expect(await available('555-DELUXE')).toBe(before - 1);
    expect((await adjust('555', { room_type: 'Deluxe Rooms', date, num_rooms: 3 })).statusCode).toBe(200);
    expect(await available('555-DELUXE')).toBe(before - 4);
    expect((await adjust('555', { room_type: 'Deluxe Rooms', date, num_rooms: -4 })).statusCode).toBe(200);
    expect(await available('555-DELUXE')).toBe(before);
    const log = await sql<{ delta: number }>`
      select delta from inventory.room_night_adjustment where room_type_id = '555-DELUXE' order by id`.execute(db());
    expect(log.rows.map((r) => r.delta)).toEqual([1, 3, -4]);
    await expectInvariants(db());
  });

  it('refuses more rooms than are free, returning rooms nobody took directly, and unknown hotels or room types — changing nothing', async () => {
    const before = await snapshot(db());
    const free = await available('666-PENTHOUSE');
    const refusals = [
      ['666', { room_type: 'Penthouse Suites', date, num_rooms: free + 1 }],
      ['666', { room_type: 'Penthouse Suites', date, num_rooms: -1 }],
      ['666', { room_type: 'Broom Cupboard', date }],
      ['999', { room_type: 'Suites', date }],
    ] as const;
    for (const [hotel, body] of refusals) {
      const res = await adjust(hotel, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toEqual({ detail: 'Not enough available rooms or invalid request.' });
    }
    for (const bad of ['soon', '2026-02-30']) {
      const invalid = await adjust('666', { room_type: 'Suites', date: bad });
      expect(invalid.statusCode).toBe(422);
      expect(invalid.json()).toMatchObject({ detail: [{ loc: ['body', 'date'], type: 'value_error' }] });
    }
    expect((await adjust('666', { date })).statusCode).toBe(422);
    expect((await adjust('666', { room_type: 'Suites', date, num_rooms: 1.5 })).statusCode).toBe(422);
    expect(await snapshot(db())).toEqual(before);
  });

  it('takes the last rooms exactly, then refuses', async () => {
    const night = addDays(TODAY, 200);
    const free = await available('222-PENTHOUSE', night);
    expect((await adjust('222', { room_type: 'Penthouse Suites', date: night, num_rooms: free })).statusCode).toBe(200);
    expect(await available('222-PENTHOUSE', night)).toBe(0);
    expect((await adjust('222', { room_type: 'Penthouse Suites', date: night })).statusCode).toBe(400);
    await expectInvariants(db());
  });
});

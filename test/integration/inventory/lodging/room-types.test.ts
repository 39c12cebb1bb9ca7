import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { expectInvariants, holdLodging, newHotel, newRoomType, nights, roomsOp, snapshot } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => {
  ctx = await createTestContext(); // 2026-01-15T12:00:00Z
  hotel = await newHotel(ctx, { location: 'Bath', currency: 'EUR' });
});
afterAll(async () => ctx.close());

const db = () => ctx.database.db;
const capacities = (res: { json: <T>() => T }) => res.json<{ nights: { capacity: number }[] }>().nights.map((n) => n.capacity);
const ids = (list: { id: string }[]) => list.map((r) => r.id);
const capacity = (id: string, payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: `/api/v1/room-types/${id}/capacity`, payload });

describe('room type administration', () => {
  it('creates a room type with a year and more of nightly rows, and reads it back', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${hotel}/room-types`,
      payload: { id: 'BATH-KING', name: 'King', capacity_adults: 2, price: 18_950, total_quantity: 8, overbooking_allowance: 1 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const expected = {
      id: 'BATH-KING',
      venue_id: hotel,
      name: 'King',
      capacity_adults: 2,
      price: 18_950,
      currency: 'EUR',
      total_quantity: 8,
      overbooking_allowance: 1,
      active: true,
    };
    expect(res.json()).toEqual(expected);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/room-types/BATH-KING' })).json()).toEqual(expected);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${hotel}/room-types` })).json()).toEqual({ room_types: [expected] });
    const rows = await nights(db(), 'BATH-KING');
    expect(rows[0]!.night <= '2026-01-15').toBe(true);
    expect(rows.at(-1)!.night >= '2027-01-15').toBe(true);
    expect(rows.every((n) => n.capacity === 9 && n.reserved === 0)).toBe(true);

    const dup = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${hotel}/room-types`,
      payload: { id: 'BATH-KING', name: 'King', capacity_adults: 2, price: 1, total_quantity: 1 },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: { code: 'ROOM_TYPE_EXISTS' } });
  });

  it('refuses room types for a venue that is not a hotel, or does not exist', async () => {
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/venues',
      payload: { id: 'cafe-1', organization_id: 'o', type: 'cafe', name: 'Cafe' },
    });
    const body = { name: 'x', capacity_adults: 1, price: 1, total_quantity: 1 };
    const cafe = await ctx.app.inject({ method: 'POST', url: '/api/v1/venues/cafe-1/room-types', payload: body });
    expect(cafe.statusCode).toBe(400);
    expect(cafe.json()).toMatchObject({ error: { code: 'VENUE_TYPE_MISMATCH' } });
    const none = await ctx.app.inject({ method: 'POST', url: '/api/v1/venues/nowhere/room-types', payload: body });
    expect(none.statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/venues/nowhere/room-types' })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/room-types/nothing' })).statusCode).toBe(404);
  });

  it('moves the capacity of every night from today on when the total changes, never below what is reserved', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 5 });
    // 4 reserved on 2026-03-10 (a hold of 3 and a /rooms reservation of 1).
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-03-10', check_out: '2026-03-11', quantity: 3 })).statusCode).toBe(
      201,
    );
    const op = await roomsOp(ctx, 'reserve', {
      uuid: 'a1b2c3d4-0000-4000-8000-000000000001',
      room_type_id: rt,
      check_in: '2026-03-10',
      check_out: '2026-03-11',
    });
    expect(op.statusCode).toBe(200);

    const before = await snapshot(db());
    const tooLow = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/room-types/${rt}`, payload: { total_quantity: 3 } });
    expect(tooLow.statusCode).toBe(409);
    expect(tooLow.json()).toMatchObject({ error: { code: 'CAPACITY_BELOW_RESERVED', details: { night: '2026-03-10', reserved: 4 } } });
    expect(await snapshot(db())).toEqual(before);

    const ok = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/room-types/${rt}`, payload: { total_quantity: 4, price: 12_345 } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ total_quantity: 4, price: 12_345 });
    const rows = await nights(db(), rt);
    expect(rows.filter((n) => n.night >= '2026-01-15').every((n) => n.capacity === 4)).toBe(true);
    expect(rows.filter((n) => n.night < '2026-01-15').every((n) => n.capacity === 5)).toBe(true);
    await expectInvariants(db());
  });

  it('sets rooms out of order or closes nights, all or nothing', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 4, overbooking_allowance: 1 });
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-04-05', check_out: '2026-04-06', quantity: 3 })).statusCode).toBe(
      201,
    );

    const before = await snapshot(db());
    const refused = await capacity(rt, { from: '2026-04-01', to: '2026-04-08', out_of_order: 3 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'CAPACITY_BELOW_RESERVED', details: { night: '2026-04-05', reserved: 3 } } });
    expect(await snapshot(db())).toEqual(before);

    const ok = await capacity(rt, { from: '2026-04-01', to: '2026-04-08', out_of_order: 2 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().nights).toHaveLength(7);
    expect(ok.json().nights[4]).toEqual({ date: '2026-04-05', capacity: 3, reserved: 3, available: 0, out_of_order: 2, closed: false });
    const full = await holdLodging(ctx, { room_type_id: rt, check_in: '2026-04-04', check_out: '2026-04-06' });
    expect(full.json()).toMatchObject({ error: { code: 'NO_AVAILABILITY', details: { night: '2026-04-05' } } });

    const closed = await capacity(rt, { from: '2026-04-06', to: '2026-04-08', closed: true });
    expect(capacities(closed)).toEqual([0, 0]);
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-04-07', check_out: '2026-04-08' })).statusCode).toBe(409);

    // Back in order: total 4 + allowance 1.
    const back = await capacity(rt, { from: '2026-04-01', to: '2026-04-08' });
    expect(capacities(back)).toEqual([5, 5, 5, 5, 5, 5, 5]);

    // Far beyond the horizon: the rows are created.
    const far = await capacity(rt, { from: '2028-02-01', to: '2028-02-03', out_of_order: 4 });
    expect(capacities(far)).toEqual([1, 1]);

    expect((await capacity(rt, { from: '2026-04-01', to: '2026-04-02', out_of_order: 5 })).statusCode).toBe(400);
    expect((await capacity('no-such', { from: '2026-04-01', to: '2026-04-02' })).statusCode).toBe(404);
    await expectInvariants(db());
  });

  it('deactivates a room type: it is no longer listed or sold, its holds stand', async () => {
    const rt = await newRoomType(ctx, hotel);
    const hold = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-05-01', check_out: '2026-05-02' })).json();
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/room-types/${rt}/deactivate` });
    expect(res.json()).toMatchObject({ id: rt, active: false });
    const listed = (await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${hotel}/room-types` })).json();
    expect(ids(listed.room_types)).not.toContain(rt);
    const all = (await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${hotel}/room-types?include_inactive=true` })).json();
    expect(ids(all.room_types)).toContain(rt);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${hold.id}/confirm` })).json()).toMatchObject({
      status: 'CONFIRMED',
    });
    const reactivated = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/room-types/${rt}`, payload: { active: true } });
    expect(reactivated.json()).toMatchObject({ active: true });
  });

  it('shows the nightly inventory of a room type', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 3 });
    await holdLodging(ctx, { room_type_id: rt, check_in: '2026-06-01', check_out: '2026-06-03', quantity: 2 });
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/room-types/${rt}/nights?from=2026-06-01&to=2026-06-04` });
    expect(res.json()).toEqual({
      room_type_id: rt,
      nights: [
        { date: '2026-06-01', capacity: 3, reserved: 2, available: 1, out_of_order: 0, closed: false },
        { date: '2026-06-02', capacity: 3, reserved: 2, available: 1, out_of_order: 0, closed: false },
        { date: '2026-06-03', capacity: 3, reserved: 0, available: 3, out_of_order: 0, closed: false },
      ],
    });
  });
});

describe('GET /api/v1/availability/lodging', () => {
  it('answers per room type (cheapest first) the rooms free for the whole stay, night by night, with prices', async () => {
    const venue = await newHotel(ctx, { location: 'York', name: 'Minster Hotel' });
    const single = await newRoomType(ctx, venue, {
      id: 'YORK-SINGLE',
      name: 'Single',
      capacity_adults: 1,
      price: 7_000,
      total_quantity: 4,
    });
    const family = await newRoomType(ctx, venue, {
      id: 'YORK-FAMILY',
      name: 'Family',
      capacity_adults: 4,
      price: 16_000,
      total_quantity: 2,
    });
    await holdLodging(ctx, { room_type_id: single, check_in: '2026-02-11', check_out: '2026-02-12', quantity: 3 });
    await holdLodging(ctx, { room_type_id: family, check_in: '2026-02-10', check_out: '2026-02-11' });

    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/availability/lodging?venue_id=${venue}&check_in=2026-02-10&check_out=2026-02-13`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      check_in: '2026-02-10',
      check_out: '2026-02-13',
      nights: 3,
      results: [
        {
          venue_id: venue,
          venue_name: 'Minster Hotel',
          location: 'York',
          room_type_id: 'YORK-SINGLE',
          name: 'Single',
          capacity_adults: 1,
          currency: 'GBP',
          price_per_night: 7_000,
          total_price: 21_000,
          available: 1,
          nights: [
            { date: '2026-02-10', available: 4, price: 7_000 },
            { date: '2026-02-11', available: 1, price: 7_000 },
            { date: '2026-02-12', available: 4, price: 7_000 },
          ],
        },
        {
          venue_id: venue,
          venue_name: 'Minster Hotel',
          location: 'York',
          room_type_id: 'YORK-FAMILY',
          name: 'Family',
          capacity_adults: 4,
          currency: 'GBP',
          price_per_night: 16_000,
          total_price: 48_000,
          available: 1,
          nights: [
            { date: '2026-02-10', available: 1, price: 16_000 },
            { date: '2026-02-11', available: 2, price: 16_000 },
            { date: '2026-02-12', available: 2, price: 16_000 },
          ],
        },
      ],
    });

    const byLocation = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/availability/lodging?location=york&adults=2&max_price=20000&check_in=2026-02-10&check_out=2026-02-11',
    });
    expect(byLocation.json<{ results: { room_type_id: string }[] }>().results.map((r) => r.room_type_id)).toEqual(['YORK-FAMILY']);
    const cheap = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/availability/lodging?venue_id=${venue}&min_price=1000&max_price=8000&check_in=2026-02-10&check_out=2026-02-11`,
    });
    expect(cheap.json<{ results: { room_type_id: string }[] }>().results.map((r) => r.room_type_id)).toEqual(['YORK-SINGLE']);
    const beyond = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/availability/lodging?venue_id=${venue}&room_type_id=YORK-SINGLE&check_in=2028-06-01&check_out=2028-06-03`,
    });
    expect(beyond.json().results[0]).toMatchObject({ available: 4, total_price: 14_000 });
  });

  it('refuses a search without venue or location, with bad dates, or for a venue that is not a hotel', async () => {
    const get = (q: string) => ctx.app.inject({ method: 'GET', url: `/api/v1/availability/lodging?${q}` });
    expect((await get('check_in=2026-02-10&check_out=2026-02-11')).json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await get(`venue_id=${hotel}&check_in=2026-02-11&check_out=2026-02-11`)).statusCode).toBe(400);
    expect((await get(`venue_id=${hotel}&check_in=2026-02-11`)).statusCode).toBe(400);
    expect((await get(`venue_id=${hotel}&check_in=2026-13-01&check_out=2026-13-02`)).statusCode).toBe(400);
    expect((await get(`venue_id=${hotel}&check_in=2026-02-10&check_out=2027-03-01`)).statusCode).toBe(400);
    expect((await get(`venue_id=${hotel}&check_in=2026-02-10&check_out=2026-02-11&surprise=1`)).statusCode).toBe(400);
    expect((await get('venue_id=cafe-1&check_in=2026-02-10&check_out=2026-02-11')).statusCode).toBe(400);
    expect((await get('venue_id=nowhere&check_in=2026-02-10&check_out=2026-02-11')).statusCode).toBe(404);
  });
});

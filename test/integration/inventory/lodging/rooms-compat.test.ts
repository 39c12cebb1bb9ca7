/** /rooms exactly as CONTRACTS.md "Rooms" (seed 002) says, without the original's bugs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../../../helpers/context.js';
import { expectInvariants, holdLodging, hotelContext, newRoomType, nights, roomsOp, snapshot } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext()));
afterAll(async () => ctx.close());

const db = () => ctx.database.db;
let seq = 0;
const uuid = () => `7c9e6679-7425-40de-944b-${String(++seq).padStart(12, '0')}`;
const NO_ROOMS = { detail: { status: 'fail', msg: 'Operation failed, no available rooms.' } };
const NOTHING = { detail: { status: 'fail', msg: 'Operation failed, no rooms to release.' } };

describe('GET /rooms and /rooms/{id}', () => {
  it('lists room types and reads one as a one-element list', async () => {
    const rt = await newRoomType(ctx, hotel, { id: 'LIST_ME', name: 'econom', capacity_adults: 3, price: 4500, total_quantity: 15 });
    const row = { room_type_id: rt, name: 'econom', capacity_adults: 3, price: 4500, total_quantity: 15 };
    expect((await ctx.app.inject({ method: 'GET', url: '/rooms' })).json()).toContainEqual(row);
    expect((await ctx.app.inject({ method: 'GET', url: '/rooms/' })).json()).toContainEqual(row);
    const one = await ctx.app.inject({ method: 'GET', url: `/rooms/${rt}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual([row]);
    const missing = await ctx.app.inject({ method: 'GET', url: '/rooms/NOPE' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Room type not found' });
  });
});

describe('GET /rooms/search validation', () => {
  it('answers the paired-filter 400s of the contract, and 422 for malformed values', async () => {
    const get = (q: string) => ctx.app.inject({ method: 'GET', url: `/rooms/search?${q}` });
    const price = await get('min_price=100');
    expect(price.statusCode).toBe(400);
    expect(price.json()).toEqual({ detail: "Fields 'min_price' and 'max_price' must be specified both or none." });
    expect((await get('max_price=100')).json()).toEqual({ detail: "Fields 'min_price' and 'max_price' must be specified both or none." });
    const dates = await get('check_out=2026-02-02');
    expect(dates.statusCode).toBe(400);
    expect(dates.json()).toEqual({ detail: "Fields 'check_in' and 'check_out' must be specified both or none." });
    const order = await get('check_in=2026-02-02&check_out=2026-02-02');
    expect(order.statusCode).toBe(400);
    expect(order.json()).toEqual({ detail: 'check_in must be before check_out.' });
    const malformed = await get('check_in=2026-02-30&check_out=2026-03-02');
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json()).toMatchObject({ detail: [{ loc: ['query', 'check_in'], type: 'value_error' }] });
    expect((await get('adults=two')).statusCode).toBe(422);
  });
});

describe('POST /rooms/reserve and /rooms/release', () => {
  it('reserves one room on every night, replays a done uuid without change, and releases', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 2 });
    const body = { uuid: uuid(), room_type_id: rt, check_in: '2026-03-01', check_out: '2026-03-03' };
    const res = await roomsOp(ctx, 'reserve', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      status: 'success',
      ...body,
      operation: 'RESERVE',
      message: 'one room reserved on every night of the stay',
    });
    const replay = await roomsOp(ctx, 'reserve', body);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ status: 'success', ...body, operation: 'RESERVE', message: 'operation was already completed' });
    expect((await nights(db(), rt, '2026-03-01', '2026-03-04')).map((n) => n.reserved)).toEqual([1, 1, 0]);

    const rel = { ...body, uuid: uuid() };
    const released = await roomsOp(ctx, 'release', rel);
    expect(released.json()).toEqual({
      status: 'success',
      ...rel,
      operation: 'RELEASE',
      message: 'one room released on every night of the stay',
    });
    expect((await roomsOp(ctx, 'release', rel)).json()).toMatchObject({ message: 'operation was already completed' });
    expect((await nights(db(), rt, '2026-03-01', '2026-03-04')).map((n) => n.reserved)).toEqual([0, 0, 0]);
    await expectInvariants(db());
  });

  it('records a refusal: 409, and the same 409 on replay even after rooms come free', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 1 });
    const taken = { uuid: uuid(), room_type_id: rt, check_in: '2026-03-10', check_out: '2026-03-11' };
    expect((await roomsOp(ctx, 'reserve', taken)).statusCode).toBe(200);
    const body = { uuid: uuid(), room_type_id: rt, check_in: '2026-03-09', check_out: '2026-03-12' };
    const refused = await roomsOp(ctx, 'reserve', body);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual(NO_ROOMS);
    expect((await nights(db(), rt, '2026-03-09', '2026-03-12')).map((n) => n.reserved)).toEqual([0, 1, 0]);
    expect((await roomsOp(ctx, 'release', { ...taken, uuid: uuid() })).statusCode).toBe(200);
    const replay = await roomsOp(ctx, 'reserve', body);
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toEqual(NO_ROOMS);
    expect((await nights(db(), rt, '2026-03-09', '2026-03-12')).map((n) => n.reserved)).toEqual([0, 0, 0]);
    await expectInvariants(db());
  });

  it('refuses a uuid reused for another operation or other parameters, changing nothing', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 3 });
    const body = { uuid: uuid(), room_type_id: rt, check_in: '2026-03-20', check_out: '2026-03-22' };
    expect((await roomsOp(ctx, 'reserve', body)).statusCode).toBe(200);
    const before = await snapshot(db());
    for (const [op, other] of [
      ['release', body],
      ['reserve', { ...body, check_out: '2026-03-23' }],
      ['release', { ...body, room_type_id: rt, check_in: '2026-03-21' }],
    ] as const) {
      const res = await roomsOp(ctx, op, other);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({
        detail: { status: 'fail', msg: 'Operation failed, this uuid was already used for another operation.' },
      });
    }
    expect(await snapshot(db())).toEqual(before);
  });

  it('never releases below zero, and never releases a room a hold took', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 3 });
    const nothing = await roomsOp(ctx, 'release', { uuid: uuid(), room_type_id: rt, check_in: '2026-04-01', check_out: '2026-04-02' });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json()).toEqual(NOTHING);
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-04-01', check_out: '2026-04-03', quantity: 2 })).statusCode).toBe(
      201,
    );
    const held = await roomsOp(ctx, 'release', { uuid: uuid(), room_type_id: rt, check_in: '2026-04-01', check_out: '2026-04-02' });
    expect(held.json()).toEqual(NOTHING);
    // One direct room on the 1st only: a release over both nights is refused as a whole.
    expect(
      (await roomsOp(ctx, 'reserve', { uuid: uuid(), room_type_id: rt, check_in: '2026-04-01', check_out: '2026-04-02' })).statusCode,
    ).toBe(200);
    const partial = await roomsOp(ctx, 'release', { uuid: uuid(), room_type_id: rt, check_in: '2026-04-01', check_out: '2026-04-03' });
    expect(partial.statusCode).toBe(409);
    expect((await nights(db(), rt, '2026-04-01', '2026-04-03')).map((n) => [n.reserved, n.reserved_direct])).toEqual([
      [3, 1],
      [2, 0],
    ]);
    await expectInvariants(db());
  });

  it('accepts past dates and nights far beyond the horizon (an inventory primitive)', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 1 });
    for (const [check_in, check_out] of [
      ['2020-02-28', '2020-03-02'],
      ['2029-12-31', '2030-01-01'],
    ]) {
      const res = await roomsOp(ctx, 'reserve', { uuid: uuid(), room_type_id: rt, check_in, check_out });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await nights(db(), rt, '2020-02-28', '2020-03-02')).map((n) => [n.night, n.reserved])).toEqual([
      ['2020-02-28', 1],
      ['2020-02-29', 1],
      ['2020-03-01', 1],
    ]);
    await expectInvariants(db());
  });

  it('reclaims expired holds before refusing a reserve', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 1 });
    expect(
      (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-05-01', check_out: '2026-05-02', ttl_seconds: 10 })).statusCode,
    ).toBe(201);
    const body = { room_type_id: rt, check_in: '2026-05-01', check_out: '2026-05-02' };
    expect((await roomsOp(ctx, 'reserve', { ...body, uuid: uuid() })).statusCode).toBe(409);
    ctx.clock.advance(10_000);
    expect((await roomsOp(ctx, 'reserve', { ...body, uuid: uuid() })).statusCode).toBe(200);
    await expectInvariants(db());
  });

  it('answers 404 for an unknown room type, 400 for check_in >= check_out, 422 for a malformed body — and changes nothing', async () => {
    const rt = await newRoomType(ctx, hotel);
    const before = await snapshot(db());
    for (const op of ['reserve', 'release'] as const) {
      const unknown = await roomsOp(ctx, op, { uuid: uuid(), room_type_id: 'NOPE', check_in: '2026-06-01', check_out: '2026-06-02' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ detail: 'Room type not found' });
      for (const [check_in, check_out] of [
        ['2026-06-02', '2026-06-02'],
        ['2026-06-03', '2026-06-02'],
      ]) {
        const bad = await roomsOp(ctx, op, { uuid: uuid(), room_type_id: rt, check_in, check_out });
        expect(bad.statusCode).toBe(400);
        expect(bad.json()).toEqual({ detail: 'check_in must be before check_out.' });
      }
      const malformed = await roomsOp(ctx, op, { uuid: 'not-a-uuid', room_type_id: rt, check_in: '2026-06-01', check_out: '2026-06-02' });
      expect(malformed.statusCode).toBe(422);
      expect(malformed.json()).toEqual({ detail: [{ loc: ['body', 'uuid'], msg: 'must match format "uuid"', type: 'value_error' }] });
      const missing = await roomsOp(ctx, op, { uuid: uuid(), check_in: '2026-06-01', check_out: '2026-06-02' });
      expect(missing.statusCode).toBe(422);
      expect(missing.json()).toMatchObject({ detail: [{ loc: ['body', 'room_type_id'] }] });
      expect((await roomsOp(ctx, op, { uuid: uuid(), room_type_id: rt, check_in: '2026-6-1', check_out: '2026-06-02' })).statusCode).toBe(
        422,
      );
    }
    expect(await snapshot(db())).toEqual(before);
  });
});

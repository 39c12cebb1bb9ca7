import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredHolds } from '../../../../src/services/inventory/holds/hold.service.js';
import { inventoryHoldKinds } from '../../../../src/services/inventory/inventory.service-module.js';
import type { InventoryDb } from '../../../../src/services/inventory/inventory.tables.js';
import type { TestContext } from '../../../helpers/context.js';
import { expectInvariants, holdLodging, hotelContext, newRoomType, reservedOn } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext())); // the clock starts at 2026-01-15T12:00:00Z
afterAll(async () => ctx.close());

const db = () => ctx.database.db;

describe('POST /api/v1/holds/lodging', () => {
  it('holds rooms on every night of the stay and answers the hold', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 3 });
    const res = await holdLodging(ctx, { room_type_id: rt, check_in: '2026-02-01', check_out: '2026-02-04', quantity: 2 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      kind: 'lodging',
      venue_id: hotel,
      status: 'HELD',
      expires_at: '2026-01-15T12:15:00.000Z',
      details: {
        room_type_id: rt,
        check_in: '2026-02-01',
        check_out: '2026-02-04',
        quantity: 2,
        nights: ['2026-02-01', '2026-02-02', '2026-02-03'],
      },
    });
    expect(await reservedOn(db(), rt, '2026-01-31', '2026-02-05')).toEqual({
      '2026-01-31': 0,
      '2026-02-01': 2,
      '2026-02-02': 2,
      '2026-02-03': 2,
      '2026-02-04': 0,
    });
    const read = await ctx.app.inject({ method: 'GET', url: `/api/v1/holds/${res.json().id}` });
    expect(read.json()).toEqual(res.json());
    await expectInvariants(db());
  });

  it('takes all nights or none, naming the first full night', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 2 });
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-03-03', check_out: '2026-03-04', quantity: 2 })).statusCode).toBe(
      201,
    );
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-03-05', check_out: '2026-03-06', quantity: 2 })).statusCode).toBe(
      201,
    );
    const res = await holdLodging(ctx, { room_type_id: rt, check_in: '2026-03-01', check_out: '2026-03-07' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'NO_AVAILABILITY', details: { night: '2026-03-03', room_type_id: rt } } });
    expect(await reservedOn(db(), rt, '2026-03-01', '2026-03-07')).toEqual({
      '2026-03-01': 0,
      '2026-03-02': 0,
      '2026-03-03': 2,
      '2026-03-04': 0,
      '2026-03-05': 2,
      '2026-03-06': 0,
    });
    await expectInvariants(db());
  });

  it('gives back exactly what it took on release, once; confirm keeps it', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 4 });
    const a = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-04-01', check_out: '2026-04-03', quantity: 3 })).json();
    const b = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-04-02', check_out: '2026-04-04' })).json();
    const confirmed = await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${b.id}/confirm` });
    expect(confirmed.json()).toMatchObject({ status: 'CONFIRMED' });
    expect(await reservedOn(db(), rt, '2026-04-01', '2026-04-04')).toEqual({ '2026-04-01': 3, '2026-04-02': 4, '2026-04-03': 1 });
    for (let i = 0; i < 2; i++) {
      const rel = await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${a.id}/release`, payload: {} });
      expect(rel.json()).toMatchObject({ status: 'RELEASED', details: { nights: ['2026-04-01', '2026-04-02'], quantity: 3 } });
    }
    expect(await reservedOn(db(), rt, '2026-04-01', '2026-04-04')).toEqual({ '2026-04-01': 0, '2026-04-02': 1, '2026-04-03': 1 });
    // A confirmed stay can be cancelled: its nights go back.
    const cancel = await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${b.id}/release`, payload: { reason: 'guest cancelled' } });
    expect(cancel.json()).toMatchObject({ status: 'RELEASED', end_reason: 'guest cancelled' });
    expect(await reservedOn(db(), rt, '2026-04-01', '2026-04-04')).toEqual({ '2026-04-01': 0, '2026-04-02': 0, '2026-04-03': 0 });
    await expectInvariants(db());
  });

  it('reclaims expired holds on those nights before refusing', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 1 });
    const first = await holdLodging(ctx, { room_type_id: rt, check_in: '2026-05-01', check_out: '2026-05-03', ttl_seconds: 60 });
    expect(first.statusCode).toBe(201);
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-05-02', check_out: '2026-05-04' })).statusCode).toBe(409);
    ctx.clock.advance(60_000); // the first hold's expiry has passed; no sweep has run
    const second = await holdLodging(ctx, { room_type_id: rt, check_in: '2026-05-02', check_out: '2026-05-04' });
    expect(second.statusCode, second.body).toBe(201);
    const old = await ctx.app.inject({ method: 'GET', url: `/api/v1/holds/${first.json().id}` });
    expect(old.json()).toMatchObject({ status: 'EXPIRED', end_reason: 'expired' });
    expect(await reservedOn(db(), rt, '2026-05-01', '2026-05-04')).toEqual({ '2026-05-01': 0, '2026-05-02': 1, '2026-05-03': 1 });
    await expectInvariants(db());
  });

  it('is returned to inventory by the sweep when it expires', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 2 });
    await holdLodging(ctx, { room_type_id: rt, check_in: '2026-05-10', check_out: '2026-05-12', ttl_seconds: 30 });
    ctx.clock.advance(31_000);
    await sweepExpiredHolds(db() as InventoryDb, inventoryHoldKinds, ctx.clock.now());
    expect(await reservedOn(db(), rt, '2026-05-10', '2026-05-12')).toEqual({ '2026-05-10': 0, '2026-05-11': 0 });
    await expectInvariants(db());
  });

  it('creates the rows of nights beyond the horizon when first taken', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 2 });
    const res = await holdLodging(ctx, { room_type_id: rt, check_in: '2027-12-30', check_out: '2028-01-02' });
    expect(res.statusCode, res.body).toBe(201);
    expect(await reservedOn(db(), rt, '2027-12-29', '2028-01-03')).toEqual({ '2027-12-30': 1, '2027-12-31': 1, '2028-01-01': 1 });
    await expectInvariants(db());
  });

  it('refuses a stay on a missing or deactivated room type, or a past check-in', async () => {
    const missing = await holdLodging(ctx, { room_type_id: 'no-such-type', check_in: '2026-06-01', check_out: '2026-06-02' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'ROOM_TYPE_NOT_FOUND' } });

    const rt = await newRoomType(ctx, hotel);
    await ctx.app.inject({ method: 'POST', url: `/api/v1/room-types/${rt}/deactivate` });
    const inactive = await holdLodging(ctx, { room_type_id: rt, check_in: '2026-06-01', check_out: '2026-06-02' });
    expect(inactive.statusCode).toBe(409);
    expect(inactive.json()).toMatchObject({ error: { code: 'ROOM_TYPE_INACTIVE' } });

    const live = await newRoomType(ctx, hotel);
    const past = await holdLodging(ctx, { room_type_id: live, check_in: '2026-01-10', check_out: '2026-01-16' });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: { today: '2026-01-15' } } });
  });
});

describe('stay rules', () => {
  it('refuses a stay that breaks a rule, naming the rule', async () => {
    const rt = await newRoomType(ctx, hotel);
    const put = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/room-types/${rt}/stay-rules`,
      payload: {
        rules: [
          { from: '2026-07-01', to: '2026-08-01', min_stay: 3, max_stay: 7 },
          { from: '2026-07-04', to: '2026-07-05', closed_to_arrival: true },
          { from: '2026-07-20', to: '2026-07-21', closed_to_departure: true },
        ],
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const cases: [string, string, string][] = [
      ['2026-07-01', '2026-07-03', 'min_stay'],
      ['2026-07-01', '2026-07-09', 'max_stay'],
      ['2026-07-04', '2026-07-08', 'closed_to_arrival'],
      ['2026-07-15', '2026-07-20', 'closed_to_departure'],
    ];
    for (const [check_in, check_out, rule] of cases) {
      const res = await holdLodging(ctx, { room_type_id: rt, check_in, check_out });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'STAY_RULE_VIOLATED', details: { rule } } });
    }
    // Outside the rules' ranges, and inside them when kept, stays are fine.
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-06-29', check_out: '2026-06-30' })).statusCode).toBe(201);
    expect((await holdLodging(ctx, { room_type_id: rt, check_in: '2026-07-05', check_out: '2026-07-08' })).statusCode).toBe(201);
    const got = await ctx.app.inject({ method: 'GET', url: `/api/v1/room-types/${rt}/stay-rules` });
    expect(got.json()).toEqual({
      room_type_id: rt,
      rules: [
        { from: '2026-07-01', to: '2026-08-01', min_stay: 3, max_stay: 7, closed_to_arrival: false, closed_to_departure: false },
        { from: '2026-07-04', to: '2026-07-05', min_stay: null, max_stay: null, closed_to_arrival: true, closed_to_departure: false },
        { from: '2026-07-20', to: '2026-07-21', min_stay: null, max_stay: null, closed_to_arrival: false, closed_to_departure: true },
      ],
    });
    await expectInvariants(db());
  });
});

describe('idempotency of hold creation', () => {
  it('replays the stored answer for a retried key, from the header or the body', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 5 });
    const body = { room_type_id: rt, check_in: '2026-08-10', check_out: '2026-08-12' };
    const first = await holdLodging(ctx, body, { 'idempotency-key': 'hold-key-1' });
    const again = await holdLodging(ctx, { ...body, idempotency_key: 'hold-key-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await reservedOn(db(), rt, '2026-08-10', '2026-08-12')).toEqual({ '2026-08-10': 1, '2026-08-11': 1 });

    const other = await holdLodging(ctx, { ...body, quantity: 2 }, { 'idempotency-key': 'hold-key-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('stores a refusal and replays it even when the rooms come free', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 1 });
    const blocker = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-08-20', check_out: '2026-08-21' })).json();
    const body = { room_type_id: rt, check_in: '2026-08-20', check_out: '2026-08-21', idempotency_key: 'refused-once' };
    const refused = await holdLodging(ctx, body);
    expect(refused.statusCode).toBe(409);
    await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${blocker.id}/release`, payload: {} });
    const replay = await holdLodging(ctx, body);
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toEqual(refused.json());
  });
});

describe('POST /api/v1/holds/{id}/shorten', () => {
  it('gives back the nights from the new check-out on, once', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 3 });
    const hold = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-09-01', check_out: '2026-09-06', quantity: 2 })).json();
    await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${hold.id}/confirm` });
    const shorten = () => ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${hold.id}/shorten`, payload: { check_out: '2026-09-03' } });
    const res = await shorten();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'CONFIRMED',
      details: { check_in: '2026-09-01', check_out: '2026-09-03', booked_check_out: '2026-09-06', nights: ['2026-09-01', '2026-09-02'] },
    });
    expect((await shorten()).json()).toMatchObject({ details: { check_out: '2026-09-03' } });
    const later = await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${hold.id}/shorten`, payload: { check_out: '2026-09-05' } });
    expect(later.json()).toMatchObject({ details: { check_out: '2026-09-03' } });
    expect(await reservedOn(db(), rt, '2026-09-01', '2026-09-06')).toEqual({
      '2026-09-01': 2,
      '2026-09-02': 2,
      '2026-09-03': 0,
      '2026-09-04': 0,
      '2026-09-05': 0,
    });
    // The release gives back what is left, nothing more.
    await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${hold.id}/release`, payload: {} });
    expect(Object.values(await reservedOn(db(), rt, '2026-09-01', '2026-09-06'))).toEqual([0, 0, 0, 0, 0]);
    await expectInvariants(db());
  });

  it('refuses an ended hold, a check-out on or before check-in, and other kinds of ids', async () => {
    const rt = await newRoomType(ctx, hotel);
    const hold = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-09-10', check_out: '2026-09-13' })).json();
    const on = (check_out: string, id = hold.id as string) =>
      ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${id}/shorten`, payload: { check_out } });
    expect((await on('2026-09-10')).json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await on('2026-09-09')).statusCode).toBe(400);
    expect((await on('2026-02-30')).statusCode).toBe(400);
    expect((await on('2026-09-11', '3f0e0b9e-6a43-4a54-9d51-5d4c1c9d3e10')).statusCode).toBe(404);
    await ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${hold.id}/release`, payload: {} });
    const ended = await on('2026-09-11');
    expect(ended.statusCode).toBe(409);
    expect(ended.json()).toMatchObject({ error: { code: 'HOLD_NOT_ACTIVE' } });

    const expiring = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-09-20', check_out: '2026-09-23', ttl_seconds: 5 })).json();
    ctx.clock.advance(5_000);
    const expired = await on('2026-09-21', expiring.id as string);
    expect(expired.statusCode).toBe(409);
    expect(expired.json()).toMatchObject({ error: { code: 'HOLD_EXPIRED' } });
    expect(Object.values(await reservedOn(db(), rt, '2026-09-20', '2026-09-23'))).toEqual([0, 0, 0]);
    await expectInvariants(db());
  });
});

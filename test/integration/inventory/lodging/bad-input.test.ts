/**
 * Every bad input gets the contract's status and a clear message, and changes nothing: a snapshot of
 * the inventory tables is the same before and after the whole battery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { holdLodging, newHotel, newRoomType, snapshot } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
let hotel: string;
let rt: string;
let holdId: string;
beforeAll(async () => {
  ctx = await createTestContext();
  hotel = await newHotel(ctx, { id: 'bad-inputs' });
  rt = await newRoomType(ctx, hotel, { id: 'BAD-RT', name: 'Queen', total_quantity: 2 });
  await ctx.app.inject({
    method: 'PUT',
    url: `/api/v1/room-types/${rt}/stay-rules`,
    payload: { rules: [{ from: '2026-03-01', to: '2026-04-01', min_stay: 2 }] },
  });
  holdId = (await holdLodging(ctx, { room_type_id: rt, check_in: '2026-02-01', check_out: '2026-02-03', quantity: 2 })).json<{
    id: string;
  }>().id;
});
afterAll(async () => ctx.close());

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  status: number;
  body: unknown;
}

const stay = { room_type_id: 'BAD-RT', check_in: '2026-02-10', check_out: '2026-02-12' };
const err = (code: string, message?: string | RegExp) => ({ error: { code, ...(message === undefined ? {} : { message }) } });

function cases(): Case[] {
  const hold = (name: string, payload: unknown, status: number, body: unknown, headers?: Record<string, string>): Case => ({
    name,
    method: 'POST',
    url: '/api/v1/holds/lodging',
    payload,
    headers,
    status,
    body,
  });
  const room = (name: string, op: string, payload: unknown, status: number, body: unknown): Case => ({
    name,
    method: 'POST',
    url: `/rooms/${op}`,
    payload,
    status,
    body,
  });
  const uuid = '2c1b0a99-8877-4655-9443-322110fedcba';
  return [
    hold('unknown room type', { ...stay, room_type_id: 'NOPE' }, 404, err('ROOM_TYPE_NOT_FOUND', 'Room type NOPE does not exist.')),
    hold(
      'check_in = check_out',
      { ...stay, check_out: stay.check_in },
      400,
      err('VALIDATION_FAILED', 'check_in must be before check_out.'),
    ),
    hold('check_in > check_out', { ...stay, check_in: '2026-02-13' }, 400, err('VALIDATION_FAILED', 'check_in must be before check_out.')),
    hold('bad dates with a key', { ...stay, check_out: stay.check_in }, 400, err('VALIDATION_FAILED'), {
      'idempotency-key': 'k-bad-dates',
    }),
    hold(
      'not a calendar day',
      { ...stay, check_in: '2026-02-30' },
      400,
      err('VALIDATION_FAILED', 'body.check_in must match format "date".'),
    ),
    hold('malformed date', { ...stay, check_out: '12/02/2026' }, 400, err('VALIDATION_FAILED')),
    hold('zero quantity', { ...stay, quantity: 0 }, 400, err('VALIDATION_FAILED', 'body.quantity must be >= 1.')),
    hold('negative quantity', { ...stay, quantity: -2 }, 400, err('VALIDATION_FAILED')),
    hold('fractional quantity', { ...stay, quantity: 1.5 }, 400, err('VALIDATION_FAILED')),
    hold('zero ttl', { ...stay, ttl_seconds: 0 }, 400, err('VALIDATION_FAILED')),
    hold('unknown field', { ...stay, guests: 2 }, 400, err('VALIDATION_FAILED', 'body.guests is not an allowed field.')),
    hold('missing room type', { check_in: stay.check_in, check_out: stay.check_out }, 400, err('VALIDATION_FAILED')),
    hold('past check-in', { ...stay, check_in: '2026-01-01' }, 400, err('VALIDATION_FAILED', /in the past/)),
    hold('stay rule', { ...stay, check_in: '2026-03-05', check_out: '2026-03-06' }, 400, err('STAY_RULE_VIOLATED')),
    hold('no rooms left', { ...stay, check_in: '2026-02-02', check_out: '2026-02-04' }, 409, err('NO_AVAILABILITY')),
    hold('too many rooms', { ...stay, quantity: 3 }, 409, err('NO_AVAILABILITY')),
    {
      name: 'shorten unknown hold',
      method: 'POST',
      url: `/api/v1/holds/${uuid}/shorten`,
      payload: { check_out: '2026-02-02' },
      status: 404,
      body: err('HOLD_NOT_FOUND'),
    },
    {
      name: 'shorten bad id',
      method: 'POST',
      url: '/api/v1/holds/xyz/shorten',
      payload: { check_out: '2026-02-02' },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'shorten to check-in',
      method: 'POST',
      url: `/api/v1/holds/${holdId}/shorten`,
      payload: { check_out: '2026-02-01' },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'shorten before check-in',
      method: 'POST',
      url: `/api/v1/holds/${holdId}/shorten`,
      payload: { check_out: '2026-01-20' },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'shorten unknown field',
      method: 'POST',
      url: `/api/v1/holds/${holdId}/shorten`,
      payload: { check_out: '2026-02-02', x: 1 },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'room type for unknown venue',
      method: 'POST',
      url: '/api/v1/venues/nowhere/room-types',
      payload: { name: 'x', capacity_adults: 1, price: 1, total_quantity: 1 },
      status: 404,
      body: err('VENUE_NOT_FOUND'),
    },
    {
      name: 'negative price',
      method: 'POST',
      url: `/api/v1/venues/${hotel}/room-types`,
      payload: { name: 'x', capacity_adults: 1, price: -1, total_quantity: 1 },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'negative total',
      method: 'POST',
      url: `/api/v1/venues/${hotel}/room-types`,
      payload: { name: 'x', capacity_adults: 1, price: 1, total_quantity: -1 },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'fractional price',
      method: 'POST',
      url: `/api/v1/venues/${hotel}/room-types`,
      payload: { name: 'x', capacity_adults: 1, price: 10.5, total_quantity: 1 },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'room type unknown field',
      method: 'POST',
      url: `/api/v1/venues/${hotel}/room-types`,
      payload: { name: 'x', capacity_adults: 1, price: 1, total_quantity: 1, rooms: [] },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'duplicate room type',
      method: 'POST',
      url: `/api/v1/venues/${hotel}/room-types`,
      payload: { id: 'BAD-RT', name: 'x', capacity_adults: 1, price: 1, total_quantity: 1 },
      status: 409,
      body: err('ROOM_TYPE_EXISTS'),
    },
    {
      name: 'patch unknown',
      method: 'PATCH',
      url: '/api/v1/room-types/NOPE',
      payload: { price: 1 },
      status: 404,
      body: err('ROOM_TYPE_NOT_FOUND'),
    },
    { name: 'patch nothing', method: 'PATCH', url: `/api/v1/room-types/${rt}`, payload: {}, status: 400, body: err('VALIDATION_FAILED') },
    {
      name: 'patch negative total',
      method: 'PATCH',
      url: `/api/v1/room-types/${rt}`,
      payload: { total_quantity: -3 },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'patch below reserved',
      method: 'PATCH',
      url: `/api/v1/room-types/${rt}`,
      payload: { total_quantity: 1 },
      status: 409,
      body: err('CAPACITY_BELOW_RESERVED'),
    },
    {
      name: 'capacity below reserved',
      method: 'POST',
      url: `/api/v1/room-types/${rt}/capacity`,
      payload: { from: '2026-01-30', to: '2026-02-05', out_of_order: 1 },
      status: 409,
      body: err('CAPACITY_BELOW_RESERVED'),
    },
    {
      name: 'capacity empty range',
      method: 'POST',
      url: `/api/v1/room-types/${rt}/capacity`,
      payload: { from: '2026-02-05', to: '2026-02-05' },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'capacity negative',
      method: 'POST',
      url: `/api/v1/room-types/${rt}/capacity`,
      payload: { from: '2026-02-05', to: '2026-02-06', out_of_order: -1 },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'capacity beyond total',
      method: 'POST',
      url: `/api/v1/room-types/${rt}/capacity`,
      payload: { from: '2026-02-05', to: '2026-02-06', out_of_order: 3 },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'capacity unknown',
      method: 'POST',
      url: '/api/v1/room-types/NOPE/capacity',
      payload: { from: '2026-02-05', to: '2026-02-06' },
      status: 404,
      body: err('ROOM_TYPE_NOT_FOUND'),
    },
    {
      name: 'stay rules inverted',
      method: 'PUT',
      url: `/api/v1/room-types/${rt}/stay-rules`,
      payload: { rules: [{ from: '2026-05-02', to: '2026-05-01' }] },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'stay rules min > max',
      method: 'PUT',
      url: `/api/v1/room-types/${rt}/stay-rules`,
      payload: { rules: [{ from: '2026-05-01', to: '2026-05-09', min_stay: 4, max_stay: 2 }] },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'stay rules zero',
      method: 'PUT',
      url: `/api/v1/room-types/${rt}/stay-rules`,
      payload: { rules: [{ from: '2026-05-01', to: '2026-05-09', min_stay: 0 }] },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'stay rules unknown field',
      method: 'PUT',
      url: `/api/v1/room-types/${rt}/stay-rules`,
      payload: { rules: [{ from: '2026-05-01', to: '2026-05-09', cta: true }] },
      status: 400,
      body: err('VALIDATION_FAILED'),
    },
    {
      name: 'stay rules unknown type',
      method: 'PUT',
      url: '/api/v1/room-types/NOPE/stay-rules',
      payload: { rules: [] },
      status: 404,
      body: err('ROOM_TYPE_NOT_FOUND'),
    },
    {
      name: 'deactivate unknown',
      method: 'POST',
      url: '/api/v1/room-types/NOPE/deactivate',
      status: 404,
      body: err('ROOM_TYPE_NOT_FOUND'),
    },
    room('/rooms reserve unknown type', 'reserve', { uuid, room_type_id: 'NOPE', check_in: '2026-02-10', check_out: '2026-02-11' }, 404, {
      detail: 'Room type not found',
    }),
    room('/rooms release unknown type', 'release', { uuid, room_type_id: 'NOPE', check_in: '2026-02-10', check_out: '2026-02-11' }, 404, {
      detail: 'Room type not found',
    }),
    room('/rooms same day', 'reserve', { uuid, room_type_id: rt, check_in: '2026-02-10', check_out: '2026-02-10' }, 400, {
      detail: 'check_in must be before check_out.',
    }),
    room('/rooms reversed', 'release', { uuid, room_type_id: rt, check_in: '2026-02-11', check_out: '2026-02-10' }, 400, {
      detail: 'check_in must be before check_out.',
    }),
    room('/rooms bad uuid', 'reserve', { uuid: '1234', room_type_id: rt, check_in: '2026-02-10', check_out: '2026-02-11' }, 422, {
      detail: [{ loc: ['body', 'uuid'], msg: 'must match format "uuid"', type: 'value_error' }],
    }),
    room('/rooms bad date', 'reserve', { uuid, room_type_id: rt, check_in: '2026-02-31', check_out: '2026-03-01' }, 422, {
      detail: [{ loc: ['body', 'check_in'], msg: 'must match format "date"', type: 'value_error' }],
    }),
    {
      name: '/rooms/search half price',
      method: 'GET',
      url: '/rooms/search?min_price=1',
      status: 400,
      body: { detail: "Fields 'min_price' and 'max_price' must be specified both or none." },
    },
    {
      name: '/rooms/search half dates',
      method: 'GET',
      url: '/rooms/search?check_in=2026-02-10',
      status: 400,
      body: { detail: "Fields 'check_in' and 'check_out' must be specified both or none." },
    },
    {
      name: '/inventory adjust unknown hotel',
      method: 'POST',
      url: '/inventory/999/adjust',
      payload: { room_type: 'Queen', date: '2026-02-10' },
      status: 400,
      body: { detail: 'Not enough available rooms or invalid request.' },
    },
    {
      name: '/inventory adjust unknown type',
      method: 'POST',
      url: `/inventory/${hotel}/adjust`,
      payload: { room_type: 'King', date: '2026-02-10' },
      status: 400,
      body: { detail: 'Not enough available rooms or invalid request.' },
    },
    {
      name: '/inventory adjust too many',
      method: 'POST',
      url: `/inventory/${hotel}/adjust`,
      payload: { room_type: 'Queen', date: '2026-02-01' },
      status: 400,
      body: { detail: 'Not enough available rooms or invalid request.' },
    },
    {
      name: '/inventory adjust returns nothing taken',
      method: 'POST',
      url: `/inventory/${hotel}/adjust`,
      payload: { room_type: 'Queen', date: '2026-02-01', num_rooms: -1 },
      status: 400,
      body: { detail: 'Not enough available rooms or invalid request.' },
    },
    {
      name: '/inventory adjust huge',
      method: 'POST',
      url: `/inventory/${hotel}/adjust`,
      payload: { room_type: 'Queen', date: '2026-02-10', num_rooms: 1e9 },
      status: 400,
      body: { detail: 'Not enough available rooms or invalid request.' },
    },
    {
      name: '/inventory adjust bad date',
      method: 'POST',
      url: `/inventory/${hotel}/adjust`,
      payload: { room_type: 'Queen', date: 'tomorrow' },
      status: 422,
      body: { detail: [{ loc: ['body', 'date'], type: 'value_error' }] },
    },
  ];
}

describe('bad input', () => {
  it('gets the contract’s status and a clear message, and changes nothing', async () => {
    const before = await snapshot(ctx.database.db);
    for (const c of cases()) {
      const res = await ctx.app.inject({
        method: c.method,
        url: c.url,
        payload: c.payload as Record<string, unknown> | undefined,
        headers: c.headers,
      });
      expect([c.name, res.statusCode], res.body).toEqual([c.name, c.status]);
      expect(res.json(), c.name).toMatchObject(c.body as Record<string, unknown>);
    }
    expect(await snapshot(ctx.database.db)).toEqual(before);
  });
});

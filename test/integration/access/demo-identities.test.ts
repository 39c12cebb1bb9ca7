/**
 * The demo data set's three staff logins (and only the demo's): an admin and one manager per
 * organization, so that tenant isolation shows on the demo — each manager administers its own venues
 * and finds the other organization's missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../../src/datasets/index.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

type Json = Record<string, unknown>;
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  await ctx.listen();
  await DATASETS.demo!.load(ctx.deps);
}, 120_000);
afterAll(async () => ctx.close());

async function signIn(email: string, password = 'innkeeper-demo') {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email, password } });
  return { status: res.statusCode, body: res.json<Json>() };
}

async function as(token: string, method: 'GET' | 'PATCH', url: string, payload?: Json) {
  const res = await ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json<Json>() };
}

describe('the demo identities', () => {
  it('sign in with the demo password and carry their role and organization', async () => {
    const expected = [
      ['admin@innkeeper.demo', { role: 'admin' }],
      ['manager@demo-hotel-group.demo', { role: 'business', org: 'demo-hotel-group' }],
      ['manager@demo-dining.demo', { role: 'business', org: 'demo-dining' }],
    ] as const;
    for (const [email, who] of expected) {
      const login = await signIn(email);
      expect(login.status, email).toBe(200);
      const me = await as(login.body.access_token as string, 'GET', '/api/v1/auth/me');
      expect(me.body).toMatchObject({ ...who, via: 'token' });
      expect(me.body.org).toBe('org' in who ? who.org : undefined);
    }
    expect((await signIn('admin@innkeeper.demo', 'wrong-password')).status).toBe(401);
  });

  it('split the demo venues between two organizations: hotels and the shop, restaurants and the cafe', async () => {
    const venues = (await ctx.app.inject({ method: 'GET', url: '/api/v1/venues' })).json<{ venues: Json[] }>().venues;
    const byOrg = (org: string) => venues.filter((v) => v.organization_id === org).map((v) => v.type as string);
    expect(new Set(byOrg('demo-hotel-group'))).toEqual(new Set(['hotel', 'retail']));
    expect(byOrg('demo-hotel-group').filter((t) => t === 'hotel')).toHaveLength(7);
    expect(new Set(byOrg('demo-dining'))).toEqual(new Set(['restaurant', 'cafe']));
    expect(venues.every((v) => ['demo-hotel-group', 'demo-dining'].includes(v.organization_id as string))).toBe(true);
  });

  it('each manager sees its own venues’ bookings and none of the other organization’s', async () => {
    const venues = (await ctx.app.inject({ method: 'GET', url: '/api/v1/venues' })).json<{ venues: Json[] }>().venues;
    const hotel = venues.find((v) => v.type === 'hotel')!.id as string;
    const restaurant = venues.find((v) => v.type === 'restaurant')!.id as string;
    const hotels = (await signIn('manager@demo-hotel-group.demo')).body.access_token as string;
    const dining = (await signIn('manager@demo-dining.demo')).body.access_token as string;
    const admin = (await signIn('admin@innkeeper.demo')).body.access_token as string;
    // One booking at the hotel, so that "sees" is about a booking that exists.
    const roomTypes = (await as(admin, 'GET', `/api/v1/venues/${hotel}/room-types`)).body.room_types as Json[];
    const day = new Date(ctx.clock.now().getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    const booked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { authorization: `Bearer ${admin}` },
      payload: {
        guest_id: 'demo-guest',
        guest_name: 'Demo Guest',
        venue_id: hotel,
        venue_type: 'hotel',
        booking_date: day,
        nights: 1,
        party_size: 1,
        room_type_id: roomTypes[0]!.id,
      },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect((await as(admin, 'GET', `/api/v1/bookings/venue/${hotel}`)).body.total).toBeGreaterThanOrEqual(1);
    for (const [token, venue, visible] of [
      [hotels, hotel, true],
      [hotels, restaurant, false],
      [dining, restaurant, true],
      [dining, hotel, false],
      [admin, hotel, true],
    ] as const) {
      const list = await as(token, 'GET', `/api/v1/bookings/venue/${venue}?limit=100`);
      expect(list.status).toBe(200);
      const all = await as(admin, 'GET', `/api/v1/bookings/venue/${venue}?limit=100`);
      expect(list.body.total).toBe(visible ? all.body.total : 0);
    }
  });
});

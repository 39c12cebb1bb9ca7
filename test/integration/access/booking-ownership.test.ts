/**
 * Who sees which booking, with access control on: an anonymous guest books and gets a token for that
 * one booking; a guest with an account sees their own bookings; a business user the bookings of its
 * organization's venues (narrowed by `venues`); another owner's booking is 404, exactly like a missing
 * one, and a refused change changes nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, makeHotel, type Hotel } from '../../helpers/booking-fixtures.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import type { Claims } from '../../../src/platform/auth/tokens.js';

type Json = Record<string, unknown>;

let ctx: TestContext;
let mine: Hotel;
let sibling: Hotel;
let theirs: Hotel;

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  await ctx.listen();
  mine = await makeHotel(ctx, { organization: 'org-a' });
  sibling = await makeHotel(ctx, { organization: 'org-a' });
  theirs = await makeHotel(ctx, { organization: 'org-b' });
});
afterAll(async () => ctx.close());

async function bearer(claims: Claims): Promise<Record<string, string>> {
  const { token } = await ctx.tokens!.sign(claims, 3600);
  return { authorization: `Bearer ${token}` };
}

async function call(method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string> = {}, payload?: Json) {
  const res = await ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  return { status: res.statusCode, body: res.json<Json>() };
}

const stay = (hotel: Hotel, day: number, guestId = 'someone-else') => ({
  guest_id: guestId,
  guest_name: 'Ada Guest',
  venue_id: hotel.venueId,
  venue_type: 'hotel',
  booking_date: `2026-03-${String(day).padStart(2, '0')}`,
  nights: 1,
  party_size: 2,
  room_type_id: hotel.roomTypeId,
});

async function status(id: string): Promise<string> {
  const { rows } = await sql<{ status: string; version: number }>`select status from booking.booking where id = ${id}`.execute(
    ctx.database.db,
  );
  return rows[0]!.status;
}

describe('an anonymous guest', () => {
  it('books without an account: a fresh guest id (the body’s is ignored) and a token for that one booking', async () => {
    const created = await call('POST', '/api/v1/bookings', {}, stay(mine, 2, 'guest-i-made-up'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.guest_id).not.toBe('guest-i-made-up');
    expect(created.body.guest_id).toMatch(/^[0-9a-f-]{36}$/);
    const token = created.body.guest_token as string;
    expect(token.split('.')).toHaveLength(3);
    const auth = { authorization: `Bearer ${token}` };

    const me = await call('GET', '/api/v1/auth/me', auth);
    expect(me.body).toEqual({ sub: created.body.guest_id, role: 'guest', booking: created.body.id, via: 'token' });
    const read = await call('GET', `/api/v1/bookings/${created.body.id as string}`, auth);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(created.body.id);
    expect(read.body.guest_token).toBeUndefined();

    // The link manages this booking only: a second booking of the same guest id is not reachable with it.
    const other = await call(
      'POST',
      '/api/v1/bookings',
      await bearer({ sub: created.body.guest_id as string, role: 'guest' }),
      stay(mine, 3),
    );
    expect(other.status).toBe(201);
    expect(other.body.guest_id).toBe(created.body.guest_id);
    expect((await call('GET', `/api/v1/bookings/${other.body.id as string}`, auth)).status).toBe(404);

    // And it cancels its own booking.
    const cancelled = await call('POST', `/api/v1/bookings/${created.body.id as string}/cancel`, auth, { cancelled_by: 'guest' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await status(created.body.id as string)).toBe('CANCELLED');
  });

  it('cannot read a booking without a token (401), and cannot list any', async () => {
    const created = await call('POST', '/api/v1/bookings', {}, stay(mine, 4));
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/bookings/${created.body.id as string}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await call('GET', `/api/v1/bookings/guest/${created.body.guest_id as string}`)).status).toBe(401);
  });
});

describe('a guest with an account', () => {
  it('sees and changes only their own bookings; another guest’s booking is 404 and stays as it was', async () => {
    const alice = await bearer({ sub: 'alice', role: 'guest' });
    const bob = await bearer({ sub: 'bob', role: 'guest' });
    const a = await call('POST', '/api/v1/bookings', alice, stay(mine, 5, 'bob'));
    expect(a.status).toBe(201);
    expect(a.body.guest_id).toBe('alice'); // the token names the guest, not the body
    const id = a.body.id as string;

    const byBob = await call('GET', `/api/v1/bookings/${id}`, bob);
    expect(byBob.status).toBe(404);
    expect(byBob.body).toMatchObject({ error: { code: 'BOOKING_NOT_FOUND' } });
    const missing = await call('GET', `/api/v1/bookings/00000000-0000-4000-8000-000000000000`, bob);
    expect(missing.status).toBe(404);
    expect(Object.keys(byBob.body.error as Json).sort()).toEqual(Object.keys(missing.body.error as Json).sort());
    expect((await call('GET', `/api/v1/bookings/reference/${a.body.booking_reference as string}`, bob)).status).toBe(404);

    const cancelByBob = await call('POST', `/api/v1/bookings/${id}/cancel`, bob, { cancelled_by: 'bob' });
    expect(cancelByBob.status).toBe(404);
    const changeByBob = await call('PUT', `/api/v1/bookings/${id}`, { ...bob, 'if-match': '"1"' }, { special_requests: 'mine now' });
    expect(changeByBob.status).toBe(404);
    expect(await status(id)).toBe('PENDING');

    // Lists filter in SQL: Bob asking for Alice's list sees nothing; Alice sees hers.
    const bobsViewOfAlice = await call('GET', '/api/v1/bookings/guest/alice', bob);
    expect(bobsViewOfAlice.status).toBe(200);
    expect(bobsViewOfAlice.body.total).toBe(0);
    const alices = await call('GET', '/api/v1/bookings/guest/alice', alice);
    expect((alices.body.bookings as Json[]).map((b) => b.id)).toContain(id);
    expect((alices.body.bookings as Json[]).every((b) => b.guest_id === 'alice')).toBe(true);

    // Staff-only operations are refused by role (403), not hidden.
    const history = await call('GET', `/api/v1/bookings/${id}/history`, alice);
    expect(history.status).toBe(403);
    expect(history.body).toMatchObject({ error: { code: 'FORBIDDEN', details: { role: 'guest' } } });
  });
});

describe('idempotency keys', () => {
  it('live among their owner’s: two guests sending the same key and body each get their own booking', async () => {
    const carol = await bearer({ sub: 'carol', role: 'guest' });
    const dave = await bearer({ sub: 'dave', role: 'guest' });
    const key = { 'idempotency-key': 'same-key-for-both' };
    const first = await call('POST', '/api/v1/bookings', { ...carol, ...key }, stay(mine, 20));
    const second = await call('POST', '/api/v1/bookings', { ...dave, ...key }, stay(mine, 20));
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.guest_id).toBe('dave');
    expect(second.body.guest_token).not.toBe(first.body.guest_token);
    // The owner's own retry still replays.
    expect(await call('POST', '/api/v1/bookings', { ...carol, ...key }, stay(mine, 20))).toEqual(first);
  });
});

describe('a business user', () => {
  it('sees the bookings of its organization’s venues only; narrowed by venues, only those', async () => {
    const admin = await adminHeaders(ctx);
    const inMine = await call('POST', '/api/v1/bookings', admin, stay(mine, 10, 'g1'));
    const inSibling = await call('POST', '/api/v1/bookings', admin, stay(sibling, 10, 'g2'));
    const inTheirs = await call('POST', '/api/v1/bookings', admin, stay(theirs, 10, 'g3'));
    for (const r of [inMine, inSibling, inTheirs]) expect(r.status, JSON.stringify(r.body)).toBe(201);

    const orgA = await bearer({ sub: 'manager-a', role: 'business', org: 'org-a' });
    const narrowed = await bearer({ sub: 'desk-a', role: 'business', org: 'org-a', venues: [mine.venueId] });
    const orgB = await bearer({ sub: 'manager-b', role: 'business', org: 'org-b' });

    expect((await call('GET', `/api/v1/bookings/${inMine.body.id as string}`, orgA)).status).toBe(200);
    expect((await call('GET', `/api/v1/bookings/${inSibling.body.id as string}`, orgA)).status).toBe(200);
    expect((await call('GET', `/api/v1/bookings/${inTheirs.body.id as string}`, orgA)).status).toBe(404);
    expect((await call('GET', `/api/v1/bookings/${inMine.body.id as string}`, narrowed)).status).toBe(200);
    expect((await call('GET', `/api/v1/bookings/${inSibling.body.id as string}`, narrowed)).status).toBe(404);
    expect((await call('GET', `/api/v1/bookings/${inMine.body.id as string}`, orgB)).status).toBe(404);

    const theirList = await call('GET', `/api/v1/bookings/venue/${theirs.venueId}`, orgA);
    expect(theirList.status).toBe(200);
    expect(theirList.body.total).toBe(0);
    const ownList = await call('GET', `/api/v1/bookings/venue/${mine.venueId}`, orgA);
    expect((ownList.body.bookings as Json[]).map((b) => b.id)).toContain(inMine.body.id);

    // A status change on another organization's booking is not found and changes nothing.
    const confirm = await call('POST', `/api/v1/bookings/${inTheirs.body.id as string}/status`, orgA, { status: 'CONFIRMED' });
    expect(confirm.status).toBe(404);
    expect(await status(inTheirs.body.id as string)).toBe('PENDING');
    const own = await call('POST', `/api/v1/bookings/${inMine.body.id as string}/status`, orgA, { status: 'CONFIRMED' });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(await status(inMine.body.id as string)).toBe('CONFIRMED');

    // Staff creates carry no guest token.
    expect(inMine.body.guest_token).toBeUndefined();
  });
});

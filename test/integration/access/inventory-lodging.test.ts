/**
 * Room types, their nights, capacity and stay rules, and lodging holds, through HTTP with access
 * control on: the owner business reads and changes its own, another organization's business (or one
 * narrowed to another venue of its own) gets 404 and nothing changes, admin reaches everything, a
 * guest is 403 on administration and an anonymous caller 401; the catalogue reads stay public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { call, expectStatus, venuesOf, world, type World } from './inventory-access.fixtures.js';

let ctx: TestContext;
let w: World;
let ids: { a: string; a2: string; b: string };

const roomType = (id: string, name = id) => ({ id, name, capacity_adults: 2, price: 10000, total_quantity: 5 });
const NIGHTS = '?from=2026-02-01&to=2026-02-03';

async function roomTypeRow(id: string) {
  return ctx.database.db
    .selectFrom('inventory.room_type')
    .select(['name', 'price', 'active', 'total_quantity'])
    .where('id', '=', id)
    .executeTakeFirst();
}
async function capacityOn(id: string, night: string) {
  const row = await ctx.database.db
    .selectFrom('inventory.room_night')
    .select(['capacity', 'reserved'])
    .where('room_type_id', '=', id)
    .where('night', '=', night)
    .executeTakeFirst();
  return row;
}
async function stayRuleCount(id: string) {
  const rows = await ctx.database.db.selectFrom('inventory.stay_rule').select('id').where('room_type_id', '=', id).execute();
  return rows.length;
}
async function holdStatus(id: string): Promise<string | undefined> {
  const row = await ctx.database.db.selectFrom('inventory.hold').select('status').where('id', '=', id).executeTakeFirst();
  return row?.status as string | undefined;
}

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  w = await world(ctx);
  ids = await venuesOf(w, 'hotel');
  expectStatus(await call(w, 'admin', 'POST', `/api/v1/venues/${ids.a}/room-types`, roomType('rt-a')), 201);
  expectStatus(await call(w, 'admin', 'POST', `/api/v1/venues/${ids.a2}/room-types`, roomType('rt-a2')), 201);
  expectStatus(await call(w, 'admin', 'POST', `/api/v1/venues/${ids.b}/room-types`, roomType('rt-b')), 201);
  expectStatus(await call(w, 'admin', 'POST', `/api/v1/venues/${ids.b}/room-types`, roomType('rt-b-old')), 201);
  expectStatus(await call(w, 'admin', 'POST', '/api/v1/room-types/rt-b-old/deactivate'), 200);
});
afterAll(async () => ctx.close());

describe('creating room types', () => {
  it('the owner creates one in its hotel (201); another organization gets 404 and nothing is created', async () => {
    const own = await call(w, 'ownerA', 'POST', `/api/v1/venues/${ids.a}/room-types`, roomType('rt-a-new'));
    expectStatus(own, 201);
    expect(own.body).toMatchObject({ id: 'rt-a-new', venue_id: ids.a });
    expectStatus(await call(w, 'ownerB', 'POST', `/api/v1/venues/${ids.a}/room-types`, roomType('rt-b-in-a')), 404, 'VENUE_NOT_FOUND');
    expect(await roomTypeRow('rt-b-in-a')).toBeUndefined();
  });

  it('a business narrowed to A2 gets 404 in A; admin creates anywhere; guest 403; anonymous 401', async () => {
    expectStatus(await call(w, 'narrowedA2', 'POST', `/api/v1/venues/${ids.a}/room-types`, roomType('rt-n')), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'POST', `/api/v1/venues/${ids.a2}/room-types`, roomType('rt-n2')), 201);
    expectStatus(await call(w, 'admin', 'POST', `/api/v1/venues/${ids.b}/room-types`, roomType('rt-b-admin')), 201);
    expectStatus(await call(w, 'guest', 'POST', `/api/v1/venues/${ids.a}/room-types`, roomType('rt-g')), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'POST', `/api/v1/venues/${ids.a}/room-types`, roomType('rt-x')), 401, 'UNAUTHENTICATED');
    expect(await roomTypeRow('rt-n')).toBeUndefined();
    expect(await roomTypeRow('rt-g')).toBeUndefined();
    expect(await roomTypeRow('rt-x')).toBeUndefined();
  });
});

describe('changing a room type', () => {
  it('the owner changes, sets capacity, reads nights and replaces stay rules of its room type', async () => {
    const patched = await call(w, 'ownerA', 'PATCH', '/api/v1/room-types/rt-a', { price: 12000 });
    expectStatus(patched, 200);
    expect(patched.body).toMatchObject({ id: 'rt-a', price: 12000 });
    const cap = await call(w, 'ownerA', 'POST', '/api/v1/room-types/rt-a/capacity', {
      from: '2026-02-01',
      to: '2026-02-02',
      out_of_order: 1,
    });
    expectStatus(cap, 200);
    expect(cap.body.nights[0]).toMatchObject({ date: '2026-02-01', capacity: 4 });
    const nights = await call(w, 'ownerA', 'GET', `/api/v1/room-types/rt-a/nights${NIGHTS}`);
    expectStatus(nights, 200);
    expect(nights.body.nights).toHaveLength(2);
    const rules = await call(w, 'ownerA', 'PUT', '/api/v1/room-types/rt-a/stay-rules', {
      rules: [{ from: '2026-03-01', to: '2026-03-10', min_stay: 2 }],
    });
    expectStatus(rules, 200);
    expect(rules.body.rules).toHaveLength(1);
    expect(await stayRuleCount('rt-a')).toBe(1);
  });

  it("another organization's business gets 404 on every one of them, and nothing changes", async () => {
    const before = await roomTypeRow('rt-a');
    const night = await capacityOn('rt-a', '2026-02-05');
    expectStatus(await call(w, 'ownerB', 'PATCH', '/api/v1/room-types/rt-a', { price: 1 }), 404, 'ROOM_TYPE_NOT_FOUND');
    expectStatus(await call(w, 'ownerB', 'POST', '/api/v1/room-types/rt-a/deactivate'), 404, 'ROOM_TYPE_NOT_FOUND');
    expectStatus(
      await call(w, 'ownerB', 'POST', '/api/v1/room-types/rt-a/capacity', { from: '2026-02-05', to: '2026-02-06', closed: true }),
      404,
      'ROOM_TYPE_NOT_FOUND',
    );
    expectStatus(await call(w, 'ownerB', 'GET', `/api/v1/room-types/rt-a/nights${NIGHTS}`), 404, 'ROOM_TYPE_NOT_FOUND');
    expectStatus(await call(w, 'ownerB', 'PUT', '/api/v1/room-types/rt-a/stay-rules', { rules: [] }), 404, 'ROOM_TYPE_NOT_FOUND');
    expect(await roomTypeRow('rt-a')).toEqual(before);
    expect(await capacityOn('rt-a', '2026-02-05')).toEqual(night);
    expect(await stayRuleCount('rt-a')).toBe(1);
  });

  it('a business narrowed to A2 gets 404 on a room type of A, and changes its own', async () => {
    expectStatus(await call(w, 'narrowedA2', 'PATCH', '/api/v1/room-types/rt-a', { name: 'n' }), 404, 'ROOM_TYPE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'GET', `/api/v1/room-types/rt-a/nights${NIGHTS}`), 404, 'ROOM_TYPE_NOT_FOUND');
    expect(await roomTypeRow('rt-a')).toMatchObject({ name: 'rt-a' });
    expectStatus(await call(w, 'narrowedA2', 'PATCH', '/api/v1/room-types/rt-a2', { name: 'Renamed' }), 200);
    expect(await roomTypeRow('rt-a2')).toMatchObject({ name: 'Renamed' });
  });

  it('admin reaches any room type; a guest is 403 and an anonymous caller 401', async () => {
    expectStatus(await call(w, 'admin', 'GET', `/api/v1/room-types/rt-b/nights${NIGHTS}`), 200);
    expectStatus(await call(w, 'admin', 'PATCH', '/api/v1/room-types/rt-b', { name: 'By admin' }), 200);
    expect(await roomTypeRow('rt-b')).toMatchObject({ name: 'By admin' });
    expectStatus(await call(w, 'guest', 'GET', `/api/v1/room-types/rt-b/nights${NIGHTS}`), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'guest', 'POST', '/api/v1/room-types/rt-b/deactivate'), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'PATCH', '/api/v1/room-types/rt-b', { name: 'x' }), 401, 'UNAUTHENTICATED');
    expect(await roomTypeRow('rt-b')).toMatchObject({ name: 'By admin', active: true });
  });

  it('the owner deactivates its room type', async () => {
    expectStatus(await call(w, 'admin', 'POST', `/api/v1/venues/${ids.a}/room-types`, roomType('rt-a-off')), 201);
    expectStatus(await call(w, 'ownerA', 'POST', '/api/v1/room-types/rt-a-off/deactivate'), 200);
    expect(await roomTypeRow('rt-a-off')).toMatchObject({ active: false });
  });
});

describe('the public catalogue of room types', () => {
  const listed = async (caller: Parameters<typeof call>[1], venue: string) =>
    ((await call(w, caller, 'GET', `/api/v1/venues/${venue}/room-types?include_inactive=true`)).body.room_types as { id: string }[]).map(
      (r) => r.id,
    );

  it('room types on sale are public; a deactivated one is listed and read only by its owner and admin', async () => {
    expect(await listed('anonymous', ids.b)).toContain('rt-b');
    expect(await listed('anonymous', ids.b)).not.toContain('rt-b-old');
    // A business user works inside its organization: another organization's venue is not found.
    expectStatus(await call(w, 'ownerA', 'GET', `/api/v1/venues/${ids.b}/room-types?include_inactive=true`), 404, 'VENUE_NOT_FOUND');
    expect(await listed('ownerB', ids.b)).toContain('rt-b-old');
    expect(await listed('admin', ids.b)).toContain('rt-b-old');
    expectStatus(await call(w, 'anonymous', 'GET', '/api/v1/room-types/rt-b'), 200);
    expectStatus(await call(w, 'anonymous', 'GET', '/api/v1/room-types/rt-b/stay-rules'), 200);
    expectStatus(await call(w, 'ownerA', 'GET', '/api/v1/room-types/rt-b-old'), 404, 'ROOM_TYPE_NOT_FOUND');
    expectStatus(await call(w, 'anonymous', 'GET', '/api/v1/room-types/rt-b-old/stay-rules'), 404, 'ROOM_TYPE_NOT_FOUND');
    expectStatus(await call(w, 'ownerB', 'GET', '/api/v1/room-types/rt-b-old'), 200);
  });

  it('availability stays public', async () => {
    const res = await call(
      w,
      'anonymous',
      'GET',
      `/api/v1/availability/lodging?venue_id=${ids.b}&check_in=2026-02-10&check_out=2026-02-11`,
    );
    expectStatus(res, 200);
  });
});

describe('lodging holds', () => {
  const stay = (roomTypeId: string) => ({ room_type_id: roomTypeId, check_in: '2026-02-10', check_out: '2026-02-12' });

  it('a business holds only room types of its venues: another organization is 404 and reserves nothing', async () => {
    const before = await capacityOn('rt-a', '2026-02-10');
    expectStatus(await call(w, 'ownerB', 'POST', '/api/v1/holds/lodging', stay('rt-a')), 404, 'ROOM_TYPE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'POST', '/api/v1/holds/lodging', stay('rt-a')), 404, 'ROOM_TYPE_NOT_FOUND');
    expect(await capacityOn('rt-a', '2026-02-10')).toEqual(before);
    expectStatus(await call(w, 'guest', 'POST', '/api/v1/holds/lodging', stay('rt-a')), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'POST', '/api/v1/holds/lodging', stay('rt-a')), 401, 'UNAUTHENTICATED');
  });

  it("reads, shortens, confirms and releases: the owner's own (200), another's 404 with the hold unchanged", async () => {
    const created = await call(w, 'ownerA', 'POST', '/api/v1/holds/lodging', { ...stay('rt-a'), check_out: '2026-02-13' });
    expectStatus(created, 201);
    const id = created.body.id as string;
    expect((await capacityOn('rt-a', '2026-02-12'))?.reserved).toBe(1);

    for (const caller of ['ownerB', 'narrowedA2'] as const) {
      expectStatus(await call(w, caller, 'GET', `/api/v1/holds/${id}`), 404, 'HOLD_NOT_FOUND');
      expectStatus(await call(w, caller, 'POST', `/api/v1/holds/${id}/shorten`, { check_out: '2026-02-11' }), 404, 'HOLD_NOT_FOUND');
      expectStatus(await call(w, caller, 'POST', `/api/v1/holds/${id}/confirm`), 404, 'HOLD_NOT_FOUND');
      expectStatus(await call(w, caller, 'POST', `/api/v1/holds/${id}/release`, {}), 404, 'HOLD_NOT_FOUND');
    }
    expect(await holdStatus(id)).toBe('HELD');
    expect((await capacityOn('rt-a', '2026-02-12'))?.reserved).toBe(1);
    expectStatus(await call(w, 'guest', 'GET', `/api/v1/holds/${id}`), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'POST', `/api/v1/holds/${id}/release`, {}), 401, 'UNAUTHENTICATED');

    const read = await call(w, 'ownerA', 'GET', `/api/v1/holds/${id}`);
    expectStatus(read, 200);
    expect(read.body).toMatchObject({ id, status: 'HELD' });
    const shortened = await call(w, 'ownerA', 'POST', `/api/v1/holds/${id}/shorten`, { check_out: '2026-02-12' });
    expectStatus(shortened, 200);
    expect((await capacityOn('rt-a', '2026-02-12'))?.reserved).toBe(0);
    const confirmed = await call(w, 'ownerA', 'POST', `/api/v1/holds/${id}/confirm`);
    expectStatus(confirmed, 200);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED' });
    const released = await call(w, 'ownerA', 'POST', `/api/v1/holds/${id}/release`, {});
    expectStatus(released, 200);
    expect(await holdStatus(id)).toBe('RELEASED');
  });

  it('admin and service reach any hold', async () => {
    const created = await call(w, 'service', 'POST', '/api/v1/holds/lodging', stay('rt-b'));
    expectStatus(created, 201);
    const id = created.body.id as string;
    expectStatus(await call(w, 'admin', 'GET', `/api/v1/holds/${id}`), 200);
    expectStatus(await call(w, 'ownerA', 'GET', `/api/v1/holds/${id}`), 404, 'HOLD_NOT_FOUND');
    expectStatus(await call(w, 'ownerB', 'GET', `/api/v1/holds/${id}`), 200);
    expectStatus(await call(w, 'service', 'POST', `/api/v1/holds/${id}/release`, {}), 200);
    expect(await holdStatus(id)).toBe('RELEASED');
  });
});

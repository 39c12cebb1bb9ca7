/**
 * Venue ownership through HTTP with access control on: a business user changes only its own
 * organization's venues (another's, or one outside its narrowed `venues`, is a 404 and stays as it
 * was), creates venues only in its own organization (403 otherwise), and the catalogue stays public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { call, expectStatus, venuesOf, world, type World } from './inventory-access.fixtures.js';

let ctx: TestContext;
let w: World;
let ids: { a: string; a2: string; b: string };

async function venueRow(id: string) {
  return ctx.database.db
    .selectFrom('inventory.venue')
    .select(['name', 'active', 'organization_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  w = await world(ctx);
  ids = await venuesOf(w, 'hotel');
  // A deactivated venue of each organization, for the reads that show those only to their owner.
  for (const [id, org] of [
    ['a-old', 'org-a'],
    ['b-old', 'org-b'],
  ] as const) {
    expectStatus(await call(w, 'admin', 'POST', '/api/v1/venues', { id, organization_id: org, type: 'hotel', name: id }), 201);
    expectStatus(await call(w, 'admin', 'POST', `/api/v1/venues/${id}/deactivate`), 200);
  }
});
afterAll(async () => ctx.close());

describe('creating a venue', () => {
  it('a business user creates one in its own organization', async () => {
    const res = await call(w, 'ownerA', 'POST', '/api/v1/venues', { id: 'a-new', organization_id: 'org-a', type: 'cafe', name: 'Mine' });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ id: 'a-new', organization_id: 'org-a' });
    expect(await venueRow('a-new')).toMatchObject({ organization_id: 'org-a' });
  });

  it('naming another organization is 403 and creates nothing', async () => {
    const res = await call(w, 'ownerA', 'POST', '/api/v1/venues', { id: 'a-in-b', organization_id: 'org-b', type: 'cafe', name: 'Theirs' });
    expectStatus(res, 403, 'FORBIDDEN');
    expect(await venueRow('a-in-b')).toBeUndefined();
  });

  it('a token narrowed to some venues cannot create one (403), even in its own organization', async () => {
    const res = await call(w, 'narrowedA2', 'POST', '/api/v1/venues', { id: 'a2-new', organization_id: 'org-a', type: 'cafe', name: 'x' });
    expectStatus(res, 403, 'FORBIDDEN');
    expect(await venueRow('a2-new')).toBeUndefined();
  });

  it('an admin creates one in any organization', async () => {
    const res = await call(w, 'admin', 'POST', '/api/v1/venues', { id: 'b-new', organization_id: 'org-b', type: 'cafe', name: 'By admin' });
    expectStatus(res, 201);
    expect(await venueRow('b-new')).toMatchObject({ organization_id: 'org-b' });
  });

  it('a guest is 403 and an anonymous caller 401', async () => {
    const body = { id: 'g-new', organization_id: 'org-a', type: 'cafe', name: 'x' };
    expectStatus(await call(w, 'guest', 'POST', '/api/v1/venues', body), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'POST', '/api/v1/venues', body), 401, 'UNAUTHENTICATED');
    expect(await venueRow('g-new')).toBeUndefined();
  });
});

describe('changing and deactivating a venue', () => {
  it('the owner renames and deactivates its venue', async () => {
    expectStatus(
      await call(w, 'admin', 'POST', '/api/v1/venues', { id: 'a-tmp', organization_id: 'org-a', type: 'cafe', name: 'Tmp' }),
      201,
    );
    const renamed = await call(w, 'ownerA', 'PATCH', '/api/v1/venues/a-tmp', { name: 'Renamed' });
    expectStatus(renamed, 200);
    expect(renamed.body).toMatchObject({ id: 'a-tmp', name: 'Renamed' });
    const off = await call(w, 'ownerA', 'POST', '/api/v1/venues/a-tmp/deactivate');
    expectStatus(off, 200);
    expect(off.body).toMatchObject({ active: false });
    expect(await venueRow('a-tmp')).toMatchObject({ name: 'Renamed', active: false });
  });

  it("another organization's venue is 404 for both, and stays as it was", async () => {
    expectStatus(await call(w, 'ownerB', 'PATCH', `/api/v1/venues/${ids.a}`, { name: 'Hijacked' }), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'ownerB', 'POST', `/api/v1/venues/${ids.a}/deactivate`), 404, 'VENUE_NOT_FOUND');
    expect(await venueRow(ids.a)).toMatchObject({ name: `hotel ${ids.a}`, active: true });
  });

  it('a user narrowed to A2 gets 404 on A of its own organization, and changes A2', async () => {
    expectStatus(await call(w, 'narrowedA2', 'PATCH', `/api/v1/venues/${ids.a}`, { name: 'Narrowed' }), 404, 'VENUE_NOT_FOUND');
    expect(await venueRow(ids.a)).toMatchObject({ name: `hotel ${ids.a}` });
    const own = await call(w, 'narrowedA2', 'PATCH', `/api/v1/venues/${ids.a2}`, { location: 'Leeds' });
    expectStatus(own, 200);
    expect(own.body).toMatchObject({ id: ids.a2, location: 'Leeds' });
  });

  it('an admin changes any venue; a guest is 403, an anonymous caller 401', async () => {
    expectStatus(await call(w, 'admin', 'PATCH', `/api/v1/venues/${ids.b}`, { location: 'York' }), 200);
    expect((await call(w, 'admin', 'GET', `/api/v1/venues/${ids.b}`)).body).toMatchObject({ location: 'York' });
    expectStatus(await call(w, 'guest', 'PATCH', `/api/v1/venues/${ids.b}`, { name: 'g' }), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'POST', `/api/v1/venues/${ids.b}/deactivate`), 401, 'UNAUTHENTICATED');
    expect(await venueRow(ids.b)).toMatchObject({ name: `hotel ${ids.b}`, active: true });
  });
});

describe('the public catalogue', () => {
  const listed = async (caller: Parameters<typeof call>[1], query = '') =>
    ((await call(w, caller, 'GET', `/api/v1/venues${query}`)).body.venues as { id: string }[]).map((v) => v.id).sort();

  it('anonymous callers, guests and admin see every active venue, and organization_id filters', async () => {
    for (const caller of ['anonymous', 'guest', 'admin'] as const) {
      const all = await listed(caller);
      expect(all).toEqual(expect.arrayContaining([ids.a, ids.a2, ids.b]));
      expect(all).not.toContain('a-old');
      expect(all).not.toContain('b-old');
    }
    expect(await listed('anonymous', '?organization_id=org-b')).toEqual(expect.arrayContaining([ids.b]));
    expect(await listed('anonymous', '?organization_id=org-b')).not.toContain(ids.a);
  });

  it('a business user works inside its organization: its list holds its own venues only', async () => {
    const ownerA = await listed('ownerA');
    expect(ownerA).toEqual(expect.arrayContaining([ids.a, ids.a2]));
    expect(ownerA).not.toContain(ids.b);
    expect(await listed('ownerB')).not.toContain(ids.a);
    expect(await listed('ownerB', '?organization_id=org-a')).toEqual([]);
    const narrowed = await listed('narrowedA2');
    expect(narrowed).toContain(ids.a2);
    expect(narrowed).not.toContain(ids.a);
  });

  it('deactivated venues are listed only to their owner (and admin)', async () => {
    const ownerA = await listed('ownerA', '?include_inactive=true');
    expect(ownerA).toContain('a-old');
    expect(ownerA).not.toContain('b-old');
    const ownerB = await listed('ownerB', '?include_inactive=true');
    expect(ownerB).toContain('b-old');
    expect(ownerB).not.toContain('a-old');
    expect(await listed('narrowedA2', '?include_inactive=true')).not.toContain('a-old');
    expect(await listed('admin', '?include_inactive=true')).toEqual(expect.arrayContaining(['a-old', 'b-old']));
    const anonymous = await listed('anonymous', '?include_inactive=true');
    expect(anonymous).not.toContain('a-old');
    expect(anonymous).not.toContain('b-old');
    // The booking service reads an organization's venues, deactivated ones included, with its service token.
    expect(await listed('service', '?organization_id=org-a&include_inactive=true')).toContain('a-old');
  });

  it('a venue by id: an active one is public, except to another organization (404); a deactivated one is 404 outside its owner', async () => {
    expectStatus(await call(w, 'anonymous', 'GET', `/api/v1/venues/${ids.a}`), 200);
    expectStatus(await call(w, 'guest', 'GET', `/api/v1/venues/${ids.a}`), 200);
    expectStatus(await call(w, 'ownerB', 'GET', `/api/v1/venues/${ids.a}`), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'GET', `/api/v1/venues/${ids.a}`), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'ownerA', 'GET', '/api/v1/venues/a-old'), 200);
    expectStatus(await call(w, 'admin', 'GET', '/api/v1/venues/a-old'), 200);
    expectStatus(await call(w, 'ownerB', 'GET', '/api/v1/venues/a-old'), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'GET', '/api/v1/venues/a-old'), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'anonymous', 'GET', '/api/v1/venues/a-old'), 404, 'VENUE_NOT_FOUND');
  });
});

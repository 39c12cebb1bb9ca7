/**
 * Dining settings and tables through HTTP with access control on: the owner business reads and
 * changes its own, another organization's business (or one narrowed to another venue of its own)
 * gets 404 and nothing changes, admin reaches everything, guest 403, anonymous 401; the availability
 * search is public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { call, expectStatus, venuesOf, world, type World } from './inventory-access.fixtures.js';

let ctx: TestContext;
let w: World;
let ids: { a: string; a2: string; b: string };
const tableIds: Record<string, string> = {};

const SETTINGS = { hours: [{ weekday: 'tue', opens: '18:00', closes: '22:00' }] };

async function tableRow(id: string) {
  return ctx.database.db
    .selectFrom('inventory.dining_table')
    .select(['name', 'active', 'venue_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}
async function settingsRows(venue: string): Promise<number> {
  return (await ctx.database.db.selectFrom('inventory.dining_settings').select('venue_id').where('venue_id', '=', venue).execute()).length;
}
async function tableCount(venue: string): Promise<number> {
  return (await ctx.database.db.selectFrom('inventory.dining_table').select('id').where('venue_id', '=', venue).execute()).length;
}

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  w = await world(ctx);
  ids = await venuesOf(w, 'restaurant');
  for (const v of [ids.a, ids.a2, ids.b]) {
    const res = await call(w, 'admin', 'POST', `/api/v1/venues/${v}/tables`, { name: 'T1', max_seats: 4 });
    expectStatus(res, 201);
    tableIds[v] = res.body.id as string;
  }
});
afterAll(async () => ctx.close());

describe('dining settings', () => {
  it('the owner puts and reads its settings; another organization gets 404 and nothing is written', async () => {
    expectStatus(await call(w, 'ownerB', 'PUT', `/api/v1/venues/${ids.a}/dining-settings`, SETTINGS), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'PUT', `/api/v1/venues/${ids.a}/dining-settings`, SETTINGS), 404, 'VENUE_NOT_FOUND');
    expect(await settingsRows(ids.a)).toBe(0);
    const put = await call(w, 'ownerA', 'PUT', `/api/v1/venues/${ids.a}/dining-settings`, SETTINGS);
    expectStatus(put, 200);
    expect(await settingsRows(ids.a)).toBe(1);
    const read = await call(w, 'ownerA', 'GET', `/api/v1/venues/${ids.a}/dining-settings`);
    expectStatus(read, 200);
    expect(read.body).toMatchObject({ configured: true });
    expectStatus(await call(w, 'ownerB', 'GET', `/api/v1/venues/${ids.a}/dining-settings`), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'narrowedA2', 'GET', `/api/v1/venues/${ids.a}/dining-settings`), 404, 'VENUE_NOT_FOUND');
  });

  it('admin reaches any venue; guest 403; anonymous 401', async () => {
    expectStatus(await call(w, 'admin', 'PUT', `/api/v1/venues/${ids.b}/dining-settings`, SETTINGS), 200);
    expectStatus(await call(w, 'admin', 'GET', `/api/v1/venues/${ids.b}/dining-settings`), 200);
    expectStatus(await call(w, 'guest', 'GET', `/api/v1/venues/${ids.b}/dining-settings`), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'guest', 'PUT', `/api/v1/venues/${ids.a2}/dining-settings`, SETTINGS), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'PUT', `/api/v1/venues/${ids.a2}/dining-settings`, SETTINGS), 401, 'UNAUTHENTICATED');
    expect(await settingsRows(ids.a2)).toBe(0);
  });
});

describe('tables', () => {
  it('the owner adds, lists, changes and deactivates its tables', async () => {
    const added = await call(w, 'ownerA', 'POST', `/api/v1/venues/${ids.a}/tables`, { name: 'T2', max_seats: 2 });
    expectStatus(added, 201);
    const list = await call(w, 'ownerA', 'GET', `/api/v1/venues/${ids.a}/tables`);
    expectStatus(list, 200);
    expect((list.body.tables as { name: string }[]).map((t) => t.name).sort()).toEqual(['T1', 'T2']);
    expectStatus(await call(w, 'ownerA', 'PATCH', `/api/v1/tables/${added.body.id as string}`, { name: 'T2b' }), 200);
    expectStatus(await call(w, 'ownerA', 'POST', `/api/v1/tables/${added.body.id as string}/deactivate`), 200);
    expect(await tableRow(added.body.id as string)).toMatchObject({ name: 'T2b', active: false });
  });

  it("another organization's business, or one narrowed to A2, gets 404 on A's tables and nothing changes", async () => {
    const before = await tableCount(ids.a);
    for (const caller of ['ownerB', 'narrowedA2'] as const) {
      expectStatus(await call(w, caller, 'POST', `/api/v1/venues/${ids.a}/tables`, { name: 'X', max_seats: 2 }), 404, 'VENUE_NOT_FOUND');
      expectStatus(await call(w, caller, 'GET', `/api/v1/venues/${ids.a}/tables`), 404, 'VENUE_NOT_FOUND');
      expectStatus(await call(w, caller, 'PATCH', `/api/v1/tables/${tableIds[ids.a]!}`, { name: 'Hijacked' }), 404, 'TABLE_NOT_FOUND');
      expectStatus(await call(w, caller, 'POST', `/api/v1/tables/${tableIds[ids.a]!}/deactivate`), 404, 'TABLE_NOT_FOUND');
    }
    expect(await tableCount(ids.a)).toBe(before);
    expect(await tableRow(tableIds[ids.a]!)).toMatchObject({ name: 'T1', active: true });
    expectStatus(await call(w, 'narrowedA2', 'PATCH', `/api/v1/tables/${tableIds[ids.a2]!}`, { area: 'terrace' }), 200);
  });

  it('admin changes any table; guest 403; anonymous 401', async () => {
    expectStatus(await call(w, 'admin', 'PATCH', `/api/v1/tables/${tableIds[ids.b]!}`, { name: 'B1' }), 200);
    expectStatus(await call(w, 'guest', 'PATCH', `/api/v1/tables/${tableIds[ids.b]!}`, { name: 'G' }), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'guest', 'GET', `/api/v1/venues/${ids.b}/tables`), 403, 'FORBIDDEN');
    expectStatus(await call(w, 'anonymous', 'POST', `/api/v1/tables/${tableIds[ids.b]!}/deactivate`), 401, 'UNAUTHENTICATED');
    expect(await tableRow(tableIds[ids.b]!)).toMatchObject({ name: 'B1', active: true });
  });
});

describe('dining holds and availability', () => {
  const hold = (venue: string) => ({ venue_id: venue, date: '2026-01-20', time: '19:00', party_size: 2 });

  it('the availability search is public', async () => {
    const res = await call(w, 'anonymous', 'GET', `/api/v1/availability/dining?venue_id=${ids.a}&date=2026-01-20&party_size=2`);
    expectStatus(res, 200);
  });

  it('a business holds a table only in its own venues; another organization is 404', async () => {
    expectStatus(await call(w, 'ownerB', 'POST', '/api/v1/holds/dining', hold(ids.a)), 404, 'VENUE_NOT_FOUND');
    expectStatus(await call(w, 'guest', 'POST', '/api/v1/holds/dining', hold(ids.a)), 403, 'FORBIDDEN');
    const own = await call(w, 'ownerA', 'POST', '/api/v1/holds/dining', hold(ids.a));
    expectStatus(own, 201);
    expectStatus(await call(w, 'ownerB', 'GET', `/api/v1/holds/${own.body.id as string}`), 404, 'HOLD_NOT_FOUND');
    expectStatus(await call(w, 'ownerA', 'POST', `/api/v1/holds/${own.body.id as string}/release`, {}), 200);
  });
});

/**
 * Pricing administration is scoped to the caller's venues: for every kind of object, a business user
 * creates, reads, lists, changes and deletes its organization's only (narrowed to its token's venues
 * when it names some); another organization's object is a 404 exactly like a missing one and stays
 * as it was; a create for a venue not its own is VENUE_NOT_FOUND; admin sees everything; guests are
 * refused (403) and anonymous callers asked to authenticate (401).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must, type Answer, type Caller, type Json, type World, world } from './access-http.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(async () => {
  await w?.ctx.close();
});

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Request {
  readonly method: Method;
  readonly url: string;
  readonly body: unknown;
}

let n = 0;

/** One kind of pricing object: how it is made for a venue, named, changed and stored. */
interface Kind {
  readonly name: string;
  readonly path: string;
  readonly table: string;
  readonly keyColumn: string;
  readonly keyOf: (reply: Json) => string;
  /** Whether the list takes a venue_id filter. */
  readonly filters: boolean;
  readonly create: (venueId: string) => Request;
  readonly change: (key: string) => Request;
  /** What a successful change shows in the reply. */
  readonly changed: (reply: Json) => boolean;
}

const patchName = (path: string) => (key: string) => ({
  method: 'PATCH' as const,
  url: `${path}/${key}`,
  body: { name: `Changed ${key}` },
});
const byId = (r: Json) => r.id as string;

const KINDS: readonly Kind[] = [
  {
    name: 'rate plans',
    path: '/api/v1/pricing/rate-plans',
    table: 'pricing.rate_plan',
    keyColumn: 'id',
    keyOf: byId,
    filters: true,
    create: (v) => ({
      method: 'POST',
      url: '/api/v1/pricing/rate-plans',
      body: { venue_id: v, room_type_id: `${v}-RT-${++n}`, name: 'Standard', base_price: 10_000, currency: 'GBP' },
    }),
    change: patchName('/api/v1/pricing/rate-plans'),
    changed: (r) => String(r.name).startsWith('Changed'),
  },
  {
    name: 'date-range overrides',
    path: '/api/v1/pricing/overrides',
    table: 'pricing.rate_override',
    keyColumn: 'id',
    keyOf: byId,
    filters: true,
    create: (v) => ({
      method: 'POST',
      url: '/api/v1/pricing/overrides',
      body: { venue_id: v, name: 'Summer', from: '2026-06-01', to: '2026-06-10', kind: 'percent', adjustment_bps: 1500 },
    }),
    change: patchName('/api/v1/pricing/overrides'),
    changed: (r) => String(r.name).startsWith('Changed'),
  },
  {
    name: 'weekday rules',
    path: '/api/v1/pricing/weekday-rules',
    table: 'pricing.weekday_rule',
    keyColumn: 'id',
    keyOf: byId,
    filters: true,
    create: (v) => ({
      method: 'POST',
      url: '/api/v1/pricing/weekday-rules',
      body: { venue_id: v, name: 'Weekend', weekdays: [5, 6], adjustment_bps: 2000 },
    }),
    change: patchName('/api/v1/pricing/weekday-rules'),
    changed: (r) => String(r.name).startsWith('Changed'),
  },
  {
    name: 'length-of-stay discounts',
    path: '/api/v1/pricing/los-discounts',
    table: 'pricing.los_discount',
    keyColumn: 'id',
    keyOf: byId,
    filters: true,
    create: (v) => ({
      method: 'POST',
      url: '/api/v1/pricing/los-discounts',
      body: { venue_id: v, name: 'Week', min_nights: 7, discount_bps: 1000 },
    }),
    change: patchName('/api/v1/pricing/los-discounts'),
    changed: (r) => String(r.name).startsWith('Changed'),
  },
  {
    name: 'tax lines',
    path: '/api/v1/pricing/taxes',
    table: 'pricing.tax',
    keyColumn: 'id',
    keyOf: byId,
    filters: true,
    create: (v) => ({
      method: 'POST',
      url: '/api/v1/pricing/taxes',
      body: { venue_id: v, name: 'VAT', kind: 'percent', rate_bps: 2000, inclusive: true },
    }),
    change: patchName('/api/v1/pricing/taxes'),
    changed: (r) => String(r.name).startsWith('Changed'),
  },
  {
    name: 'dining prices',
    path: '/api/v1/pricing/dining-prices',
    table: 'pricing.dining_price',
    keyColumn: 'venue_id',
    keyOf: (r) => r.venue_id as string,
    filters: false,
    create: (v) => ({
      method: 'PUT',
      url: `/api/v1/pricing/dining-prices/${v}`,
      body: { mode: 'price', per_cover: 2_500, currency: 'GBP' },
    }),
    change: (v) => ({
      method: 'PUT',
      url: `/api/v1/pricing/dining-prices/${v}`,
      body: { mode: 'deposit', per_cover: 999, currency: 'GBP' },
    }),
    changed: (r) => r.per_cover === 999 && r.mode === 'deposit',
  },
  {
    name: 'promo codes',
    path: '/api/v1/pricing/promo-codes',
    table: 'pricing.promo_code',
    keyColumn: 'code',
    keyOf: (r) => r.code as string,
    filters: true,
    create: (v) => ({
      method: 'POST',
      url: '/api/v1/pricing/promo-codes',
      body: { code: `OWN${process.pid}X${++n}`, kind: 'percent', discount_bps: 1000, venue_id: v },
    }),
    change: (code) => ({ method: 'PATCH', url: `/api/v1/pricing/promo-codes/${code}`, body: { description: `Changed ${code}` } }),
    changed: (r) => String(r.description).startsWith('Changed'),
  },
  {
    name: 'cancellation policies',
    path: '/api/v1/pricing/cancellation-policies',
    table: 'pricing.cancellation_policy',
    keyColumn: 'id',
    keyOf: byId,
    filters: true,
    create: (v) => ({
      method: 'POST',
      url: '/api/v1/pricing/cancellation-policies',
      body: {
        venue_id: v,
        name: 'Flexible',
        free_until_hours: 24,
        late_fee: { kind: 'first_night' },
        no_show_fee: { kind: 'first_night' },
      },
    }),
    change: patchName('/api/v1/pricing/cancellation-policies'),
    changed: (r) => String(r.name).startsWith('Changed'),
  },
];

const send = (c: Caller, r: Request): Promise<Answer> => c.call(r.method, r.url, r.body);

async function row(kind: Kind, key: string): Promise<Json | undefined> {
  const { rows } = await sql<Json>`select * from ${sql.table(kind.table)} where ${sql.ref(kind.keyColumn)} = ${key}`.execute(
    w.ctx.database.db,
  );
  return rows[0];
}

async function count(kind: Kind, venueId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(kind.table)} where venue_id = ${venueId}`.execute(
    w.ctx.database.db,
  );
  return rows[0]!.n;
}

const keysOf = (kind: Kind, body: Json) => (body.items as Json[]).map(kind.keyOf);
const code = (a: Answer) => (a.body.error as Json | undefined)?.code;

describe.each(KINDS)('$name', (kind) => {
  /** A's object on a1, A's on a2, B's on b1 (each made by its owner). */
  let ownA1: string;
  let ownA2: string;
  let theirs: string;

  beforeAll(async () => {
    const make = async (c: Caller, v: string) => {
      const r = kind.create(v);
      const res = await send(c, r);
      expect(res.status, JSON.stringify(res.body)).toBe(r.method === 'PUT' ? 200 : 201);
      expect(res.body.venue_id).toBe(v);
      return kind.keyOf(res.body);
    };
    ownA1 = await make(w.bizA, w.venues.a1);
    ownA2 = await make(w.bizA, w.venues.a2);
    theirs = await make(w.bizB, w.venues.b1);
  });

  it('the owner reads and changes its own, and lists only its own', async () => {
    const read = await w.bizA.call('GET', `${kind.path}/${ownA1}`);
    expect(read.status).toBe(200);
    expect(read.body.venue_id).toBe(w.venues.a1);

    const changed = await send(w.bizA, kind.change(ownA1));
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(kind.changed(changed.body)).toBe(true);
    expect(kind.changed((await w.bizA.call('GET', `${kind.path}/${ownA1}`)).body)).toBe(true);

    const listA = await w.bizA.call('GET', kind.path);
    expect(listA.status).toBe(200);
    expect(keysOf(kind, listA.body).sort()).toEqual([ownA1, ownA2].sort());
    const listB = await w.bizB.call('GET', kind.path);
    expect(keysOf(kind, listB.body)).toEqual([theirs]);
    // A filter naming another organization's venue finds nothing rather than its objects.
    if (kind.filters) {
      const filtered = await w.bizA.call('GET', `${kind.path}?venue_id=${w.venues.b1}`);
      expect(filtered.status).toBe(200);
      expect(keysOf(kind, filtered.body)).toEqual([]);
      expect(keysOf(kind, (await w.bizA.call('GET', `${kind.path}?venue_id=${w.venues.a2}`)).body)).toEqual([ownA2]);
    }
  });

  it('another organization’s object is 404 for reads, changes and deletes, and stays as it was', async () => {
    const before = await row(kind, theirs);
    expect(before).toBeDefined();
    const missing = kind.keyColumn === 'code' ? 'NOSUCHCODE' : kind.keyColumn === 'venue_id' ? 'no-such-venue' : randomUUID();

    for (const key of [theirs, missing]) {
      const read = await w.bizA.call('GET', `${kind.path}/${key}`);
      expect(read.status, `read ${key}`).toBe(404);
      const del = await w.bizA.call('DELETE', `${kind.path}/${key}`);
      expect(del.status, `delete ${key}`).toBe(404);
      expect(code(del)).toBe(code(read));
      if (kind.keyColumn !== 'venue_id') {
        const change = await send(w.bizA, kind.change(key));
        expect(change.status, `change ${key}`).toBe(404);
        expect(code(change)).toBe(code(read));
      }
    }
    expect(await row(kind, theirs)).toEqual(before);
  });

  it('creating for another organization’s venue is VENUE_NOT_FOUND, as for a venue that does not exist, and creates nothing', async () => {
    const before = await count(kind, w.venues.b1);
    for (const venue of [w.venues.b1, 'no-such-venue']) {
      const res = await send(w.bizA, kind.create(venue));
      expect(res.status, venue).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'VENUE_NOT_FOUND', message: `Venue ${venue} does not exist.` });
    }
    expect(await count(kind, w.venues.b1)).toBe(before);
    if (kind.keyColumn === 'venue_id') expect(await row(kind, w.venues.b1)).toMatchObject({ per_cover: 2_500 });
  });

  it('a business user narrowed to one venue does not see or change its sibling venue’s', async () => {
    expect((await w.bizA1.call('GET', `${kind.path}/${ownA1}`)).status).toBe(200);
    const before = await row(kind, ownA2);
    expect((await w.bizA1.call('GET', `${kind.path}/${ownA2}`)).status).toBe(404);
    if (kind.keyColumn !== 'venue_id') expect((await send(w.bizA1, kind.change(ownA2))).status).toBe(404);
    expect((await w.bizA1.call('DELETE', `${kind.path}/${ownA2}`)).status).toBe(404);
    expect(await row(kind, ownA2)).toEqual(before);
    expect(keysOf(kind, (await w.bizA1.call('GET', kind.path)).body)).toEqual([ownA1]);
    const create = await send(w.bizA1, kind.create(w.venues.a2));
    expect(create.status).toBe(404);
    expect(code(create)).toBe('VENUE_NOT_FOUND');
  });

  it('admin lists, reads and changes every organization’s', async () => {
    const list = await w.admin.call('GET', kind.path);
    expect(list.status).toBe(200);
    expect(keysOf(kind, list.body)).toEqual(expect.arrayContaining([ownA1, ownA2, theirs]));
    expect((await w.admin.call('GET', `${kind.path}/${theirs}`)).status).toBe(200);
    const changed = await send(w.admin, kind.change(theirs));
    expect(changed.status).toBe(200);
    expect(kind.changed(changed.body)).toBe(true);
  });

  it('guests are refused (403) and anonymous callers asked to authenticate (401), changing nothing', async () => {
    const before = await row(kind, ownA1);
    for (const [c, status] of [
      [w.guest, 403],
      [w.anonymous, 401],
    ] as const) {
      expect((await c.call('GET', kind.path)).status).toBe(status);
      expect((await c.call('GET', `${kind.path}/${ownA1}`)).status).toBe(status);
      expect((await send(c, kind.change(ownA1))).status).toBe(status);
      expect((await c.call('DELETE', `${kind.path}/${ownA1}`)).status).toBe(status);
      expect((await send(c, kind.create(w.venues.a1))).status).toBe(status);
    }
    expect(await row(kind, ownA1)).toEqual(before);
  });

  it('the owner deletes its own; another organization then deletes its own too', async () => {
    expect((await w.bizA.call('DELETE', `${kind.path}/${ownA1}`)).status).toBe(204);
    expect(await row(kind, ownA1)).toBeUndefined();
    expect((await w.admin.call('GET', `${kind.path}/${ownA1}`)).status).toBe(404);
    expect((await w.bizB.call('DELETE', `${kind.path}/${theirs}`)).status).toBe(204);
    expect(await row(kind, theirs)).toBeUndefined();
  });
});

describe('promo codes without a venue (platform-wide)', () => {
  it('only admin creates one; a business user neither sees nor changes it, nor makes its own platform-wide', async () => {
    const platform = `ALL${process.pid}`;
    const created = await w.admin.call('POST', '/api/v1/pricing/promo-codes', { code: platform, kind: 'percent', discount_bps: 500 });
    expect(created.status).toBe(201);
    expect(created.body.venue_id).toBeNull();

    const refused = await w.bizA.call('POST', '/api/v1/pricing/promo-codes', {
      code: `BIZALL${process.pid}`,
      kind: 'percent',
      discount_bps: 500,
    });
    expect(refused.status).toBe(403);
    expect(code(refused)).toBe('FORBIDDEN');
    expect(
      await row(
        KINDS.find((k) => k.table === 'pricing.promo_code')!,
        `BIZALL${process.pid}`,
      ),
    ).toBeUndefined();

    expect((await w.bizA.call('GET', `/api/v1/pricing/promo-codes/${platform}`)).status).toBe(404);
    expect((await w.bizA.call('PATCH', `/api/v1/pricing/promo-codes/${platform}`, { description: 'mine' })).status).toBe(404);
    expect(keysOf(KINDS[6]!, (await w.bizA.call('GET', '/api/v1/pricing/promo-codes')).body)).not.toContain(platform);
    expect(keysOf(KINDS[6]!, (await w.admin.call('GET', '/api/v1/pricing/promo-codes')).body)).toContain(platform);

    // Its own code may not be moved to platform-wide, nor to another organization's venue.
    const own = await must(w.bizA, 201, 'POST', '/api/v1/pricing/promo-codes', {
      code: `MINE${process.pid}`,
      kind: 'percent',
      discount_bps: 500,
      venue_id: w.venues.a1,
    });
    const toAll = await w.bizA.call('PATCH', `/api/v1/pricing/promo-codes/${own.code as string}`, { venue_id: null });
    expect(toAll.status).toBe(403);
    const toB = await w.bizA.call('PATCH', `/api/v1/pricing/promo-codes/${own.code as string}`, { venue_id: w.venues.b1 });
    expect(toB.status).toBe(404);
    expect(code(toB)).toBe('VENUE_NOT_FOUND');
    const toA2 = await w.bizA.call('PATCH', `/api/v1/pricing/promo-codes/${own.code as string}`, { venue_id: w.venues.a2 });
    expect(toA2.status).toBe(200);
    expect(toA2.body.venue_id).toBe(w.venues.a2);
  });
});

describe('rules that name a rate plan', () => {
  it('cannot name another organization’s plan: it is not found, and its venue is not told', async () => {
    const plan = await must(w.bizB, 201, 'POST', '/api/v1/pricing/rate-plans', {
      venue_id: w.venues.b1,
      room_type_id: `${w.venues.b1}-PLAN`,
      name: 'B plan',
      base_price: 9_000,
      currency: 'GBP',
    });
    const res = await w.bizA.call('POST', '/api/v1/pricing/weekday-rules', {
      venue_id: w.venues.a1,
      rate_plan_id: plan.id,
      name: 'Sneaky',
      weekdays: [1],
      adjustment_bps: 100,
    });
    expect(res.status).toBe(404);
    expect(code(res)).toBe('RATE_PLAN_NOT_FOUND');
    expect(JSON.stringify(res.body)).not.toContain(w.venues.b1);
  });
});

describe('what bookings call', () => {
  it('quotes and cancellation fees stay open to every role; redeeming and releasing promo codes stay with service and admin', async () => {
    const quote = { venue_id: w.venues.a1, kind: 'dining', date: '2026-03-01', time: '19:00', party_size: 2, currency: 'GBP' };
    const fee = {
      venue_id: w.venues.a1,
      arrival: '2026-03-01T15:00:00Z',
      at: '2026-02-01T12:00:00Z',
      total: 20_000,
      first_night: 10_000,
      currency: 'GBP',
    };
    for (const c of [w.guest, w.bizB, w.service]) {
      const quoted = await c.call('POST', '/api/v1/pricing/quote', quote);
      expect(quoted.status, JSON.stringify(quoted.body)).toBe(200);
      const charged = await c.call('POST', '/api/v1/pricing/cancellation-fee', fee);
      expect(charged.status, JSON.stringify(charged.body)).toBe(200);
    }
    const redeem = { booking_id: 'bk-1' };
    expect((await w.bizA.call('POST', '/api/v1/pricing/promo-codes/ANY/redeem', redeem)).status).toBe(403);
    expect((await w.guest.call('POST', '/api/v1/pricing/promo-codes/ANY/release', redeem)).status).toBe(403);
    expect((await w.service.call('POST', '/api/v1/pricing/promo-codes/NOSUCHCODE/redeem', redeem)).status).toBe(404);
  });
});

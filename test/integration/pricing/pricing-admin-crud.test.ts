/**
 * The generated administration routes, resource by resource: each one the route factory wires answers
 * create, read, list, update, a schema refusal, 404 for a missing item and delete with the real
 * replies; its writes are once per Idempotency-Key in a scope of their own; and every route declares
 * the roles it is for. The expectations are written out per resource, not derived from the descriptors.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/platform/jobs/scheduler.js';
import { pricingService } from '../../../src/services/pricing/pricing.service-module.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { client, pricingCounts, type Json } from './pricing-http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ services: ['pricing'] });
});
afterAll(async () => ctx.close());

const { call } = client(() => ctx);
const MISSING = '00000000-0000-4000-8000-000000000000';
const now = () => ctx.clock.now().toISOString();

interface Resource {
  readonly name: string;
  readonly path: string;
  /** How the item is first written: POST on the collection (201) or PUT on the item (200). */
  readonly create: { readonly method: 'POST' | 'PUT'; readonly url: string; readonly status: 201 | 200; readonly body: Json };
  /** The reply to `create`, without the stamps. */
  readonly reply: Json;
  /** The item's URL segment, from its reply. */
  readonly item: (reply: Json) => string;
  /** Lists exactly the items of this test's venue. */
  readonly list: string;
  readonly update: { readonly method: 'PATCH' | 'PUT'; readonly body: Json; readonly changes: Json };
  /** A create body and an update body the schema refuses, each with the field the refusal names. */
  readonly refused: { readonly create: readonly [Json, string]; readonly update: readonly [Json, string] };
  readonly missing: { readonly item: string; readonly code: string };
  /** A second item, written under an Idempotency-Key. */
  readonly another: { readonly url: string; readonly body: Json };
  /** Methods the resource does not have (404 ROUTE_NOT_FOUND). */
  readonly absent: readonly (readonly ['POST' | 'PATCH', string])[];
}

const byId = (r: Json) => r.id as string;

const resources: Resource[] = [
  {
    name: 'rate plans',
    path: '/api/v1/pricing/rate-plans',
    create: {
      method: 'POST',
      url: '/api/v1/pricing/rate-plans',
      status: 201,
      body: { venue_id: 'crud-rp', room_type_id: 'crud-rp-dbl', name: 'Double', base_price: 12_000, currency: 'GBP' },
    },
    reply: {
      id: expect.any(String),
      venue_id: 'crud-rp',
      room_type_id: 'crud-rp-dbl',
      name: 'Double',
      base_price: 12_000,
      currency: 'GBP',
    },
    item: byId,
    list: '/api/v1/pricing/rate-plans?venue_id=crud-rp',
    update: { method: 'PATCH', body: { name: 'Double+', base_price: 13_000 }, changes: { name: 'Double+', base_price: 13_000 } },
    refused: {
      create: [{ venue_id: 'crud-rp', room_type_id: 'crud-rp-x', name: 'X', base_price: 1, currency: 'gbp' }, 'currency'],
      update: [{ room_type_id: 'crud-rp-y' }, 'room_type_id'],
    },
    missing: { item: MISSING, code: 'RATE_PLAN_NOT_FOUND' },
    another: {
      url: '/api/v1/pricing/rate-plans',
      body: { venue_id: 'crud-rp', room_type_id: 'crud-rp-sgl', name: 'Single', base_price: 9_000, currency: 'GBP' },
    },
    absent: [],
  },
  {
    name: 'date-range overrides',
    path: '/api/v1/pricing/overrides',
    create: {
      method: 'POST',
      url: '/api/v1/pricing/overrides',
      status: 201,
      body: { venue_id: 'crud-ov', name: 'Summer', from: '2026-07-01', to: '2026-09-01', kind: 'percent', adjustment_bps: 1_500 },
    },
    reply: {
      id: expect.any(String),
      venue_id: 'crud-ov',
      rate_plan_id: null,
      name: 'Summer',
      from: '2026-07-01',
      to: '2026-09-01',
      kind: 'percent',
      nightly_price: null,
      currency: null,
      adjustment_bps: 1_500,
    },
    item: byId,
    list: '/api/v1/pricing/overrides?venue_id=crud-ov',
    update: {
      method: 'PATCH',
      body: { kind: 'price', nightly_price: 20_000, currency: 'GBP' },
      changes: { kind: 'price', nightly_price: 20_000, currency: 'GBP', adjustment_bps: null },
    },
    refused: {
      create: [
        { venue_id: 'crud-ov', name: 'X', from: '2026-10-01', to: '2026-10-02', kind: 'percent', adjustment_bps: -10_001 },
        'adjustment_bps',
      ],
      update: [{ venue_id: 'crud-elsewhere' }, 'venue_id'],
    },
    missing: { item: MISSING, code: 'RATE_OVERRIDE_NOT_FOUND' },
    another: {
      url: '/api/v1/pricing/overrides',
      body: { venue_id: 'crud-ov', name: 'Autumn', from: '2026-10-01', to: '2026-11-01', kind: 'percent', adjustment_bps: -1_000 },
    },
    absent: [],
  },
  {
    name: 'weekday rules',
    path: '/api/v1/pricing/weekday-rules',
    create: {
      method: 'POST',
      url: '/api/v1/pricing/weekday-rules',
      status: 201,
      body: { venue_id: 'crud-wd', name: 'Weekend', weekdays: [6, 5], adjustment_bps: 2_000 },
    },
    reply: { id: expect.any(String), venue_id: 'crud-wd', rate_plan_id: null, name: 'Weekend', weekdays: [5, 6], adjustment_bps: 2_000 },
    item: byId,
    list: '/api/v1/pricing/weekday-rules?venue_id=crud-wd',
    update: {
      method: 'PATCH',
      body: { weekdays: [7, 5, 6], adjustment_bps: -500 },
      changes: { weekdays: [5, 6, 7], adjustment_bps: -500 },
    },
    refused: {
      create: [{ venue_id: 'crud-wd', name: 'Zero', weekdays: [1], adjustment_bps: 0 }, 'adjustment_bps'],
      update: [{ weekdays: [8] }, 'weekdays.0'],
    },
    missing: { item: MISSING, code: 'WEEKDAY_RULE_NOT_FOUND' },
    another: {
      url: '/api/v1/pricing/weekday-rules',
      body: { venue_id: 'crud-wd', name: 'Midweek', weekdays: [2], adjustment_bps: -1_000 },
    },
    absent: [],
  },
  {
    name: 'length-of-stay discounts',
    path: '/api/v1/pricing/los-discounts',
    create: {
      method: 'POST',
      url: '/api/v1/pricing/los-discounts',
      status: 201,
      body: { venue_id: 'crud-los', name: 'Week', min_nights: 7, discount_bps: 1_000 },
    },
    reply: { id: expect.any(String), venue_id: 'crud-los', rate_plan_id: null, name: 'Week', min_nights: 7, discount_bps: 1_000 },
    item: byId,
    list: '/api/v1/pricing/los-discounts?venue_id=crud-los',
    update: { method: 'PATCH', body: { discount_bps: 1_500 }, changes: { discount_bps: 1_500 } },
    refused: {
      create: [{ venue_id: 'crud-los', name: 'None', min_nights: 0, discount_bps: 1 }, 'min_nights'],
      update: [{ discount_bps: 10_001 }, 'discount_bps'],
    },
    missing: { item: MISSING, code: 'LOS_DISCOUNT_NOT_FOUND' },
    another: { url: '/api/v1/pricing/los-discounts', body: { venue_id: 'crud-los', name: 'Three', min_nights: 3, discount_bps: 500 } },
    absent: [],
  },
  {
    name: 'promo codes',
    path: '/api/v1/pricing/promo-codes',
    create: {
      method: 'POST',
      url: '/api/v1/pricing/promo-codes',
      status: 201,
      body: { code: 'crud-10', kind: 'percent', discount_bps: 1_000, venue_id: 'crud-promo' },
    },
    reply: {
      code: 'CRUD-10',
      description: '',
      kind: 'percent',
      discount_bps: 1_000,
      amount: null,
      currency: null,
      valid_from: null,
      valid_until: null,
      max_uses: null,
      uses: 0,
      venue_id: 'crud-promo',
      min_nights: null,
    },
    // Addressed in lower case: codes are case-insensitive.
    item: () => 'crud-10',
    list: '/api/v1/pricing/promo-codes?venue_id=crud-promo',
    update: {
      method: 'PATCH',
      body: { kind: 'fixed', amount: 500, currency: 'GBP', valid_until: '2026-12-31T00:00:00Z' },
      changes: { kind: 'fixed', discount_bps: null, amount: 500, currency: 'GBP', valid_until: '2026-12-31T00:00:00.000Z' },
    },
    refused: {
      create: [{ code: 'x', kind: 'percent', discount_bps: 1 }, 'code'],
      update: [{ code: 'CRUD-11' }, 'code'],
    },
    missing: { item: 'NO-SUCH-CODE', code: 'PROMO_CODE_NOT_FOUND' },
    another: {
      url: '/api/v1/pricing/promo-codes',
      body: { code: 'crud-20', kind: 'percent', discount_bps: 2_000, venue_id: 'crud-promo' },
    },
    absent: [],
  },
  {
    name: 'tax lines',
    path: '/api/v1/pricing/taxes',
    create: {
      method: 'POST',
      url: '/api/v1/pricing/taxes',
      status: 201,
      body: { venue_id: 'crud-tax', name: 'VAT', kind: 'percent', rate_bps: 2_000, inclusive: true },
    },
    reply: {
      id: expect.any(String),
      venue_id: 'crud-tax',
      name: 'VAT',
      kind: 'percent',
      rate_bps: 2_000,
      amount: null,
      currency: null,
      per: null,
      inclusive: true,
    },
    item: byId,
    list: '/api/v1/pricing/taxes?venue_id=crud-tax',
    update: { method: 'PATCH', body: { name: 'VAT (reduced)', rate_bps: 500 }, changes: { name: 'VAT (reduced)', rate_bps: 500 } },
    refused: {
      create: [{ venue_id: 'crud-tax', name: 'T', kind: 'percent', rate_bps: 10_001, inclusive: false }, 'rate_bps'],
      update: [{ venue_id: 'crud-elsewhere' }, 'venue_id'],
    },
    missing: { item: MISSING, code: 'TAX_NOT_FOUND' },
    another: {
      url: '/api/v1/pricing/taxes',
      body: { venue_id: 'crud-tax', name: 'City', kind: 'fixed', amount: 250, currency: 'GBP', per: 'night', inclusive: false },
    },
    absent: [],
  },
  {
    name: 'dining prices',
    path: '/api/v1/pricing/dining-prices',
    create: {
      method: 'PUT',
      url: '/api/v1/pricing/dining-prices/crud-bistro',
      status: 200,
      body: { mode: 'price', per_cover: 2_500, currency: 'GBP' },
    },
    reply: { venue_id: 'crud-bistro', mode: 'price', per_cover: 2_500, currency: 'GBP' },
    item: () => 'crud-bistro',
    list: '/api/v1/pricing/dining-prices',
    // Set again whole: the stamp of creation stays.
    update: { method: 'PUT', body: { mode: 'deposit', per_cover: 1_000, currency: 'GBP' }, changes: { mode: 'deposit', per_cover: 1_000 } },
    refused: {
      create: [{ mode: 'free', per_cover: 1, currency: 'GBP' }, 'mode'],
      update: [{ mode: 'price', per_cover: -1, currency: 'GBP' }, 'per_cover'],
    },
    missing: { item: 'crud-nowhere', code: 'DINING_PRICE_NOT_FOUND' },
    another: { url: '/api/v1/pricing/dining-prices/crud-cafe', body: { mode: 'deposit', per_cover: 500, currency: 'EUR' } },
    absent: [
      ['POST', '/api/v1/pricing/dining-prices'],
      ['PATCH', '/api/v1/pricing/dining-prices/crud-bistro'],
    ],
  },
  {
    name: 'cancellation policies',
    path: '/api/v1/pricing/cancellation-policies',
    create: {
      method: 'POST',
      url: '/api/v1/pricing/cancellation-policies',
      status: 201,
      body: {
        venue_id: 'crud-pol',
        name: 'Flexible',
        free_until_hours: 48,
        late_fee: { kind: 'first_night' },
        no_show_fee: { kind: 'fixed', amount: 5_000 },
        currency: 'GBP',
      },
    },
    reply: {
      id: expect.any(String),
      venue_id: 'crud-pol',
      rate_plan_id: null,
      name: 'Flexible',
      free_until_hours: 48,
      late_fee: { kind: 'first_night', amount: null, rate_bps: null },
      no_show_fee: { kind: 'fixed', amount: 5_000, rate_bps: null },
      currency: 'GBP',
    },
    item: byId,
    list: '/api/v1/pricing/cancellation-policies?venue_id=crud-pol',
    // The last fixed fee goes, and the currency with it.
    update: {
      method: 'PATCH',
      body: { no_show_fee: { kind: 'percent', rate_bps: 5_000 } },
      changes: { no_show_fee: { kind: 'percent', amount: null, rate_bps: 5_000 }, currency: null },
    },
    refused: {
      create: [
        { venue_id: 'crud-pol', name: 'N', free_until_hours: -1, late_fee: { kind: 'none' }, no_show_fee: { kind: 'none' } },
        'free_until_hours',
      ],
      update: [{ rate_plan_id: MISSING }, 'rate_plan_id'],
    },
    missing: { item: MISSING, code: 'CANCELLATION_POLICY_NOT_FOUND' },
    another: {
      url: '/api/v1/pricing/cancellation-policies',
      body: {
        venue_id: 'crud-pol-2',
        name: 'Strict',
        free_until_hours: 0,
        late_fee: { kind: 'percent', rate_bps: 10_000 },
        no_show_fee: { kind: 'first_night' },
      },
    },
    absent: [],
  },
];

async function expectRefused(method: 'POST' | 'PUT' | 'PATCH', url: string, body: Json, field: string) {
  const before = await pricingCounts(ctx);
  const r = await call(method, url, body);
  expect({ status: r.status, code: r.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  expect(r.body.error.details).toContainEqual(expect.objectContaining({ location: 'body', path: field }));
  expect(await pricingCounts(ctx)).toEqual(before);
}

describe.each(resources)('$name', (res) => {
  it('create, read, list, update, refusals, 404, once per key, delete', async () => {
    // create, read, list
    const t0 = now();
    const made = await call(res.create.method, res.create.url, res.create.body);
    expect(made.status).toBe(res.create.status);
    const created = { ...res.reply, created_at: t0, updated_at: t0 };
    expect(made.body).toEqual(created);
    const url = `${res.path}/${res.item(made.body)}`;
    const read = await call('GET', url);
    expect({ status: read.status, body: read.body }).toEqual({ status: 200, body: made.body });
    const listed = await call('GET', res.list);
    expect({ status: listed.status, body: listed.body }).toEqual({ status: 200, body: { items: [made.body] } });

    // the schema refuses before anything is written
    await expectRefused(res.create.method, res.create.url, ...res.refused.create);
    await expectRefused(res.update.method, url, ...res.refused.update);

    // update: merged into the current item, updated_at moves, created_at stays
    ctx.clock.advance(1_000);
    const updated = await call(res.update.method, url, res.update.body);
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...made.body, ...res.update.changes, updated_at: now() });
    expect((await call('GET', url)).body).toEqual(updated.body);

    // a missing item is 404 with the resource's code, however it is asked for
    const gone = `${res.path}/${res.missing.item}`;
    const asks: (readonly [string, 'GET' | 'PATCH' | 'DELETE', Json | undefined])[] = [
      ['read', 'GET', undefined],
      ['delete', 'DELETE', undefined],
    ];
    if (res.update.method === 'PATCH') asks.push(['update', 'PATCH', res.update.body]);
    for (const [what, method, body] of asks) {
      const r = await call(method, gone, body);
      expect({ what, status: r.status, code: r.body.error?.code }).toEqual({ what, status: 404, code: res.missing.code });
    }
    for (const [method, absent] of res.absent) {
      const r = await call(method, absent, res.update.body);
      expect({ method, status: r.status, code: r.body.error?.code }).toEqual({ method, status: 404, code: 'ROUTE_NOT_FOUND' });
    }

    // Writes take effect once per Idempotency-Key, in a scope per operation (and item): every resource
    // uses the same key, and a replay answers the stored reply even after the clock moved.
    const key = { 'idempotency-key': 'crud-key' };
    const method = res.create.method;
    const first = await call(method, res.another.url, res.another.body, key);
    expect(first.status).toBe(res.create.status);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    ctx.clock.advance(1_000);
    const replay = await call(method, res.another.url, res.another.body, key);
    expect({ status: replay.status, body: replay.body, replayed: replay.headers['idempotent-replayed'] }).toEqual({
      status: res.create.status,
      body: first.body,
      replayed: 'true',
    });
    // the same key with another request under that scope
    const reused = await call(method, res.another.url, res.create.body, key);
    expect({ status: reused.status, code: reused.body.error?.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });

    const keyedUpdate = await call(res.update.method, url, res.update.body, key);
    expect({ status: keyedUpdate.status, body: keyedUpdate.body }).toEqual({ status: 200, body: { ...updated.body, updated_at: now() } });
    ctx.clock.advance(1_000);
    const updateReplay = await call(res.update.method, url, res.update.body, key);
    expect({ status: updateReplay.status, body: updateReplay.body, replayed: updateReplay.headers['idempotent-replayed'] }).toEqual({
      status: 200,
      body: keyedUpdate.body,
      replayed: 'true',
    });

    // delete: 204 with no body, once per key; afterwards the item is gone and only the other one is listed
    const deleted = await call('DELETE', url, undefined, key);
    expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 204, body: {} });
    const deleteReplay = await call('DELETE', url, undefined, key);
    expect({ status: deleteReplay.status, replayed: deleteReplay.headers['idempotent-replayed'] }).toEqual({
      status: 204,
      replayed: 'true',
    });
    expect(await call('DELETE', url)).toMatchObject({ status: 404, body: { error: { code: res.missing.code } } });
    expect(await call('GET', url)).toMatchObject({ status: 404, body: { error: { code: res.missing.code } } });
    // unfiltered: this file's only other item of the resource
    const left = await call('GET', res.path);
    expect({ status: left.status, body: left.body }).toEqual({ status: 200, body: { items: [first.body] } });
  });
});

describe('the routes the factory registers', () => {
  it('are exactly each resource’s, and each declares its roles: writes business and admin, reads also service', async () => {
    const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
    const routes: string[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD' && route.url.startsWith('/api/v1/pricing/'))
          routes.push(`${method} ${route.url} ${String(route.config?.roles)}`);
      }
    });
    await pricingService.register(app, { ...ctx.deps, scheduler: new Scheduler(ctx.database, ctx.clock) });
    await app.close();

    const read = 'business,admin,service';
    const write = 'business,admin';
    const crud = (path: string, item: string) => [
      `POST ${path} ${write}`,
      `GET ${path} ${read}`,
      `GET ${path}/${item} ${read}`,
      `PATCH ${path}/${item} ${write}`,
      `DELETE ${path}/${item} ${write}`,
    ];
    const admin = routes.filter((r) => !/\/(quote|cancellation-fee|redeem|release) /.test(r));
    expect(admin).toEqual([
      ...crud('/api/v1/pricing/rate-plans', ':id'),
      ...crud('/api/v1/pricing/overrides', ':id'),
      ...crud('/api/v1/pricing/weekday-rules', ':id'),
      ...crud('/api/v1/pricing/los-discounts', ':id'),
      ...crud('/api/v1/pricing/promo-codes', ':code'),
      ...crud('/api/v1/pricing/taxes', ':id'),
      `PUT /api/v1/pricing/dining-prices/:venue_id ${write}`,
      `GET /api/v1/pricing/dining-prices ${read}`,
      `GET /api/v1/pricing/dining-prices/:venue_id ${read}`,
      `DELETE /api/v1/pricing/dining-prices/:venue_id ${write}`,
      ...crud('/api/v1/pricing/cancellation-policies', ':id'),
    ]);
  });
});

/**
 * Administration of rate plans, overrides, weekday rules, length-of-stay discounts, taxes and dining
 * prices over HTTP: the happy paths, every refusal with its code, and refusals change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { client, pricingCounts, type Json } from './pricing-http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ services: ['pricing'] });
});
afterAll(async () => ctx.close());

const { call, create } = client(() => ctx);
const MISSING = '00000000-0000-4000-8000-000000000000';

async function refusals(cases: [method: string, url: string, body: Json | undefined, status: number, code: string][]) {
  const before = await pricingCounts(ctx);
  for (const [method, url, body, status, code] of cases) {
    const r = await call(method as 'POST', url, body);
    expect({ method, url, body, status: r.status, code: r.body.error?.code }).toEqual({ method, url, body, status, code });
    expect(r.body.error.message.length).toBeGreaterThan(0);
  }
  expect(await pricingCounts(ctx)).toEqual(before);
}

describe('rate plans', () => {
  it('create, read, list, update, delete', async () => {
    const p = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'ad-hotel',
      room_type_id: 'ad-dbl',
      name: 'Double',
      base_price: 15_000,
      currency: 'GBP',
    });
    expect(p).toEqual({
      id: expect.any(String),
      venue_id: 'ad-hotel',
      room_type_id: 'ad-dbl',
      name: 'Double',
      base_price: 15_000,
      currency: 'GBP',
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:00:00.000Z',
    });
    expect((await call('GET', `/api/v1/pricing/rate-plans/${p.id}`)).body).toEqual(p);
    expect((await call('GET', '/api/v1/pricing/rate-plans?venue_id=ad-hotel')).body.items).toEqual([p]);
    expect((await call('GET', '/api/v1/pricing/rate-plans?room_type_id=ad-dbl')).body.items).toEqual([p]);
    ctx.clock.advance(1_000);
    const patched = await call('PATCH', `/api/v1/pricing/rate-plans/${p.id}`, { base_price: 16_000 });
    expect(patched.body).toMatchObject({ base_price: 16_000, name: 'Double', updated_at: '2026-01-15T12:00:01.000Z' });
    expect((await call('DELETE', `/api/v1/pricing/rate-plans/${p.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/pricing/rate-plans/${p.id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/v1/pricing/rate-plans/${p.id}`)).body.error.code).toBe('RATE_PLAN_NOT_FOUND');
  });

  it('deleting a plan deletes its own rules and policy; the venue’s stay', async () => {
    const p = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'ad-cascade',
      room_type_id: 'ad-cascade-dbl',
      name: 'D',
      base_price: 1,
      currency: 'GBP',
    });
    const scoped = { venue_id: 'ad-cascade', rate_plan_id: p.id };
    await create('/api/v1/pricing/overrides', {
      ...scoped,
      name: 'Mine',
      from: '2026-05-01',
      to: '2026-05-02',
      kind: 'percent',
      adjustment_bps: 100,
    });
    await create('/api/v1/pricing/overrides', {
      venue_id: 'ad-cascade',
      name: 'Venue',
      from: '2026-05-01',
      to: '2026-05-02',
      kind: 'percent',
      adjustment_bps: 100,
    });
    await create('/api/v1/pricing/weekday-rules', { ...scoped, name: 'W', weekdays: [1], adjustment_bps: 100 });
    await create('/api/v1/pricing/los-discounts', { ...scoped, name: 'L', min_nights: 2, discount_bps: 100 });
    await create('/api/v1/pricing/cancellation-policies', {
      ...scoped,
      name: 'C',
      free_until_hours: 1,
      late_fee: { kind: 'none' },
      no_show_fee: { kind: 'none' },
    });
    expect((await call('DELETE', `/api/v1/pricing/rate-plans/${p.id}`)).status).toBe(204);
    for (const path of ['overrides', 'weekday-rules', 'los-discounts', 'cancellation-policies']) {
      const items = (await call('GET', `/api/v1/pricing/${path}?venue_id=ad-cascade`)).body.items as Json[];
      expect(items.every((i) => i.rate_plan_id === null)).toBe(true);
    }
    expect(
      ((await call('GET', '/api/v1/pricing/overrides?venue_id=ad-cascade')).body.items as Json[]).map((o) => o.name as string),
    ).toEqual(['Venue']);
  });

  it('refusals', async () => {
    const p = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'ad-hotel',
      room_type_id: 'ad-suite',
      name: 'Suite',
      base_price: 50_000,
      currency: 'GBP',
    });
    await refusals([
      [
        'POST',
        '/api/v1/pricing/rate-plans',
        { venue_id: 'ad-hotel', room_type_id: 'ad-suite', name: 'Again', base_price: 1, currency: 'GBP' },
        409,
        'RATE_PLAN_EXISTS',
      ],
      [
        'POST',
        '/api/v1/pricing/rate-plans',
        { venue_id: 'ad-hotel', room_type_id: 'ad-x', name: 'Neg', base_price: -1, currency: 'GBP' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/rate-plans',
        { venue_id: 'ad-hotel', room_type_id: 'ad-x', name: 'Float', base_price: 10.5, currency: 'GBP' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/rate-plans',
        { venue_id: 'ad-hotel', room_type_id: 'ad-x', name: 'Huge', base_price: 100_000_001, currency: 'GBP' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/rate-plans',
        { venue_id: 'ad-hotel', room_type_id: 'ad-x', name: 'Cur', base_price: 1, currency: 'GB' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/rate-plans',
        { venue_id: 'ad-hotel', room_type_id: 'ad-x', name: '', base_price: 1, currency: 'GBP' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/rate-plans',
        { venue_id: 'ad-hotel', room_type_id: 'ad-x', name: 'N', base_price: 1, currency: 'GBP', x: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      ['PATCH', `/api/v1/pricing/rate-plans/${p.id}`, { room_type_id: 'ad-y' }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/v1/pricing/rate-plans/${p.id}`, {}, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/v1/pricing/rate-plans/${MISSING}`, { name: 'X' }, 404, 'RATE_PLAN_NOT_FOUND'],
      ['GET', '/api/v1/pricing/rate-plans/not-a-uuid', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', `/api/v1/pricing/rate-plans/${MISSING}`, undefined, 404, 'RATE_PLAN_NOT_FOUND'],
    ]);
  });

  it('an Idempotency-Key makes a create happen once; the same key with another body is 422', async () => {
    const body = { venue_id: 'ad-keys', room_type_id: 'ad-keys-dbl', name: 'Keyed', base_price: 100, currency: 'GBP' };
    const headers = { 'idempotency-key': 'create-plan-1' };
    const first = await call('POST', '/api/v1/pricing/rate-plans', body, headers);
    const second = await call('POST', '/api/v1/pricing/rate-plans', body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await call('POST', '/api/v1/pricing/rate-plans', { ...body, name: 'Other' }, headers)).status).toBe(422);
    // A refusal is stored too: the replay refuses the same way.
    const dupHeaders = { 'idempotency-key': 'create-plan-2' };
    const refused = await call('POST', '/api/v1/pricing/rate-plans', body, dupHeaders);
    expect(refused.status).toBe(409);
    expect(await call('POST', '/api/v1/pricing/rate-plans', body, dupHeaders)).toMatchObject({ status: 409, body: refused.body });
    expect((await call('GET', '/api/v1/pricing/rate-plans?venue_id=ad-keys')).body.items).toHaveLength(1);
  });

  it('keys live IDEMPOTENCY_TTL_HOURS: the purge job deletes them, and the key can then name a new request', async () => {
    const headers = { 'idempotency-key': 'create-plan-ttl' };
    const body = { venue_id: 'ad-ttl', room_type_id: 'ad-ttl-1', name: 'TTL', base_price: 100, currency: 'GBP' };
    expect((await call('POST', '/api/v1/pricing/rate-plans', body, headers)).status).toBe(201);
    ctx.clock.advance(25 * 3_600_000);
    const purge = await ctx.deps.scheduler.runNow('purge-pricing-idempotency-keys');
    expect((purge.result as { purged: number }).purged).toBeGreaterThanOrEqual(1);
    expect((await call('POST', '/api/v1/pricing/rate-plans', { ...body, room_type_id: 'ad-ttl-2' }, headers)).status).toBe(201);
  });
});

describe('date-range overrides', () => {
  it('ranges of one scope never overlap; adjacent ranges and other scopes may', async () => {
    const p = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'ad-ov',
      room_type_id: 'ad-ov-dbl',
      name: 'D',
      base_price: 1,
      currency: 'GBP',
    });
    const summer = await create('/api/v1/pricing/overrides', {
      venue_id: 'ad-ov',
      name: 'Summer',
      from: '2026-07-01',
      to: '2026-09-01',
      kind: 'percent',
      adjustment_bps: 2_000,
    });
    expect(summer).toMatchObject({
      rate_plan_id: null,
      from: '2026-07-01',
      to: '2026-09-01',
      kind: 'percent',
      adjustment_bps: 2_000,
      nightly_price: null,
      currency: null,
    });
    await create('/api/v1/pricing/overrides', {
      venue_id: 'ad-ov',
      name: 'Autumn',
      from: '2026-09-01',
      to: '2026-10-01',
      kind: 'percent',
      adjustment_bps: -1_000,
    });
    await create('/api/v1/pricing/overrides', {
      venue_id: 'ad-ov',
      rate_plan_id: p.id,
      name: 'Gala',
      from: '2026-07-10',
      to: '2026-07-11',
      kind: 'price',
      nightly_price: 99_900,
      currency: 'GBP',
    });
    const overlap = await call('POST', '/api/v1/pricing/overrides', {
      venue_id: 'ad-ov',
      name: 'Clash',
      from: '2026-08-31',
      to: '2026-09-02',
      kind: 'percent',
      adjustment_bps: 1,
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error).toMatchObject({ code: 'RATE_OVERRIDE_OVERLAPS', details: { override_id: summer.id } });
    // Moving Summer onto Autumn is refused and leaves it as it was.
    const moved = await call('PATCH', `/api/v1/pricing/overrides/${summer.id}`, { to: '2026-09-15' });
    expect(moved.body.error.code).toBe('RATE_OVERRIDE_OVERLAPS');
    expect((await call('GET', `/api/v1/pricing/overrides/${summer.id}`)).body).toEqual(summer);
    // Switching kind clears the old kind's fields.
    const switched = await call('PATCH', `/api/v1/pricing/overrides/${summer.id}`, {
      kind: 'price',
      nightly_price: 20_000,
      currency: 'GBP',
    });
    expect(switched.body).toMatchObject({ kind: 'price', nightly_price: 20_000, currency: 'GBP', adjustment_bps: null });
    expect((await call('GET', '/api/v1/pricing/overrides?venue_id=ad-ov')).body.items).toHaveLength(3);
    expect((await call('GET', `/api/v1/pricing/overrides?rate_plan_id=${p.id}`)).body.items).toHaveLength(1);
    expect((await call('DELETE', `/api/v1/pricing/overrides/${summer.id}`)).status).toBe(204);
  });

  it('refusals', async () => {
    const other = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'ad-elsewhere',
      room_type_id: 'ad-else-dbl',
      name: 'E',
      base_price: 1,
      currency: 'EUR',
    });
    const mine = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'ad-ov2',
      room_type_id: 'ad-ov2-dbl',
      name: 'M',
      base_price: 1,
      currency: 'EUR',
    });
    const ok = { venue_id: 'ad-ov2', name: 'X', from: '2026-07-01', to: '2026-07-02' };
    await refusals([
      ['POST', '/api/v1/pricing/overrides', { ...ok, kind: 'percent' }, 400, 'PRICING_INVALID'],
      ['POST', '/api/v1/pricing/overrides', { ...ok, kind: 'price', nightly_price: 100 }, 400, 'PRICING_INVALID'],
      [
        'POST',
        '/api/v1/pricing/overrides',
        { ...ok, kind: 'price', nightly_price: 100, currency: 'EUR', adjustment_bps: 5 },
        400,
        'PRICING_INVALID',
      ],
      ['POST', '/api/v1/pricing/overrides', { ...ok, kind: 'percent', adjustment_bps: 5, currency: 'EUR' }, 400, 'PRICING_INVALID'],
      ['POST', '/api/v1/pricing/overrides', { ...ok, to: '2026-07-01', kind: 'percent', adjustment_bps: 5 }, 400, 'PRICING_INVALID'],
      ['POST', '/api/v1/pricing/overrides', { ...ok, to: '2026-06-01', kind: 'percent', adjustment_bps: 5 }, 400, 'PRICING_INVALID'],
      ['POST', '/api/v1/pricing/overrides', { ...ok, from: '2026-13-01', kind: 'percent', adjustment_bps: 5 }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/pricing/overrides', { ...ok, kind: 'percent', adjustment_bps: -10_001 }, 400, 'VALIDATION_FAILED'],
      [
        'POST',
        '/api/v1/pricing/overrides',
        { ...ok, kind: 'percent', adjustment_bps: 5, rate_plan_id: MISSING },
        404,
        'RATE_PLAN_NOT_FOUND',
      ],
      ['POST', '/api/v1/pricing/overrides', { ...ok, kind: 'percent', adjustment_bps: 5, rate_plan_id: other.id }, 400, 'PRICING_INVALID'],
      [
        'POST',
        '/api/v1/pricing/overrides',
        { ...ok, kind: 'price', nightly_price: 1, currency: 'GBP', rate_plan_id: mine.id },
        422,
        'PRICING_CURRENCY_MISMATCH',
      ],
      ['PATCH', `/api/v1/pricing/overrides/${MISSING}`, { name: 'Y' }, 404, 'RATE_OVERRIDE_NOT_FOUND'],
      ['DELETE', `/api/v1/pricing/overrides/${MISSING}`, undefined, 404, 'RATE_OVERRIDE_NOT_FOUND'],
    ]);
  });
});

describe('weekday rules and length-of-stay discounts', () => {
  it('weekday rules: create (days sorted), update, delete; refusals', async () => {
    const r = await create('/api/v1/pricing/weekday-rules', {
      venue_id: 'ad-wd',
      name: 'Weekend',
      weekdays: [6, 5],
      adjustment_bps: 2_000,
    });
    expect(r).toMatchObject({ weekdays: [5, 6], adjustment_bps: 2_000, rate_plan_id: null });
    expect((await call('PATCH', `/api/v1/pricing/weekday-rules/${r.id}`, { weekdays: [7, 5, 6] })).body.weekdays).toEqual([5, 6, 7]);
    expect((await call('GET', '/api/v1/pricing/weekday-rules?venue_id=ad-wd')).body.items).toHaveLength(1);
    await refusals([
      [
        'POST',
        '/api/v1/pricing/weekday-rules',
        { venue_id: 'ad-wd', name: 'W', weekdays: [5, 5], adjustment_bps: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/weekday-rules',
        { venue_id: 'ad-wd', name: 'W', weekdays: [0], adjustment_bps: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/weekday-rules',
        { venue_id: 'ad-wd', name: 'W', weekdays: [], adjustment_bps: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/weekday-rules',
        { venue_id: 'ad-wd', name: 'W', weekdays: [1], adjustment_bps: 0 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/weekday-rules',
        { venue_id: 'ad-wd', name: 'W', weekdays: [1], adjustment_bps: 1, rate_plan_id: MISSING },
        404,
        'RATE_PLAN_NOT_FOUND',
      ],
      ['PATCH', `/api/v1/pricing/weekday-rules/${MISSING}`, { name: 'W' }, 404, 'WEEKDAY_RULE_NOT_FOUND'],
    ]);
    expect((await call('DELETE', `/api/v1/pricing/weekday-rules/${r.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/pricing/weekday-rules/${r.id}`)).body.error.code).toBe('WEEKDAY_RULE_NOT_FOUND');
  });

  it('length-of-stay discounts: one per minimum and scope; update, delete; refusals', async () => {
    const week = await create('/api/v1/pricing/los-discounts', { venue_id: 'ad-los', name: 'Week', min_nights: 7, discount_bps: 1_000 });
    const three = await create('/api/v1/pricing/los-discounts', { venue_id: 'ad-los', name: 'Three', min_nights: 3, discount_bps: 500 });
    expect(
      ((await call('GET', '/api/v1/pricing/los-discounts?venue_id=ad-los')).body.items as Json[]).map((d) => d.min_nights as number),
    ).toEqual([3, 7]);
    await refusals([
      [
        'POST',
        '/api/v1/pricing/los-discounts',
        { venue_id: 'ad-los', name: 'Dup', min_nights: 7, discount_bps: 1 },
        409,
        'LOS_DISCOUNT_EXISTS',
      ],
      ['PATCH', `/api/v1/pricing/los-discounts/${three.id}`, { min_nights: 7 }, 409, 'LOS_DISCOUNT_EXISTS'],
      [
        'POST',
        '/api/v1/pricing/los-discounts',
        { venue_id: 'ad-los', name: 'Zero', min_nights: 2, discount_bps: 0 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/los-discounts',
        { venue_id: 'ad-los', name: 'Over', min_nights: 2, discount_bps: 10_001 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/los-discounts',
        { venue_id: 'ad-los', name: 'Zero', min_nights: 0, discount_bps: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      ['DELETE', `/api/v1/pricing/los-discounts/${MISSING}`, undefined, 404, 'LOS_DISCOUNT_NOT_FOUND'],
    ]);
    expect((await call('PATCH', `/api/v1/pricing/los-discounts/${week.id}`, { discount_bps: 1_500 })).body.discount_bps).toBe(1_500);
    expect((await call('DELETE', `/api/v1/pricing/los-discounts/${week.id}`)).status).toBe(204);
  });
});

describe('taxes and dining prices', () => {
  it('tax lines keep their order; a kind switch clears the old fields; refusals', async () => {
    const vat = await create('/api/v1/pricing/taxes', {
      venue_id: 'ad-tax',
      name: 'VAT',
      kind: 'percent',
      rate_bps: 2_000,
      inclusive: true,
    });
    const city = await create('/api/v1/pricing/taxes', {
      venue_id: 'ad-tax',
      name: 'City',
      kind: 'fixed',
      amount: 250,
      currency: 'GBP',
      per: 'night',
      inclusive: false,
    });
    expect(vat).toMatchObject({ rate_bps: 2_000, amount: null, currency: null, per: null, inclusive: true });
    expect(((await call('GET', '/api/v1/pricing/taxes?venue_id=ad-tax')).body.items as Json[]).map((t) => t.name as string)).toEqual([
      'VAT',
      'City',
    ]);
    const switched = await call('PATCH', `/api/v1/pricing/taxes/${city.id}`, { kind: 'percent', rate_bps: 500 });
    expect(switched.body).toMatchObject({ kind: 'percent', rate_bps: 500, amount: null, currency: null, per: null, inclusive: false });
    await refusals([
      [
        'POST',
        '/api/v1/pricing/taxes',
        { venue_id: 'ad-tax', name: 'T', kind: 'fixed', amount: 1, currency: 'GBP', per: 'night', inclusive: true },
        400,
        'PRICING_INVALID',
      ],
      [
        'POST',
        '/api/v1/pricing/taxes',
        { venue_id: 'ad-tax', name: 'T', kind: 'fixed', amount: 1, currency: 'GBP', inclusive: false },
        400,
        'PRICING_INVALID',
      ],
      ['POST', '/api/v1/pricing/taxes', { venue_id: 'ad-tax', name: 'T', kind: 'percent', inclusive: false }, 400, 'PRICING_INVALID'],
      [
        'POST',
        '/api/v1/pricing/taxes',
        { venue_id: 'ad-tax', name: 'T', kind: 'percent', rate_bps: 10, per: 'night', inclusive: false },
        400,
        'PRICING_INVALID',
      ],
      [
        'POST',
        '/api/v1/pricing/taxes',
        { venue_id: 'ad-tax', name: 'T', kind: 'percent', rate_bps: 10_001, inclusive: false },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/v1/pricing/taxes',
        { venue_id: 'ad-tax', name: 'T', kind: 'fixed', amount: 1, currency: 'GBP', per: 'week', inclusive: false },
        400,
        'VALIDATION_FAILED',
      ],
      ['PATCH', `/api/v1/pricing/taxes/${vat.id}`, { kind: 'fixed', amount: 1, currency: 'GBP', per: 'night' }, 400, 'PRICING_INVALID'],
      ['PATCH', `/api/v1/pricing/taxes/${MISSING}`, { name: 'T' }, 404, 'TAX_NOT_FOUND'],
    ]);
    expect((await call('DELETE', `/api/v1/pricing/taxes/${vat.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/pricing/taxes/${vat.id}`)).body.error.code).toBe('TAX_NOT_FOUND');
  });

  it('a dining price is set and replaced with PUT, read, listed and removed', async () => {
    const first = await call('PUT', '/api/v1/pricing/dining-prices/ad-bistro', { mode: 'price', per_cover: 2_500, currency: 'GBP' });
    expect(first.status).toBe(200);
    ctx.clock.advance(1_000);
    const second = await call('PUT', '/api/v1/pricing/dining-prices/ad-bistro', { mode: 'deposit', per_cover: 1_000, currency: 'GBP' });
    expect(second.body).toMatchObject({ venue_id: 'ad-bistro', mode: 'deposit', per_cover: 1_000, created_at: first.body.created_at });
    expect(second.body.updated_at).not.toBe(first.body.created_at);
    expect((await call('GET', '/api/v1/pricing/dining-prices/ad-bistro')).body).toEqual(second.body);
    expect((await call('GET', '/api/v1/pricing/dining-prices')).body.items).toContainEqual(second.body);
    await refusals([
      ['PUT', '/api/v1/pricing/dining-prices/ad-bistro', { mode: 'free', per_cover: 1, currency: 'GBP' }, 400, 'VALIDATION_FAILED'],
      ['PUT', '/api/v1/pricing/dining-prices/ad-bistro', { mode: 'price', per_cover: -1, currency: 'GBP' }, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/v1/pricing/dining-prices/ad-nowhere', undefined, 404, 'DINING_PRICE_NOT_FOUND'],
      ['DELETE', '/api/v1/pricing/dining-prices/ad-nowhere', undefined, 404, 'DINING_PRICE_NOT_FOUND'],
    ]);
    expect((await call('DELETE', '/api/v1/pricing/dining-prices/ad-bistro')).status).toBe(204);
  });

  it('null and 0 are told apart in requests (max_uses 0 is a disabled code, null is unlimited)', async () => {
    const zero = await create('/api/v1/pricing/promo-codes', { code: 'ZEROUSE', kind: 'percent', discount_bps: 100, max_uses: 0 });
    expect(zero.max_uses).toBe(0);
    expect((await call('PATCH', '/api/v1/pricing/promo-codes/ZEROUSE', { max_uses: null })).body.max_uses).toBeNull();
    expect((await call('PATCH', '/api/v1/pricing/promo-codes/ZEROUSE', { max_uses: 0 })).body.max_uses).toBe(0);
  });
});

describe('the OpenAPI document', () => {
  it('lists the pricing routes', async () => {
    const doc = (await call('GET', '/docs/json')).body as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/pricing/quote',
      '/api/v1/pricing/promo-codes/{code}/redeem',
      '/api/v1/pricing/promo-codes/{code}/release',
      '/api/v1/pricing/cancellation-fee',
      '/api/v1/pricing/rate-plans/{id}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});

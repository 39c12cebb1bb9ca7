/**
 * POST /api/v1/pricing/cancellation-fee over HTTP: the default policy, the free window's edge to the
 * millisecond, late fees of each kind, no-shows, a rate plan's policy over its venue's, and refusals.
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
const ARRIVAL = '2026-03-10T15:00:00.000Z';
const fee = (venue: string, at: string, extra: Json = {}) =>
  call('POST', '/api/v1/pricing/cancellation-fee', {
    venue_id: venue,
    arrival: ARRIVAL,
    at,
    total: 30_000,
    first_night: 12_000,
    currency: 'GBP',
    ...extra,
  });

describe('with no policy configured', () => {
  it('cancelling is free at any time; a no-show costs the first night', async () => {
    const late = await fee('cf-none', '2026-03-10T14:59:00Z');
    expect(late.status).toBe(200);
    expect(late.body).toEqual({
      fee: 0,
      refundable: 30_000,
      currency: 'GBP',
      rule: 'free',
      policy: {
        id: null,
        name: 'Default: free cancellation; a no-show costs the first night',
        source: 'default',
        rate_plan_id: null,
        free_until_hours: 0,
        late_fee: { kind: 'none', amount: null, rate_bps: null },
        no_show_fee: { kind: 'first_night', amount: null, rate_bps: null },
        currency: null,
      },
    });
    expect((await fee('cf-none', '2026-03-11T10:00:00Z')).body).toMatchObject({ fee: 0, refundable: 30_000, rule: 'free' });
    expect((await fee('cf-none', '2026-03-11T10:00:00Z', { no_show: true })).body).toMatchObject({
      fee: 12_000,
      refundable: 18_000,
      rule: 'no_show',
    });
  });
});

describe('a venue policy: free until 48 hours before arrival, then the first night; no-show 100 %', () => {
  let policyId: string;
  beforeAll(async () => {
    const p = await create('/api/v1/pricing/cancellation-policies', {
      venue_id: 'cf-hotel',
      name: '48 hours',
      free_until_hours: 48,
      late_fee: { kind: 'first_night' },
      no_show_fee: { kind: 'percent', rate_bps: 10_000 },
    });
    policyId = p.id as string;
  });

  it('exactly 48 hours before arrival is still free; one millisecond later is late', async () => {
    const edge = await fee('cf-hotel', '2026-03-08T15:00:00.000Z');
    expect(edge.body).toMatchObject({
      fee: 0,
      refundable: 30_000,
      rule: 'free',
      policy: { id: policyId, source: 'venue', free_until_hours: 48 },
    });
    const after = await fee('cf-hotel', '2026-03-08T15:00:00.001Z');
    expect(after.body).toMatchObject({ fee: 12_000, refundable: 18_000, rule: 'late' });
    expect((await fee('cf-hotel', '2026-03-01T00:00:00Z')).body.rule).toBe('free');
  });

  it('a no-show pays the whole stay, whenever it is recorded', async () => {
    expect((await fee('cf-hotel', '2026-03-11T10:00:00Z', { no_show: true })).body).toMatchObject({
      fee: 30_000,
      refundable: 0,
      rule: 'no_show',
    });
    expect((await fee('cf-hotel', '2026-03-01T00:00:00Z', { no_show: true })).body).toMatchObject({ fee: 30_000, rule: 'no_show' });
  });

  it('a first night dearer than the total (after discounts) is capped at the total', async () => {
    expect((await fee('cf-hotel', '2026-03-10T00:00:00Z', { total: 9_000, first_night: 12_000 })).body).toMatchObject({
      fee: 9_000,
      refundable: 0,
    });
  });

  it('a zero total costs nothing', async () => {
    expect((await fee('cf-hotel', '2026-03-10T00:00:00Z', { total: 0, first_night: 0, no_show: true })).body).toMatchObject({
      fee: 0,
      refundable: 0,
    });
  });
});

describe('fee kinds', () => {
  it('percent of the total, rounded half up (50 % of 10 001 = 5 000.5 → 5 001)', async () => {
    await create('/api/v1/pricing/cancellation-policies', {
      venue_id: 'cf-pct',
      name: 'Half',
      free_until_hours: 24,
      late_fee: { kind: 'percent', rate_bps: 5_000 },
      no_show_fee: { kind: 'percent', rate_bps: 3_333 },
    });
    expect((await fee('cf-pct', '2026-03-10T00:00:00Z', { total: 10_001 })).body).toMatchObject({
      fee: 5_001,
      refundable: 5_000,
      rule: 'late',
    });
    // 33.33 % of 10 001 = 3 333.3333 → 3 333.
    expect((await fee('cf-pct', '2026-03-10T00:00:00Z', { total: 10_001, no_show: true })).body).toMatchObject({
      fee: 3_333,
      refundable: 6_668,
    });
  });

  it('fixed, never more than the total; the request must be in the policy’s currency', async () => {
    await create('/api/v1/pricing/cancellation-policies', {
      venue_id: 'cf-fixed',
      name: 'Fixed',
      free_until_hours: 72,
      late_fee: { kind: 'fixed', amount: 5_000 },
      no_show_fee: { kind: 'none' },
      currency: 'GBP',
    });
    expect((await fee('cf-fixed', '2026-03-10T00:00:00Z')).body).toMatchObject({ fee: 5_000, refundable: 25_000, rule: 'late' });
    expect((await fee('cf-fixed', '2026-03-10T00:00:00Z', { total: 3_000 })).body).toMatchObject({ fee: 3_000, refundable: 0 });
    expect((await fee('cf-fixed', '2026-03-10T00:00:00Z', { no_show: true })).body).toMatchObject({
      fee: 0,
      refundable: 30_000,
      rule: 'no_show',
    });
    const eur = await fee('cf-fixed', '2026-03-10T00:00:00Z', { currency: 'EUR' });
    expect(eur.status).toBe(422);
    expect(eur.body.error).toMatchObject({ code: 'PRICING_CURRENCY_MISMATCH', details: { expected: 'GBP', got: 'EUR' } });
  });

  it('a rate plan’s policy wins over its venue’s for that room type', async () => {
    const plan = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'cf-plans',
      room_type_id: 'cf-nonref',
      name: 'Non-refundable',
      base_price: 10_000,
      currency: 'GBP',
    });
    await create('/api/v1/pricing/cancellation-policies', {
      venue_id: 'cf-plans',
      name: 'Flexible',
      free_until_hours: 24,
      late_fee: { kind: 'first_night' },
      no_show_fee: { kind: 'first_night' },
    });
    await create('/api/v1/pricing/cancellation-policies', {
      venue_id: 'cf-plans',
      rate_plan_id: plan.id,
      name: 'Non-refundable',
      free_until_hours: 0,
      late_fee: { kind: 'percent', rate_bps: 10_000 },
      no_show_fee: { kind: 'percent', rate_bps: 10_000 },
    });
    const early = '2026-03-01T00:00:00Z';
    expect((await fee('cf-plans', early, { room_type_id: 'cf-nonref' })).body).toMatchObject({ rule: 'free', fee: 0 });
    expect((await fee('cf-plans', '2026-03-10T15:00:00.001Z', { room_type_id: 'cf-nonref' })).body).toMatchObject({
      rule: 'late',
      fee: 30_000,
      policy: { source: 'rate_plan', rate_plan_id: plan.id, name: 'Non-refundable' },
    });
    expect((await fee('cf-plans', '2026-03-10T00:00:00Z', { room_type_id: 'other-room' })).body).toMatchObject({
      fee: 12_000,
      policy: { source: 'venue', name: 'Flexible' },
    });
  });
});

describe('bad input', () => {
  it('400 with a clear code, and nothing changes', async () => {
    const before = await pricingCounts(ctx);
    const base = { venue_id: 'cf-hotel', arrival: ARRIVAL, at: ARRIVAL, total: 100, first_night: 50, currency: 'GBP' };
    const bad: Json[] = [
      { ...base, at: 'yesterday' },
      { ...base, arrival: '2026-03-10' },
      { ...base, total: -1 },
      { ...base, total: 1.5 },
      { ...base, first_night: -5 },
      { ...base, currency: 'pounds' },
      { ...base, venue_id: 'no spaces allowed' },
      { ...base, surprise: true },
      { venue_id: 'cf-hotel', arrival: ARRIVAL, at: ARRIVAL, total: 100, first_night: 50 },
    ];
    for (const body of bad) {
      const r = await call('POST', '/api/v1/pricing/cancellation-fee', body);
      expect({ body, status: r.status, code: r.body.error?.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(await pricingCounts(ctx)).toEqual(before);
  });
});

describe('policy administration', () => {
  it('creates, reads, lists, updates and deletes; one policy per venue and per rate plan', async () => {
    const made = await create('/api/v1/pricing/cancellation-policies', {
      venue_id: 'cf-admin',
      name: 'Moderate',
      free_until_hours: 24,
      late_fee: { kind: 'fixed', amount: 2_500 },
      no_show_fee: { kind: 'first_night' },
      currency: 'GBP',
    });
    expect(made).toMatchObject({
      venue_id: 'cf-admin',
      rate_plan_id: null,
      free_until_hours: 24,
      late_fee: { kind: 'fixed', amount: 2_500, rate_bps: null },
      no_show_fee: { kind: 'first_night', amount: null, rate_bps: null },
      currency: 'GBP',
    });
    expect((await call('GET', `/api/v1/pricing/cancellation-policies/${made.id}`)).body).toEqual(made);
    expect((await call('GET', '/api/v1/pricing/cancellation-policies?venue_id=cf-admin')).body.items).toEqual([made]);
    const dup = await call('POST', '/api/v1/pricing/cancellation-policies', {
      venue_id: 'cf-admin',
      name: 'Again',
      free_until_hours: 1,
      late_fee: { kind: 'none' },
      no_show_fee: { kind: 'none' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CANCELLATION_POLICY_EXISTS');
    // Dropping the last fixed fee drops the currency too.
    const patched = await call('PATCH', `/api/v1/pricing/cancellation-policies/${made.id}`, {
      late_fee: { kind: 'percent', rate_bps: 2_000 },
    });
    expect(patched.body).toMatchObject({ late_fee: { kind: 'percent', amount: null, rate_bps: 2_000 }, currency: null });
    expect((await call('DELETE', `/api/v1/pricing/cancellation-policies/${made.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/pricing/cancellation-policies/${made.id}`)).body.error.code).toBe('CANCELLATION_POLICY_NOT_FOUND');
  });

  it('refuses inconsistent fees, a missing currency, an unknown or foreign rate plan — changing nothing', async () => {
    const plan = await create('/api/v1/pricing/rate-plans', {
      venue_id: 'cf-other',
      room_type_id: 'cf-other-dbl',
      name: 'Other',
      base_price: 1,
      currency: 'EUR',
    });
    const before = await pricingCounts(ctx);
    const base = { venue_id: 'cf-bad', name: 'Bad', free_until_hours: 24, late_fee: { kind: 'none' }, no_show_fee: { kind: 'none' } };
    const cases: [Json, number, string][] = [
      [{ ...base, late_fee: { kind: 'fixed' }, currency: 'GBP' }, 400, 'PRICING_INVALID'],
      [{ ...base, late_fee: { kind: 'fixed', amount: 100 } }, 400, 'PRICING_INVALID'],
      [{ ...base, late_fee: { kind: 'percent', amount: 100 } }, 400, 'PRICING_INVALID'],
      [{ ...base, no_show_fee: { kind: 'first_night', rate_bps: 100 } }, 400, 'PRICING_INVALID'],
      [{ ...base, currency: 'GBP' }, 400, 'PRICING_INVALID'],
      [{ ...base, free_until_hours: -1 }, 400, 'VALIDATION_FAILED'],
      [{ ...base, late_fee: { kind: 'percent', rate_bps: 10_001 } }, 400, 'VALIDATION_FAILED'],
      [{ ...base, late_fee: { kind: 'half' } }, 400, 'VALIDATION_FAILED'],
      [{ ...base, rate_plan_id: '00000000-0000-4000-8000-000000000000' }, 404, 'RATE_PLAN_NOT_FOUND'],
      [{ ...base, rate_plan_id: plan.id }, 400, 'PRICING_INVALID'],
      [
        { ...base, venue_id: 'cf-other', rate_plan_id: plan.id, late_fee: { kind: 'fixed', amount: 1 }, currency: 'GBP' },
        422,
        'PRICING_CURRENCY_MISMATCH',
      ],
    ];
    for (const [body, status, code] of cases) {
      const r = await call('POST', '/api/v1/pricing/cancellation-policies', body);
      expect({ body, status: r.status, code: r.body.error?.code }).toEqual({ body, status, code });
    }
    expect(await pricingCounts(ctx)).toEqual(before);
  });
});

/**
 * POST /api/v1/pricing/quote over HTTP against the real database: each rule kind alone, then all of
 * them together, with the exact numbers worked out by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { client, pricingCounts, type Json } from './pricing-http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ services: ['pricing'] });
});
afterAll(async () => ctx.close());

const { call, create, quote } = client(() => ctx);

async function plan(venue: string, roomType: string, basePrice: number, currency = 'GBP'): Promise<string> {
  const p = await create('/api/v1/pricing/rate-plans', {
    venue_id: venue,
    room_type_id: roomType,
    name: `${roomType} rate`,
    base_price: basePrice,
    currency,
  });
  return p.id as string;
}

const stay = (venue: string, roomType: string, checkIn: string, checkOut: string, extra: Json = {}) =>
  quote({ venue_id: venue, kind: 'lodging', room_type_id: roomType, check_in: checkIn, check_out: checkOut, ...extra });

/** The contract's arithmetic, checked on every quote of this file. */
function consistent(q: Json): void {
  const sum = (xs: Json[]) => xs.reduce((a, x) => a + (x.amount as number), 0);
  expect(q.base).toBe(sum(q.lines as Json[]));
  expect(q.discount).toBe(sum(q.discounts as Json[]));
  expect(q.tax).toBe(sum((q.taxes as Json[]).filter((t: Json) => !t.inclusive)));
  expect(q.tax_included).toBe(sum((q.taxes as Json[]).filter((t: Json) => t.inclusive)));
  expect(q.total).toBe(q.base - q.discount + q.tax);
  for (const n of [q.base, q.discount, q.tax, q.total, ...(q.lines as Json[]).map((l: Json) => l.amount as number)])
    expect(Number.isInteger(n) && n >= 0).toBe(true);
}

describe('a quote from one rule at a time', () => {
  it('a rate plan alone: one line per night at its base price, in its currency', async () => {
    const planId = await plan('q-plain', 'q-plain-dbl', 12_345);
    const r = await stay('q-plain', 'q-plain-dbl', '2026-03-02', '2026-03-05');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      currency: 'GBP',
      kind: 'lodging',
      venue_id: 'q-plain',
      base: 37_035,
      discount: 0,
      tax: 0,
      tax_included: 0,
      total: 37_035,
      lines: [
        { kind: 'night', date: '2026-03-02', description: 'Night of 2026-03-02', amount: 12_345 },
        { kind: 'night', date: '2026-03-03', description: 'Night of 2026-03-03', amount: 12_345 },
        { kind: 'night', date: '2026-03-04', description: 'Night of 2026-03-04', amount: 12_345 },
      ],
      discounts: [],
      taxes: [],
      promo_code: null,
      rate_plan_id: planId,
      deposit: false,
    });
  });

  it('a room type without a rate plan is priced from the request’s base_price and currency', async () => {
    const r = await stay('q-noplan', 'q-noplan-std', '2026-03-02', '2026-03-04', { base_price: 9_999, currency: 'EUR' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ currency: 'EUR', base: 19_998, total: 19_998, rate_plan_id: null });
  });

  it('the rate plan wins over a base_price sent along (the inventory’s price is only the fallback)', async () => {
    await plan('q-wins', 'q-wins-dbl', 20_000);
    const r = await stay('q-wins', 'q-wins-dbl', '2026-03-02', '2026-03-03', { base_price: 1 });
    expect(r.body.total).toBe(20_000);
  });

  it('a season (percent override) covers the nights of [from, to) only', async () => {
    await plan('q-season', 'q-season-dbl', 10_000);
    await create('/api/v1/pricing/overrides', {
      venue_id: 'q-season',
      name: 'Spring',
      from: '2026-03-03',
      to: '2026-03-05',
      kind: 'percent',
      adjustment_bps: 2_500,
    });
    const r = await stay('q-season', 'q-season-dbl', '2026-03-02', '2026-03-06');
    expect((r.body.lines as Json[]).map((l: Json) => l.amount as number)).toEqual([10_000, 12_500, 12_500, 10_000]);
    expect(r.body.lines[1].description).toBe('Night of 2026-03-03 (Spring +25%)');
    expect(r.body.total).toBe(45_000);
    consistent(r.body);
  });

  it('an event (price override) sets the night’s price outright; a rate-plan override beats the venue’s', async () => {
    const planId = await plan('q-event', 'q-event-dbl', 10_000);
    await create('/api/v1/pricing/overrides', {
      venue_id: 'q-event',
      name: 'Festival',
      from: '2026-03-02',
      to: '2026-03-05',
      kind: 'price',
      nightly_price: 25_000,
      currency: 'GBP',
    });
    await create('/api/v1/pricing/overrides', {
      venue_id: 'q-event',
      rate_plan_id: planId,
      name: 'Gala',
      from: '2026-03-03',
      to: '2026-03-04',
      kind: 'price',
      nightly_price: 40_000,
      currency: 'GBP',
    });
    const r = await stay('q-event', 'q-event-dbl', '2026-03-01', '2026-03-05');
    expect((r.body.lines as Json[]).map((l: Json): unknown[] => [l.amount, l.description])).toEqual([
      [10_000, 'Night of 2026-03-01'],
      [25_000, 'Night of 2026-03-02 (Festival)'],
      [40_000, 'Night of 2026-03-03 (Gala)'],
      [25_000, 'Night of 2026-03-04 (Festival)'],
    ]);
    consistent(r.body);
  });

  it('weekday rule: Fri/Sat nights +20 %, rounded half up per night (9 999 × 1.2 = 11 998.8 → 11 999)', async () => {
    await plan('q-weekend', 'q-weekend-dbl', 9_999);
    await create('/api/v1/pricing/weekday-rules', { venue_id: 'q-weekend', name: 'Weekend', weekdays: [5, 6], adjustment_bps: 2_000 });
    // 2026-03-05 Thu, 06 Fri, 07 Sat, 08 Sun.
    const r = await stay('q-weekend', 'q-weekend-dbl', '2026-03-05', '2026-03-09');
    expect((r.body.lines as Json[]).map((l: Json) => l.amount as number)).toEqual([9_999, 11_999, 11_999, 9_999]);
    expect(r.body.lines[1].description).toBe('Night of 2026-03-06 (Weekend +20%)');
    expect(r.body.total).toBe(43_996);
    consistent(r.body);
  });

  it('length of stay: the best discount the stay qualifies for, half up on the nights', async () => {
    await plan('q-los', 'q-los-dbl', 10_001);
    await create('/api/v1/pricing/los-discounts', { venue_id: 'q-los', name: 'Three nights', min_nights: 3, discount_bps: 500 });
    await create('/api/v1/pricing/los-discounts', { venue_id: 'q-los', name: 'Week', min_nights: 7, discount_bps: 1_000 });
    const two = await stay('q-los', 'q-los-dbl', '2026-03-02', '2026-03-04');
    expect(two.body.discounts).toEqual([]);
    const three = await stay('q-los', 'q-los-dbl', '2026-03-02', '2026-03-05');
    // 30 003 × 5 % = 1 500.15 → 1 500.
    expect(three.body.discounts).toEqual([
      { kind: 'length_of_stay', description: 'Three nights: 5% off stays of 3+ nights', amount: 1_500 },
    ]);
    expect(three.body.total).toBe(28_503);
    const week = await stay('q-los', 'q-los-dbl', '2026-03-02', '2026-03-09');
    // 70 007 × 10 % = 7 000.7 → 7 001.
    expect(week.body).toMatchObject({ base: 70_007, discount: 7_001, total: 63_006 });
    consistent(week.body);
  });

  it('taxes: an inclusive rate is reported inside the price, exclusive ones are added on top', async () => {
    await plan('q-tax', 'q-tax-dbl', 12_000);
    await create('/api/v1/pricing/taxes', { venue_id: 'q-tax', name: 'VAT', kind: 'percent', rate_bps: 2_000, inclusive: true });
    await create('/api/v1/pricing/taxes', {
      venue_id: 'q-tax',
      name: 'City tax',
      kind: 'fixed',
      amount: 250,
      currency: 'GBP',
      per: 'night',
      inclusive: false,
    });
    await create('/api/v1/pricing/taxes', { venue_id: 'q-tax', name: 'Service', kind: 'percent', rate_bps: 1_250, inclusive: false });
    await create('/api/v1/pricing/taxes', {
      venue_id: 'q-tax',
      name: 'Booking fee',
      kind: 'fixed',
      amount: 99,
      currency: 'GBP',
      per: 'booking',
      inclusive: false,
    });
    await create('/api/v1/pricing/taxes', {
      venue_id: 'q-tax',
      name: 'Cover levy',
      kind: 'fixed',
      amount: 10,
      currency: 'GBP',
      per: 'cover',
      inclusive: false,
    });
    const r = await stay('q-tax', 'q-tax-dbl', '2026-03-02', '2026-03-04');
    // base 24 000: VAT inside = 24 000 × 20/120 = 4 000; city 2 × 250; service 12.5 % = 3 000; booking fee 99; no covers.
    expect(r.body.taxes).toEqual([
      { name: 'VAT', rate_bps: 2_000, amount: 4_000, inclusive: true },
      { name: 'City tax', per: 'night', unit_amount: 250, amount: 500, inclusive: false },
      { name: 'Service', rate_bps: 1_250, amount: 3_000, inclusive: false },
      { name: 'Booking fee', per: 'booking', unit_amount: 99, amount: 99, inclusive: false },
    ]);
    expect(r.body).toMatchObject({ base: 24_000, discount: 0, tax: 3_599, tax_included: 4_000, total: 27_599 });
    consistent(r.body);
  });

  it('dining: one line per cover at the per-cover price; a deposit says so', async () => {
    await call('PUT', '/api/v1/pricing/dining-prices/q-bistro', { mode: 'deposit', per_cover: 1_500, currency: 'GBP' });
    await create('/api/v1/pricing/taxes', { venue_id: 'q-bistro', name: 'VAT', kind: 'percent', rate_bps: 2_000, inclusive: true });
    const r = await quote({ venue_id: 'q-bistro', kind: 'dining', date: '2026-03-06', time: '19:30', party_size: 3 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      currency: 'GBP',
      kind: 'dining',
      base: 4_500,
      total: 4_500,
      tax_included: 750,
      deposit: true,
      lines: [
        { kind: 'cover', date: '2026-03-06', description: 'Deposit, cover 1 of 3', amount: 1_500 },
        { kind: 'cover', date: '2026-03-06', description: 'Deposit, cover 2 of 3', amount: 1_500 },
        { kind: 'cover', date: '2026-03-06', description: 'Deposit, cover 3 of 3', amount: 1_500 },
      ],
    });
    consistent(r.body);
  });

  it('dining without a configured price: covers at 0 in the request’s currency', async () => {
    const r = await quote({ venue_id: 'q-free-cafe', kind: 'dining', time: '12:30:00', party_size: 2, currency: 'GBP' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      base: 0,
      total: 0,
      lines: [
        { kind: 'cover', amount: 0 },
        { kind: 'cover', amount: 0 },
      ],
    });
  });
});

describe('every rule at once', () => {
  it('season + event + weekday + length of stay + promo + inclusive VAT + city tax, to the penny', async () => {
    const planId = await plan('q-all', 'q-all-dbl', 10_000);
    await create('/api/v1/pricing/overrides', {
      venue_id: 'q-all',
      name: 'Summer',
      from: '2026-07-01',
      to: '2026-09-01',
      kind: 'percent',
      adjustment_bps: 2_500,
    });
    await create('/api/v1/pricing/overrides', {
      venue_id: 'q-all',
      rate_plan_id: planId,
      name: 'Fireworks',
      from: '2026-07-04',
      to: '2026-07-05',
      kind: 'price',
      nightly_price: 30_000,
      currency: 'GBP',
    });
    await create('/api/v1/pricing/weekday-rules', { venue_id: 'q-all', name: 'Weekend', weekdays: [5, 6], adjustment_bps: 2_000 });
    await create('/api/v1/pricing/los-discounts', { venue_id: 'q-all', name: 'Short break', min_nights: 3, discount_bps: 500 });
    await create('/api/v1/pricing/los-discounts', {
      venue_id: 'q-all',
      rate_plan_id: planId,
      name: 'Week',
      min_nights: 7,
      discount_bps: 1_000,
    });
    await create('/api/v1/pricing/promo-codes', { code: 'summer10', kind: 'percent', discount_bps: 1_000, max_uses: 5 });
    await create('/api/v1/pricing/taxes', { venue_id: 'q-all', name: 'VAT', kind: 'percent', rate_bps: 2_000, inclusive: true });
    await create('/api/v1/pricing/taxes', {
      venue_id: 'q-all',
      name: 'City tax',
      kind: 'fixed',
      amount: 250,
      currency: 'GBP',
      per: 'night',
      inclusive: false,
    });

    // Mon 29 Jun → Mon 6 Jul 2026, 7 nights:
    //   Mon 10 000, Tue 10 000, Wed 12 500 (Summer), Thu 12 500, Fri 15 000 (× 1.25 × 1.2),
    //   Sat 30 000 (Fireworks, outright), Sun 12 500              → base 102 500
    //   Week −10 % = 10 250; SUMMER10 −10 % of 92 250 = 9 225     → discount 19 475, net 83 025
    //   VAT inside 83 025 × 20/120 = 13 837.5 → 13 838 (reported); city tax 7 × 250 = 1 750
    //   total = 83 025 + 1 750 = 84 775
    const r = await stay('q-all', 'q-all-dbl', '2026-06-29', '2026-07-06', { promo_code: 'Summer10' });
    expect(r.status).toBe(200);
    expect((r.body.lines as Json[]).map((l: Json) => l.amount as number)).toEqual([10_000, 10_000, 12_500, 12_500, 15_000, 30_000, 12_500]);
    expect(r.body.lines[4].description).toBe('Night of 2026-07-03 (Summer +25%, Weekend +20%)');
    expect(r.body.discounts).toEqual([
      { kind: 'length_of_stay', description: 'Week: 10% off stays of 7+ nights', amount: 10_250 },
      { kind: 'promo', code: 'SUMMER10', description: 'Promo code SUMMER10: 10% off', amount: 9_225 },
    ]);
    expect(r.body.taxes).toEqual([
      { name: 'VAT', rate_bps: 2_000, amount: 13_838, inclusive: true },
      { name: 'City tax', per: 'night', unit_amount: 250, amount: 1_750, inclusive: false },
    ]);
    expect(r.body).toMatchObject({
      currency: 'GBP',
      base: 102_500,
      discount: 19_475,
      tax: 1_750,
      tax_included: 13_838,
      total: 84_775,
      promo_code: 'SUMMER10',
      rate_plan_id: planId,
    });
    consistent(r.body);
    // A quote takes no use of the code.
    expect((await call('GET', '/api/v1/pricing/promo-codes/SUMMER10')).body.uses).toBe(0);
  });

  it('a fixed promo bigger than what is left brings the nights to 0, never below; exclusive fixed taxes still apply', async () => {
    await plan('q-zero', 'q-zero-dbl', 3_000);
    await create('/api/v1/pricing/promo-codes', { code: 'BIGGIFT', kind: 'fixed', amount: 50_000, currency: 'GBP' });
    await create('/api/v1/pricing/taxes', { venue_id: 'q-zero', name: 'VAT', kind: 'percent', rate_bps: 2_000, inclusive: true });
    await create('/api/v1/pricing/taxes', {
      venue_id: 'q-zero',
      name: 'City tax',
      kind: 'fixed',
      amount: 250,
      currency: 'GBP',
      per: 'night',
      inclusive: false,
    });
    const r = await stay('q-zero', 'q-zero-dbl', '2026-03-02', '2026-03-04', { promo_code: 'biggift' });
    expect(r.body).toMatchObject({ base: 6_000, discount: 6_000, tax: 500, tax_included: 0, total: 500 });
    consistent(r.body);
  });
});

describe('quotes that cannot be made', () => {
  it('bad input: 400 with a clear code, and nothing is written', async () => {
    await plan('q-bad', 'q-bad-dbl', 10_000);
    const before = await pricingCounts(ctx);
    const cases: [Json, number, string][] = [
      [{ venue_id: 'q-bad', kind: 'lodging', room_type_id: 'q-bad-dbl' }, 400, 'QUOTE_INVALID'],
      [
        { venue_id: 'q-bad', kind: 'lodging', room_type_id: 'q-bad-dbl', check_in: '2026-03-05', check_out: '2026-03-05' },
        400,
        'QUOTE_INVALID',
      ],
      [
        { venue_id: 'q-bad', kind: 'lodging', room_type_id: 'q-bad-dbl', check_in: '2026-02-30', check_out: '2026-03-05' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { venue_id: 'q-bad', kind: 'lodging', room_type_id: 'q-bad-dbl', check_in: '2026-01-01', check_out: '2027-01-02' },
        400,
        'QUOTE_INVALID',
      ],
      [
        {
          venue_id: 'q-bad',
          kind: 'lodging',
          room_type_id: 'unknown-rt',
          check_in: '2026-03-01',
          check_out: '2026-03-02',
          currency: 'GBP',
        },
        400,
        'QUOTE_INVALID',
      ],
      [
        {
          venue_id: 'q-bad',
          kind: 'lodging',
          room_type_id: 'unknown-rt',
          check_in: '2026-03-01',
          check_out: '2026-03-02',
          base_price: 100,
        },
        400,
        'PRICING_CURRENCY_REQUIRED',
      ],
      [
        { venue_id: 'other-venue', kind: 'lodging', room_type_id: 'q-bad-dbl', check_in: '2026-03-01', check_out: '2026-03-02' },
        400,
        'QUOTE_INVALID',
      ],
      [
        { venue_id: 'q-bad', kind: 'lodging', room_type_id: 'q-bad-dbl', check_in: '2026-03-01', check_out: '2026-03-02', currency: 'EUR' },
        422,
        'PRICING_CURRENCY_MISMATCH',
      ],
      [{ venue_id: 'q-bad', kind: 'dining', currency: 'GBP' }, 400, 'QUOTE_INVALID'],
      [{ venue_id: 'q-bad', kind: 'dining', party_size: 0, currency: 'GBP' }, 400, 'VALIDATION_FAILED'],
      [{ venue_id: 'q-bad', kind: 'dining', party_size: 2, currency: 'GBP', base_price: -1 }, 400, 'VALIDATION_FAILED'],
      [{ venue_id: 'q-bad', kind: 'dining', party_size: 2, currency: 'gbp' }, 400, 'VALIDATION_FAILED'],
      [{ venue_id: 'q-bad', kind: 'dining', party_size: 2, currency: 'GBP', time: '25:00' }, 400, 'VALIDATION_FAILED'],
      [{ venue_id: 'q-bad', kind: 'spa', party_size: 2 }, 400, 'VALIDATION_FAILED'],
      [{ venue_id: 'q-bad', kind: 'dining', party_size: 2, currency: 'GBP', guests: 2 }, 400, 'VALIDATION_FAILED'],
      [{ venue_id: 'q-bad', kind: 'dining', party_size: 2.5, currency: 'GBP' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const r = await quote(body);
      expect({ body, status: r.status, code: r.body.error?.code }).toEqual({ body, status, code });
      expect(typeof r.body.error.message).toBe('string');
    }
    expect(await pricingCounts(ctx)).toEqual(before);
  });

  it('a price override or a fixed tax in another currency is refused, not converted', async () => {
    await plan('q-fx', 'q-fx-dbl', 10_000, 'EUR');
    await create('/api/v1/pricing/taxes', {
      venue_id: 'q-fx',
      name: 'City tax',
      kind: 'fixed',
      amount: 250,
      currency: 'GBP',
      per: 'night',
      inclusive: false,
    });
    const r = await stay('q-fx', 'q-fx-dbl', '2026-03-02', '2026-03-03');
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'PRICING_CURRENCY_MISMATCH', details: { expected: 'GBP', got: 'EUR' } });
  });
});

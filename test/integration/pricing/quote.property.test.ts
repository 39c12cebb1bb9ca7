/**
 * Done-when 5, end to end: random rules are created through the API for a fresh venue, a random stay
 * or seating is quoted over HTTP with a random promo code, and the quote must (a) add up exactly —
 * total = Σ lines − Σ discounts + Σ exclusive taxes, nothing negative — and (b) equal the reference
 * model (test/unit/pricing/quote-model.ts) figure by figure. Then the code, with N uses left, is
 * redeemed by k bookings at once: exactly min(k, N) succeed and uses never passes max_uses.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/platform/dates.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import {
  modelQuote,
  type ModelLos,
  type ModelOverride,
  type ModelPromo,
  type ModelTax,
  type ModelWeekday,
} from '../../unit/pricing/quote-model.js';
import { client, type Json } from './pricing-http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ services: ['pricing'] });
});
afterAll(async () => ctx.close());

const { call, create, quote } = client(() => ctx);
const FIRST_DAY = '2026-05-01';
const day = (offset: number) => addDays(FIRST_DAY, offset);
let run = 0;

const scenario = fc.record({
  kind: fc.constantFrom('lodging' as const, 'dining' as const),
  withPlan: fc.boolean(),
  basePrice: fc.integer({ min: 0, max: 500_000 }),
  start: fc.integer({ min: 0, max: 40 }),
  nights: fc.integer({ min: 1, max: 21 }),
  partySize: fc.integer({ min: 1, max: 12 }),
  perCover: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
  overrides: fc.array(
    fc.record({
      scoped: fc.boolean(),
      start: fc.integer({ min: 0, max: 50 }),
      length: fc.integer({ min: 1, max: 15 }),
      price: fc.option(fc.integer({ min: 0, max: 900_000 }), { nil: null }),
      bps: fc.integer({ min: -10_000, max: 15_000 }),
    }),
    { maxLength: 4 },
  ),
  weekdays: fc.array(
    fc.record({
      scoped: fc.boolean(),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
      bps: fc.integer({ min: -5_000, max: 10_000 }).filter((b) => b !== 0),
    }),
    { maxLength: 3 },
  ),
  los: fc.array(fc.record({ scoped: fc.boolean(), minNights: fc.integer({ min: 1, max: 10 }), bps: fc.integer({ min: 1, max: 10_000 }) }), {
    maxLength: 3,
  }),
  taxes: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('percent' as const), rate: fc.integer({ min: 0, max: 5_000 }), inclusive: fc.boolean() }),
      fc.record({
        kind: fc.constant('fixed' as const),
        amount: fc.integer({ min: 0, max: 5_000 }),
        per: fc.constantFrom('night' as const, 'cover' as const, 'booking' as const),
      }),
    ),
    { maxLength: 4 },
  ),
  promo: fc.option(
    fc.record({
      fixed: fc.boolean(),
      bps: fc.integer({ min: 1, max: 10_000 }),
      amount: fc.integer({ min: 1, max: 2_000_000 }),
      maxUses: fc.integer({ min: 0, max: 5 }),
      used: fc.integer({ min: 0, max: 5 }),
      racers: fc.integer({ min: 1, max: 10 }),
    }),
    { nil: null },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Creates the scenario's rules through the API; returns what the model needs (refused rules left out). */
async function setUp(s: Scenario, venue: string) {
  const planId = s.withPlan
    ? ((
        await create('/api/v1/pricing/rate-plans', {
          venue_id: venue,
          room_type_id: `${venue}-rt`,
          name: 'Plan',
          base_price: s.basePrice,
          currency: 'GBP',
        })
      ).id as string)
    : null;
  const scope = (scoped: boolean) => (scoped && planId !== null ? { rate_plan_id: planId } : {});

  const overrides: ModelOverride[] = [];
  for (const o of s.overrides) {
    const body = {
      venue_id: venue,
      ...scope(o.scoped),
      name: o.price === null ? 'Season' : 'Event',
      from: day(o.start),
      to: day(o.start + o.length),
      ...(o.price === null ? { kind: 'percent', adjustment_bps: o.bps } : { kind: 'price', nightly_price: o.price, currency: 'GBP' }),
    };
    const r = await call('POST', '/api/v1/pricing/overrides', body);
    if (r.status === 409) continue; // overlaps another of its scope: refused, as it must be
    expect(r.status).toBe(201);
    overrides.push({
      name: body.name,
      ratePlanId: (r.body.rate_plan_id as string | null) ?? null,
      from: body.from,
      to: body.to,
      kind: r.body.kind as 'price' | 'percent',
      nightlyPrice: r.body.nightly_price as number | null,
      adjustmentBps: r.body.adjustment_bps as number | null,
    });
  }
  const weekdayRules: ModelWeekday[] = [];
  for (const w of s.weekdays) {
    await create('/api/v1/pricing/weekday-rules', {
      venue_id: venue,
      ...scope(w.scoped),
      name: 'Days',
      weekdays: w.days,
      adjustment_bps: w.bps,
    });
    weekdayRules.push({ name: 'Days', weekdays: w.days, adjustmentBps: w.bps });
  }
  const losDiscounts: ModelLos[] = [];
  for (const l of s.los) {
    const r = await call('POST', '/api/v1/pricing/los-discounts', {
      venue_id: venue,
      ...scope(l.scoped),
      name: 'Stay',
      min_nights: l.minNights,
      discount_bps: l.bps,
    });
    if (r.status === 409) continue; // the same minimum twice in one scope
    expect(r.status).toBe(201);
    losDiscounts.push({ name: 'Stay', minNights: l.minNights, discountBps: l.bps });
  }
  const taxes: ModelTax[] = [];
  for (const [i, t] of s.taxes.entries()) {
    const name = `Tax ${i}`;
    if (t.kind === 'percent') {
      await create('/api/v1/pricing/taxes', { venue_id: venue, name, kind: 'percent', rate_bps: t.rate, inclusive: t.inclusive });
      taxes.push({ name, kind: 'percent', rateBps: t.rate, amount: null, per: null, inclusive: t.inclusive });
    } else {
      await create('/api/v1/pricing/taxes', {
        venue_id: venue,
        name,
        kind: 'fixed',
        amount: t.amount,
        currency: 'GBP',
        per: t.per,
        inclusive: false,
      });
      taxes.push({ name, kind: 'fixed', rateBps: null, amount: t.amount, per: t.per, inclusive: false });
    }
  }
  if (s.perCover !== null)
    await call('PUT', `/api/v1/pricing/dining-prices/${venue}`, { mode: 'price', per_cover: s.perCover, currency: 'GBP' });

  let promo: (ModelPromo & { left: number }) | null = null;
  if (s.promo !== null) {
    const code = `PROP${run}`;
    const p = s.promo;
    await create('/api/v1/pricing/promo-codes', {
      code,
      ...(p.fixed ? { kind: 'fixed', amount: p.amount, currency: 'GBP' } : { kind: 'percent', discount_bps: p.bps }),
      max_uses: p.maxUses,
    });
    const used = Math.min(p.used, p.maxUses);
    for (let i = 0; i < used; i++)
      expect((await call('POST', `/api/v1/pricing/promo-codes/${code}/redeem`, { booking_id: `pre-${i}` })).status).toBe(200);
    promo = {
      code,
      kind: p.fixed ? 'fixed' : 'percent',
      discountBps: p.fixed ? null : p.bps,
      amount: p.fixed ? p.amount : null,
      left: p.maxUses - used,
    };
  }
  return { overrides, weekdayRules, losDiscounts, taxes, promo };
}

describe('quotes over HTTP against the reference model (property-based)', () => {
  it('add up exactly, never go negative, match the model, and a code with N uses left is used at most N times', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        run += 1;
        const venue = `prop-${run}`;
        const rules = await setUp(s, venue);
        const request: Json =
          s.kind === 'lodging'
            ? {
                venue_id: venue,
                kind: 'lodging',
                room_type_id: `${venue}-rt`,
                check_in: day(s.start),
                check_out: day(s.start + s.nights),
                base_price: s.basePrice,
                currency: 'GBP',
              }
            : { venue_id: venue, kind: 'dining', party_size: s.partySize, currency: 'GBP' };
        if (rules.promo !== null) request.promo_code = rules.promo.code.toLowerCase();
        const r = await quote(request);

        if (rules.promo !== null && rules.promo.left === 0) {
          expect(r.status).toBe(409);
          expect(r.body.error.code).toBe('PROMO_EXHAUSTED');
          delete request.promo_code;
        } else {
          expect(r.status).toBe(200);
        }
        const q = r.status === 200 ? r.body : (await quote(request)).body;
        const promo = r.status === 200 ? rules.promo : null;

        // (a) It adds up.
        const sum = (xs: Json[]) => xs.reduce((a, x) => a + (x.amount as number), 0);
        const lines = q.lines as Json[];
        const discounts = q.discounts as Json[];
        const taxes = q.taxes as Json[];
        expect(q.total).toBe(sum(lines) - sum(discounts) + sum(taxes.filter((t) => !t.inclusive)));
        expect(q.base).toBe(sum(lines));
        expect(q.discount).toBe(sum(discounts));
        for (const n of [q.base, q.discount, q.tax, q.tax_included, q.total, ...lines.map((l) => l.amount as number)])
          expect(Number.isSafeInteger(n) && n >= 0).toBe(true);

        // (b) It is the model's quote.
        const m = modelQuote(
          s.kind === 'lodging'
            ? { kind: 'lodging', checkIn: day(s.start), nights: s.nights, basePrice: s.basePrice, ...rules, promo }
            : { kind: 'dining', partySize: s.partySize, perCover: s.perCover ?? 0, taxes: rules.taxes, promo },
        );
        expect(lines.map((l) => l.amount as number)).toEqual(m.nights.map((n) => n.amount));
        expect(taxes.map((t) => [t.name as string, t.amount as number, t.inclusive as boolean])).toEqual(m.taxes);
        expect({ base: q.base, discount: q.discount, tax: q.tax, total: q.total }).toEqual({
          base: m.base,
          discount: m.discount,
          tax: m.tax,
          total: m.total,
        });
        expect(q.promo_code).toBe(promo?.code ?? null);

        // (c) N uses left, k bookings at once: exactly min(k, N) get one.
        if (rules.promo !== null && s.promo !== null) {
          const code = rules.promo.code;
          const results = await Promise.all(
            Array.from({ length: s.promo.racers }, (_, i) =>
              call('POST', `/api/v1/pricing/promo-codes/${code}/redeem`, { booking_id: `racer-${i}` }),
            ),
          );
          const won = results.filter((x) => x.status === 200).length;
          expect(won).toBe(Math.min(s.promo.racers, rules.promo.left));
          for (const x of results.filter((y) => y.status !== 200)) expect(x.body.error.code).toBe('PROMO_EXHAUSTED');
          const { rows } = await sql<{ uses: number; max_uses: number; redeemed: number }>`
            select uses, max_uses, (select count(*)::int from pricing.promo_redemption r where r.code = p.code and r.status = 'redeemed') as redeemed
            from pricing.promo_code p where code = ${code}`.execute(ctx.database.db);
          expect(rows[0]!.uses).toBe(rows[0]!.redeemed);
          expect(rows[0]!.uses).toBeLessThanOrEqual(rows[0]!.max_uses);
          expect(rows[0]!.uses).toBe(s.promo.maxUses - rules.promo.left + won);
        }
      }),
      { numRuns: 25 },
    );
  });
});

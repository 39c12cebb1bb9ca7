/**
 * Promo codes over HTTP: administration, how a quote refuses a code it cannot use, and redeem/release
 * — one use per booking however often it is asked, given back once, never more than max_uses.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { client, pricingCounts, type Json } from './pricing-http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ services: ['pricing'] });
});
afterAll(async () => ctx.close());

const { call, create, quote } = client(() => ctx);
const redeem = (code: string, bookingId: string, headers?: Record<string, string>) =>
  call('POST', `/api/v1/pricing/promo-codes/${code}/redeem`, { booking_id: bookingId }, headers);
const release = (code: string, bookingId: string, headers?: Record<string, string>) =>
  call('POST', `/api/v1/pricing/promo-codes/${code}/release`, { booking_id: bookingId }, headers);
const lodging = (venue: string, extra: Json = {}) =>
  quote({
    venue_id: venue,
    kind: 'lodging',
    check_in: '2026-03-02',
    check_out: '2026-03-04',
    base_price: 10_000,
    currency: 'GBP',
    ...extra,
  });

/** uses and the redemption rows behind it. */
async function ledger(code: string) {
  const { rows } = await sql<{ uses: number; redeemed: number; released: number }>`
    select p.uses,
      (select count(*)::int from pricing.promo_redemption r where r.code = p.code and r.status = 'redeemed') as redeemed,
      (select count(*)::int from pricing.promo_redemption r where r.code = p.code and r.status = 'released') as released
    from pricing.promo_code p where p.code = ${code}`.execute(ctx.database.db);
  return rows[0]!;
}

describe('administration', () => {
  it('creates a code upper-cased, reads it case-insensitively, lists, updates and deletes it', async () => {
    const made = await create('/api/v1/pricing/promo-codes', {
      code: 'spring-25',
      description: 'Spring sale',
      kind: 'percent',
      discount_bps: 2_500,
      valid_from: '2026-01-01T00:00:00Z',
      valid_until: '2026-04-01T00:00:00Z',
      max_uses: 100,
      venue_id: 'promo-hotel',
      min_nights: 2,
    });
    expect(made).toEqual({
      code: 'SPRING-25',
      description: 'Spring sale',
      kind: 'percent',
      discount_bps: 2_500,
      amount: null,
      currency: null,
      valid_from: '2026-01-01T00:00:00.000Z',
      valid_until: '2026-04-01T00:00:00.000Z',
      max_uses: 100,
      uses: 0,
      venue_id: 'promo-hotel',
      min_nights: 2,
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:00:00.000Z',
    });
    expect((await call('GET', '/api/v1/pricing/promo-codes/Spring-25')).body).toEqual(made);
    expect((await call('GET', '/api/v1/pricing/promo-codes?venue_id=promo-hotel')).body.items).toEqual([made]);
    const patched = await call('PATCH', '/api/v1/pricing/promo-codes/SPRING-25', {
      kind: 'fixed',
      amount: 1_000,
      currency: 'GBP',
      max_uses: null,
    });
    expect(patched.status).toBe(200);
    // Switching kind clears the old kind's fields.
    expect(patched.body).toMatchObject({ kind: 'fixed', discount_bps: null, amount: 1_000, currency: 'GBP', max_uses: null });
    expect((await call('DELETE', '/api/v1/pricing/promo-codes/spring-25')).status).toBe(204);
    expect((await call('GET', '/api/v1/pricing/promo-codes/SPRING-25')).body.error.code).toBe('PROMO_CODE_NOT_FOUND');
  });

  it('refuses a duplicate, an inconsistent code, and max_uses below the uses taken — changing nothing', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'ONCE', kind: 'percent', discount_bps: 1_000, max_uses: 3 });
    await redeem('ONCE', 'b-once-1');
    await redeem('ONCE', 'b-once-2');
    const before = await pricingCounts(ctx);
    const cases: [string, string, Json | undefined, number, string][] = [
      ['POST', '/api/v1/pricing/promo-codes', { code: 'once', kind: 'percent', discount_bps: 500 }, 409, 'PROMO_CODE_EXISTS'],
      ['POST', '/api/v1/pricing/promo-codes', { code: 'NOPCT', kind: 'percent' }, 400, 'PRICING_INVALID'],
      ['POST', '/api/v1/pricing/promo-codes', { code: 'NOCUR', kind: 'fixed', amount: 100 }, 400, 'PRICING_INVALID'],
      [
        'POST',
        '/api/v1/pricing/promo-codes',
        { code: 'MIXED', kind: 'fixed', amount: 100, currency: 'GBP', discount_bps: 5 },
        400,
        'PRICING_INVALID',
      ],
      ['POST', '/api/v1/pricing/promo-codes', { code: 'X', kind: 'percent', discount_bps: 5 }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/pricing/promo-codes', { code: 'BAD CODE', kind: 'percent', discount_bps: 5 }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/pricing/promo-codes', { code: 'TOOMUCH', kind: 'percent', discount_bps: 10_001 }, 400, 'VALIDATION_FAILED'],
      [
        'POST',
        '/api/v1/pricing/promo-codes',
        { code: 'BACKWARDS', kind: 'percent', discount_bps: 5, valid_from: '2026-02-01T00:00:00Z', valid_until: '2026-01-01T00:00:00Z' },
        400,
        'PRICING_INVALID',
      ],
      ['PATCH', '/api/v1/pricing/promo-codes/ONCE', { max_uses: 1 }, 409, 'PROMO_MAX_USES_BELOW_USES'],
      ['PATCH', '/api/v1/pricing/promo-codes/ONCE', { code: 'TWICE' }, 400, 'VALIDATION_FAILED'],
      ['PATCH', '/api/v1/pricing/promo-codes/ONCE', {}, 400, 'VALIDATION_FAILED'],
      ['PATCH', '/api/v1/pricing/promo-codes/NOSUCH', { max_uses: 1 }, 404, 'PROMO_CODE_NOT_FOUND'],
      ['DELETE', '/api/v1/pricing/promo-codes/ONCE', undefined, 409, 'PROMO_CODE_REDEEMED'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const r = await call(method as 'POST', url, body);
      expect({ url, body, status: r.status, code: r.body.error?.code }).toEqual({ url, body, status, code });
    }
    expect(await pricingCounts(ctx)).toEqual(before);
    expect((await call('PATCH', '/api/v1/pricing/promo-codes/ONCE', { max_uses: 2 })).body.max_uses).toBe(2);
  });
});

describe('a quote checks the code without using it', () => {
  it('unknown → 400 PROMO_INVALID', async () => {
    const r = await lodging('promo-q', { promo_code: 'NOPE' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'PROMO_INVALID', details: { code: 'NOPE' } });
  });

  it('outside its validity window → PROMO_NOT_APPLICABLE before, PROMO_EXPIRED from valid_until on', async () => {
    await create('/api/v1/pricing/promo-codes', {
      code: 'FEBONLY',
      kind: 'percent',
      discount_bps: 1_000,
      valid_from: '2026-02-01T00:00:00Z',
      valid_until: '2026-03-01T00:00:00Z',
    });
    expect((await lodging('promo-q', { promo_code: 'FEBONLY' })).body.error).toMatchObject({
      code: 'PROMO_NOT_APPLICABLE',
      details: { reason: 'not_yet_valid' },
    });
    ctx.clock.set('2026-02-01T00:00:00Z');
    expect((await lodging('promo-q', { promo_code: 'FEBONLY' })).body.discount).toBe(2_000);
    ctx.clock.set('2026-02-28T23:59:59.999Z');
    expect((await lodging('promo-q', { promo_code: 'FEBONLY' })).status).toBe(200);
    ctx.clock.set('2026-03-01T00:00:00Z');
    const expired = await lodging('promo-q', { promo_code: 'FEBONLY' });
    expect(expired.status).toBe(400);
    expect(expired.body.error).toMatchObject({ code: 'PROMO_EXPIRED', details: { valid_until: '2026-03-01T00:00:00.000Z' } });
  });

  it('another venue, too few nights, another currency → PROMO_NOT_APPLICABLE with the reason', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'HOTELONLY', kind: 'percent', discount_bps: 1_000, venue_id: 'promo-q' });
    await create('/api/v1/pricing/promo-codes', { code: 'LONGSTAY', kind: 'percent', discount_bps: 1_000, min_nights: 3 });
    await create('/api/v1/pricing/promo-codes', { code: 'TENEUROS', kind: 'fixed', amount: 1_000, currency: 'EUR' });
    expect((await lodging('promo-q', { promo_code: 'HOTELONLY' })).status).toBe(200);
    expect((await lodging('elsewhere', { promo_code: 'HOTELONLY' })).body.error).toMatchObject({
      code: 'PROMO_NOT_APPLICABLE',
      details: { reason: 'venue' },
    });
    expect((await lodging('promo-q', { promo_code: 'LONGSTAY' })).body.error).toMatchObject({
      code: 'PROMO_NOT_APPLICABLE',
      details: { reason: 'min_nights' },
    });
    expect((await lodging('promo-q', { promo_code: 'LONGSTAY', check_out: '2026-03-05' })).status).toBe(200);
    // Minimum nights constrain stays only: a dining quote may use the code.
    expect((await quote({ venue_id: 'promo-q', kind: 'dining', party_size: 2, currency: 'GBP', promo_code: 'LONGSTAY' })).status).toBe(200);
    expect((await lodging('promo-q', { promo_code: 'TENEUROS' })).body.error).toMatchObject({
      code: 'PROMO_NOT_APPLICABLE',
      details: { reason: 'currency' },
    });
  });

  it('no use left → 409 PROMO_EXHAUSTED', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'LASTONE', kind: 'percent', discount_bps: 1_000, max_uses: 1 });
    expect((await lodging('promo-q', { promo_code: 'LASTONE' })).status).toBe(200);
    expect((await lodging('promo-q', { promo_code: 'LASTONE' })).status).toBe(200);
    expect((await redeem('LASTONE', 'b-last')).status).toBe(200);
    const r = await lodging('promo-q', { promo_code: 'LASTONE' });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'PROMO_EXHAUSTED', details: { code: 'LASTONE', max_uses: 1 } });
  });
});

describe('redeem and release', () => {
  it('redeem takes one use per booking: a retry answers the same and counts nothing', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'TWOUSES', kind: 'percent', discount_bps: 1_000, max_uses: 2 });
    const first = await redeem('twouses', 'booking-1');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      code: 'TWOUSES',
      booking_id: 'booking-1',
      uses: 1,
      max_uses: 2,
      status: 'redeemed',
      redeemed_at: '2026-01-15T12:00:00.000Z',
      released_at: null,
    });
    expect((await redeem('TWOUSES', 'booking-1')).body).toEqual(first.body);
    expect((await redeem('TWOUSES', 'booking-2')).body).toMatchObject({ uses: 2, status: 'redeemed' });
    expect((await redeem('TWOUSES', 'booking-1')).body).toMatchObject({ uses: 2, booking_id: 'booking-1' });
    const before = await pricingCounts(ctx);
    const third = await redeem('TWOUSES', 'booking-3');
    expect(third.status).toBe(409);
    expect(third.body.error).toMatchObject({ code: 'PROMO_EXHAUSTED', details: { code: 'TWOUSES', max_uses: 2 } });
    expect(await pricingCounts(ctx)).toEqual(before);
    expect(await ledger('TWOUSES')).toEqual({ uses: 2, redeemed: 2, released: 0 });
  });

  it('release gives the use back once; a redeem for that booking afterwards is refused', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'GIVEBACK', kind: 'percent', discount_bps: 1_000, max_uses: 1 });
    await redeem('GIVEBACK', 'booking-a');
    ctx.clock.advance(60_000);
    const released = await release('GIVEBACK', 'booking-a');
    expect(released.status).toBe(200);
    expect(released.body).toEqual({
      code: 'GIVEBACK',
      booking_id: 'booking-a',
      uses: 0,
      max_uses: 1,
      status: 'released',
      redeemed_at: '2026-01-15T12:00:00.000Z',
      released_at: '2026-01-15T12:01:00.000Z',
    });
    expect((await release('GIVEBACK', 'booking-a')).body).toEqual(released.body);
    expect(await ledger('GIVEBACK')).toEqual({ uses: 0, redeemed: 0, released: 1 });
    const again = await redeem('GIVEBACK', 'booking-a');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PROMO_REDEMPTION_RELEASED');
    // The use that came back is there for another booking.
    expect((await redeem('GIVEBACK', 'booking-b')).body).toMatchObject({ uses: 1, status: 'redeemed' });
  });

  it('a release that comes before the redeem is recorded, so a late redeem cannot take a use', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'EARLYREL', kind: 'percent', discount_bps: 1_000, max_uses: 5 });
    const r = await release('EARLYREL', 'booking-x');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ uses: 0, status: 'released', redeemed_at: null });
    expect((await redeem('EARLYREL', 'booking-x')).body.error.code).toBe('PROMO_REDEMPTION_RELEASED');
    expect(await ledger('EARLYREL')).toEqual({ uses: 0, redeemed: 0, released: 1 });
  });

  it('an expired code cannot be redeemed anew, but an existing redemption is answered as it stands', async () => {
    await create('/api/v1/pricing/promo-codes', {
      code: 'SHORTLIVED',
      kind: 'percent',
      discount_bps: 1_000,
      valid_until: '2026-01-16T00:00:00Z',
    });
    expect((await redeem('SHORTLIVED', 'booking-early')).status).toBe(200);
    ctx.clock.set('2026-01-16T00:00:00Z');
    const late = await redeem('SHORTLIVED', 'booking-late');
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('PROMO_EXPIRED');
    expect((await redeem('SHORTLIVED', 'booking-early')).body).toMatchObject({ status: 'redeemed', uses: 1 });
    expect((await release('SHORTLIVED', 'booking-early')).body).toMatchObject({ status: 'released', uses: 0 });
  });

  it('with an Idempotency-Key: the same request replays, another request under the key is 422', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'KEYED', kind: 'percent', discount_bps: 1_000, max_uses: 9 });
    const headers = { 'idempotency-key': 'redeem:KEYED:b-1' };
    const first = await redeem('KEYED', 'b-1', headers);
    const second = await redeem('KEYED', 'b-1', headers);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const reused = await redeem('KEYED', 'b-2', headers);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ledger('KEYED')).toEqual({ uses: 1, redeemed: 1, released: 0 });
  });

  it('bad requests: unknown code 404, bad body 400, nothing changes', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'STEADY', kind: 'percent', discount_bps: 1_000, max_uses: 9 });
    const before = await pricingCounts(ctx);
    expect((await redeem('NOSUCHCODE', 'b')).body.error.code).toBe('PROMO_CODE_NOT_FOUND');
    expect((await release('NOSUCHCODE', 'b')).body.error.code).toBe('PROMO_CODE_NOT_FOUND');
    for (const body of [{}, { booking_id: '' }, { booking_id: 'b', extra: 1 }, { booking_id: 'x'.repeat(101) }]) {
      const r = await call('POST', '/api/v1/pricing/promo-codes/STEADY/redeem', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await call('POST', '/api/v1/pricing/promo-codes/no%20code/redeem', { booking_id: 'b' })).status).toBe(400);
    expect(await pricingCounts(ctx)).toEqual(before);
  });
});

/**
 * Promo codes under concurrency (Done-when 5): a code with N uses left, redeemed by 5N bookings at
 * once, is used exactly N times; one booking redeemed 20 times at once counts once; releases racing
 * give a use back once. On PostgreSQL these requests really run in parallel (pool of 10); on PGlite
 * they queue. Every answer is checked against the rows afterwards.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { atOnce } from '../../helpers/race.js';
import { client } from '../../integration/pricing/pricing-http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ services: ['pricing'] });
});
afterAll(async () => ctx.close());

const { call, create } = client(() => ctx);
const redeem = (code: string, bookingId: string, headers?: Record<string, string>) =>
  call('POST', `/api/v1/pricing/promo-codes/${code}/redeem`, { booking_id: bookingId }, headers);
const release = (code: string, bookingId: string) => call('POST', `/api/v1/pricing/promo-codes/${code}/release`, { booking_id: bookingId });

async function ledger(code: string) {
  const { rows } = await sql<{ uses: number; max_uses: number | null; redeemed: number; released: number }>`
    select p.uses, p.max_uses,
      (select count(*)::int from pricing.promo_redemption r where r.code = p.code and r.status = 'redeemed') as redeemed,
      (select count(*)::int from pricing.promo_redemption r where r.code = p.code and r.status = 'released') as released
    from pricing.promo_code p where p.code = ${code}`.execute(ctx.database.db);
  return rows[0]!;
}

describe('a promo code with N uses left', () => {
  it.each([1, 3, 8])('5N simultaneous redeems with distinct bookings: exactly N succeed (N = %i)', async (n) => {
    const code = `RACE${n}`;
    await create('/api/v1/pricing/promo-codes', { code, kind: 'percent', discount_bps: 1_000, max_uses: n });
    const results = await atOnce(5 * n, (i) => redeem(code, `race-${n}-${i}`));
    const won = results.filter((r) => r.status === 200);
    const lost = results.filter((r) => r.status !== 200);
    expect(won).toHaveLength(n);
    for (const r of lost) expect({ status: r.status, code: r.body.error?.code }).toEqual({ status: 409, code: 'PROMO_EXHAUSTED' });
    // Each winner saw a different count: 1, 2, …, N.
    expect(won.map((r) => r.body.uses as number).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(await ledger(code)).toEqual({ uses: n, max_uses: n, redeemed: n, released: 0 });
    const winners = new Set(won.map((r) => r.body.booking_id as string));
    const { rows } = await sql<{ booking_id: string }>`select booking_id from pricing.promo_redemption where code = ${code}`.execute(
      ctx.database.db,
    );
    expect(new Set(rows.map((r) => r.booking_id))).toEqual(winners);
  });

  it('N left after earlier uses: 30 racing bookings take exactly the N that are left', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'PARTLY', kind: 'fixed', amount: 500, currency: 'GBP', max_uses: 10 });
    for (let i = 0; i < 4; i++) expect((await redeem('PARTLY', `early-${i}`)).status).toBe(200);
    const results = await atOnce(30, (i) => redeem('PARTLY', `late-${i}`));
    expect(results.filter((r) => r.status === 200)).toHaveLength(6);
    expect(await ledger('PARTLY')).toEqual({ uses: 10, max_uses: 10, redeemed: 10, released: 0 });
  });

  it('the same booking redeemed 20 times at once counts once, and every answer is the same', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'SAMEBOOKING', kind: 'percent', discount_bps: 1_000, max_uses: 5 });
    const results = await atOnce(20, () => redeem('SAMEBOOKING', 'the-booking'));
    for (const r of results) expect(r).toMatchObject({ status: 200, body: results[0]!.body });
    expect(results[0]!.body).toMatchObject({ uses: 1, status: 'redeemed', booking_id: 'the-booking' });
    expect(await ledger('SAMEBOOKING')).toEqual({ uses: 1, max_uses: 5, redeemed: 1, released: 0 });
  });

  it('the same booking redeemed 20 times at once under one Idempotency-Key counts once', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'SAMEKEY', kind: 'percent', discount_bps: 1_000, max_uses: 5 });
    const headers = { 'idempotency-key': 'redeem:SAMEKEY:b-1' };
    const results = await atOnce(20, () => redeem('SAMEKEY', 'b-1', headers));
    for (const r of results) expect(r).toMatchObject({ status: 200, body: results[0]!.body });
    expect(results[0]!.body).toMatchObject({ uses: 1, status: 'redeemed' });
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await ledger('SAMEKEY')).toEqual({ uses: 1, max_uses: 5, redeemed: 1, released: 0 });
  });

  it('20 releases of one booking at once give the use back once', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'RELEASEONCE', kind: 'percent', discount_bps: 1_000, max_uses: 3 });
    await redeem('RELEASEONCE', 'r-1');
    await redeem('RELEASEONCE', 'r-2');
    const results = await atOnce(20, () => release('RELEASEONCE', 'r-1'));
    for (const r of results) expect(r.body).toMatchObject({ status: 'released', uses: 1 });
    expect(await ledger('RELEASEONCE')).toEqual({ uses: 1, max_uses: 3, redeemed: 1, released: 1 });
  });

  it('redeems and releases racing: uses always equals the active redemptions and never passes max_uses', async () => {
    await create('/api/v1/pricing/promo-codes', { code: 'CHURN', kind: 'percent', discount_bps: 1_000, max_uses: 6 });
    for (let i = 0; i < 6; i++) await redeem('CHURN', `first-${i}`);
    const results = await Promise.all([
      ...Array.from({ length: 3 }, (_, i) => release('CHURN', `first-${i}`)),
      ...Array.from({ length: 3 }, (_, i) => redeem('CHURN', `first-${i}`)),
      ...Array.from({ length: 12 }, (_, i) => redeem('CHURN', `second-${i}`)),
    ]);
    expect(results.slice(0, 3).every((r) => r.status === 200)).toBe(true);
    const newWinners = results.slice(6).filter((r) => r.status === 200).length;
    // Three uses came back; the new bookings took at most those three (only as many as were back when they asked).
    expect(newWinners).toBeLessThanOrEqual(3);
    const l = await ledger('CHURN');
    expect(l.uses).toBe(l.redeemed);
    expect(l.uses).toBe(3 + newWinners);
    expect(l.released).toBe(3);
    expect(l.uses).toBeLessThanOrEqual(6);
  });
});

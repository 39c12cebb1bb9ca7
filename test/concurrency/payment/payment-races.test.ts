/**
 * Many requests at once on one intent: money moves exactly once, refunds never exceed the capture,
 * and the ledger balances afterwards. On PostgreSQL these really run in parallel (pool of 10); on
 * PGlite they queue.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../../src/services/payment/ledger.repository.js';
import type { TestContext } from '../../helpers/context.js';
import { atOnce, countStatus } from '../../helpers/race.js';
import { card, CARDS, paymentContext, type PaymentsApi } from '../../integration/payment/payment-fixtures.js';

let ctx: TestContext;
let api: PaymentsApi;
beforeAll(async () => ({ ctx, api } = await paymentContext()));
afterAll(async () => ctx.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(ctx.database.db)).toEqual([]);
});

async function books(id: string) {
  const { rows } = await sql<{
    status: string;
    received: number;
    refunded: number;
    capturable: number;
    refunds: number;
    refunds_total: number;
  }>`
    select i.status, i.amount_received as received, i.amount_refunded as refunded, i.amount_capturable as capturable,
      (select count(*)::int from payment.refund r where r.intent_id = i.id) as refunds,
      (select coalesce(sum(r.amount), 0)::int from payment.refund r where r.intent_id = i.id) as refunds_total
    from payment.payment_intent i where i.id = ${id}`.execute(ctx.database.db);
  const ledger = await sql<{ kind: string; n: number; total: number }>`
    select kind, count(*)::int as n, sum(amount)::int as total from payment.ledger_entry where intent_id = ${id} group by kind order by kind`.execute(
    ctx.database.db,
  );
  return { ...rows[0]!, ledger: Object.fromEntries(ledger.rows.map((r) => [r.kind, { n: r.n, total: r.total }])) };
}

describe('racing refunds', () => {
  it('20 simultaneous full refunds (distinct keys): exactly one succeeds, the rest 400/409, refunded = captured', async () => {
    const id = await api.ready(10_000, { capture: true });
    const results = await atOnce(20, (i) => api.refund(id, {}, `full-${i}`));
    expect(countStatus(results, 201)).toBe(1);
    expect(countStatus(results, 400) + countStatus(results, 409)).toBe(19);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(['REFUND_EXCEEDS_CAPTURED', 'PAYMENT_INTENT_CONFLICT']).toContain(r.body.error.code);
    }
    expect(results.find((r) => r.status === 201)!.body.amount).toBe(10_000);
    expect(await books(id)).toEqual({
      status: 'succeeded',
      received: 10_000,
      refunded: 10_000,
      capturable: 0,
      refunds: 1,
      refunds_total: 10_000,
      ledger: { authorization: { n: 1, total: 10_000 }, capture: { n: 1, total: 10_000 }, refund: { n: 1, total: 10_000 } },
    });
  });

  it('20 simultaneous partial refunds of 30.00 on 500.00: 16 fit, 4 are refused, never more than captured', async () => {
    const id = await api.ready(50_000, { capture: true });
    const results = await atOnce(20, (i) => api.refund(id, { amount: 3_000 }, `part-${i}`));
    expect(countStatus(results, 201)).toBe(16);
    expect(countStatus(results, 400)).toBe(4);
    const b = await books(id);
    expect(b).toMatchObject({ received: 50_000, refunded: 48_000, refunds: 16, refunds_total: 48_000 });
    expect(b.ledger.refund).toEqual({ n: 16, total: 48_000 });
  });

  it('the same refund sent 20 times under one key refunds once and answers the same to all', async () => {
    const id = await api.ready(10_000, { capture: true });
    const results = await atOnce(20, () => api.refund(id, { amount: 2_500 }, 'same-refund'));
    expect(countStatus(results, 201)).toBe(20);
    expect(new Set(results.map((r) => r.body.id as string)).size).toBe(1);
    expect(await books(id)).toMatchObject({ refunded: 2_500, refunds: 1 });
  });
});

describe('racing captures and cancels', () => {
  it('20 simultaneous captures (distinct keys): one effect, the rest 409', async () => {
    const id = await api.ready(10_000);
    const results = await atOnce(20, (i) => api.capture(id, { amount: 6_000 + i }, `cap-${i}`));
    expect(countStatus(results, 200)).toBe(1);
    expect(countStatus(results, 409)).toBe(19);
    const won = results.find((r) => r.status === 200)!.body;
    const b = await books(id);
    expect(b).toMatchObject({ status: 'succeeded', received: won.amount_received as number, capturable: 0 });
    expect(b.ledger.capture).toEqual({ n: 1, total: won.amount_received as number });
    expect(b.ledger.authorization_release).toEqual({ n: 1, total: 10_000 - (won.amount_received as number) });
  });

  it('20 simultaneous captures under one key: one effect, the same answer to all', async () => {
    const id = await api.ready(10_000);
    const results = await atOnce(20, () => api.capture(id, {}, 'same-capture'));
    expect(countStatus(results, 200)).toBe(20);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect((await books(id)).ledger.capture).toEqual({ n: 1, total: 10_000 });
  });

  it('10 captures against 10 cancels: exactly one of them wins, and the ledger says which', async () => {
    const id = await api.ready(10_000);
    const results = await atOnce(20, (i) => (i % 2 === 0 ? api.capture(id, {}, `c-${i}`) : api.cancel(id, {}, `x-${i}`)));
    const b = await books(id);
    const captures = results.filter((_, i) => i % 2 === 0);
    const cancels = results.filter((_, i) => i % 2 === 1);
    if (b.status === 'succeeded') {
      expect(countStatus(captures, 200)).toBe(1);
      expect(countStatus(cancels, 409)).toBe(10);
      expect(b.ledger).toEqual({ authorization: { n: 1, total: 10_000 }, capture: { n: 1, total: 10_000 } });
    } else {
      expect(b.status).toBe('canceled');
      expect(countStatus(captures, 409)).toBe(10);
      // Every cancel succeeds: the first cancels, the others find it canceled and answer it as it is.
      expect(countStatus(cancels, 200)).toBe(10);
      expect(b.ledger).toEqual({ authorization: { n: 1, total: 10_000 }, authorization_release: { n: 1, total: 10_000 } });
    }
  });

  it('20 simultaneous authorizations of one intent (distinct keys, approving and declining cards): at most one authorization', async () => {
    const id = (await api.create({ amount: 7_000, currency: 'GBP' })).body.id as string;
    const cards = [CARDS.visa, CARDS.declined, CARDS.mastercard, CARDS.insufficientFunds];
    const results = await atOnce(20, (i) => api.authorize(id, card(cards[i % cards.length]), `auth-${i}`));
    expect(results.every((r) => [200, 402, 409].includes(r.status))).toBe(true);
    const b = await books(id);
    // Declines commit too (each records its attempt), so an approving request can, in theory, lose every
    // re-read to them and answer 409 PAYMENT_INTENT_CONFLICT; what can never happen is two authorizations.
    if (countStatus(results, 200) === 1) {
      expect(b).toMatchObject({ status: 'requires_capture', capturable: 7_000 });
      expect(b.ledger).toEqual({ authorization: { n: 1, total: 7_000 } });
    } else {
      expect(countStatus(results, 200)).toBe(0);
      expect(b).toMatchObject({ status: 'requires_payment_method', capturable: 0, ledger: {} });
    }
  });
});

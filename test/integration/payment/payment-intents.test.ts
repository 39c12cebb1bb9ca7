/**
 * Payment intents over HTTP on the real database: the lifecycles (authorize → capture → refunds,
 * authorize → cancel), every test card of the local provider, the refund rules (Done-when 4), and
 * refusals that change nothing. After every test, the ledger of every intent balances.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../../src/services/payment/ledger.repository.js';
import type { TestContext } from '../../helpers/context.js';
import { card, CARDS, paymentContext, type PaymentsApi, snapshot } from './payment-fixtures.js';

let ctx: TestContext;
let api: PaymentsApi;
beforeAll(async () => ({ ctx, api } = await paymentContext()));
afterAll(async () => ctx.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(ctx.database.db)).toEqual([]);
});

const ledgerKinds = async (id: string) =>
  ((await api.ledger(id)).body.entries as { kind: string; amount: number }[]).map((e) => [e.kind, e.amount]);

describe('creating an intent', () => {
  it('answers 201 with requires_payment_method, amounts in minor units, and the provider named as a test one', async () => {
    const res = await api.create({
      amount: 12_345,
      currency: 'GBP',
      booking_id: 'bk-1',
      description: 'Two nights',
      metadata: { room: '101' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^pi_[A-Za-z0-9]{24}$/),
      status: 'requires_payment_method',
      amount: 12_345,
      currency: 'GBP',
      amount_capturable: 0,
      amount_received: 0,
      amount_refunded: 0,
      booking_id: 'bk-1',
      venue_id: null,
      description: 'Two nights',
      metadata: { room: '101' },
      payment_method: null,
      provider: 'local-test-provider',
      provider_reference: null,
      last_payment_error: null,
      cancellation_reason: null,
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:00:00.000Z',
      authorized_at: null,
      captured_at: null,
      canceled_at: null,
      version: 1,
    });
    expect((await api.get(res.body.id as string)).body).toEqual(res.body);
  });

  it('refuses a bad amount, a currency that is not ISO 4217, and unknown fields (400), creating nothing', async () => {
    const before = (await api.list()).body.intents.length;
    for (const body of [
      { amount: 0, currency: 'GBP' },
      { amount: -5, currency: 'GBP' },
      { amount: 10.5, currency: 'GBP' },
      { amount: '100', currency: 'gbp' },
      { currency: 'GBP' },
      { amount: 100 },
      { amount: 100, currency: 'GBP', surprise: 1 },
    ]) {
      const res = await api.create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const unknown = await api.create({ amount: 100, currency: 'XYZ' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'CURRENCY_NOT_SUPPORTED', details: { currency: 'XYZ' } });
    expect((await api.list()).body.intents.length).toBe(before);
  });

  it('lists the intents of a booking, oldest first', async () => {
    const a = await api.create({ amount: 100, currency: 'GBP', booking_id: 'bk-list' });
    const b = await api.create({ amount: 200, currency: 'EUR', booking_id: 'bk-list' });
    await api.create({ amount: 300, currency: 'GBP', booking_id: 'bk-other' });
    const res = await api.list('?booking_id=bk-list');
    expect(res.status).toBe(200);
    expect((res.body.intents as { id: string }[]).map((i) => i.id)).toEqual([a.body.id, b.body.id]);
    expect((await api.list('?booking_id=nobody')).body).toEqual({ intents: [] });
  });

  it('answers 404 for an unknown intent and 400 for a malformed id', async () => {
    const missing = 'pi_' + 'x'.repeat(24);
    for (const res of [
      await api.get(missing),
      await api.authorize(missing),
      await api.capture(missing),
      await api.refunds(missing),
      await api.ledger(missing),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('PAYMENT_INTENT_NOT_FOUND');
    }
    expect((await api.get('nope')).status).toBe(400);
  });
});

describe('authorize → capture → partial refunds', () => {
  it('moves the money and writes a ledger that adds up at every step', async () => {
    const id = (await api.create({ amount: 10_000, currency: 'GBP' })).body.id as string;

    const auth = await api.authorize(id, card(CARDS.visa));
    expect(auth.status).toBe(200);
    expect(auth.body).toMatchObject({
      status: 'requires_capture',
      amount_capturable: 10_000,
      amount_received: 0,
      payment_method: { type: 'card', brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 },
      provider: 'local-test-provider',
      provider_reference: expect.stringMatching(/^localauth_/),
      authorized_at: '2026-01-15T12:00:00.000Z',
    });

    ctx.clock.advanceMinutes(5);
    const cap = await api.capture(id);
    expect(cap.status).toBe(200);
    expect(cap.body).toMatchObject({
      status: 'succeeded',
      amount_capturable: 0,
      amount_received: 10_000,
      captured_at: '2026-01-15T12:05:00.000Z',
    });

    const r1 = await api.refund(id, { amount: 2_500, reason: 'late checkout fee waived' });
    expect(r1.status).toBe(201);
    expect(r1.body).toEqual({
      id: expect.stringMatching(/^re_[A-Za-z0-9]{24}$/),
      intent_id: id,
      amount: 2_500,
      currency: 'GBP',
      reason: 'late checkout fee waived',
      created_at: '2026-01-15T12:05:00.000Z',
    });
    const r2 = await api.refund(id, { amount: 1_500 });
    expect(r2.status).toBe(201);
    expect((await api.get(id)).body).toMatchObject({ status: 'succeeded', amount_received: 10_000, amount_refunded: 4_000 });

    // Default: everything still refundable.
    const rest = await api.refund(id, {});
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toBe(6_000);
    expect(((await api.refunds(id)).body.refunds as { amount: number }[]).map((r) => r.amount)).toEqual([2_500, 1_500, 6_000]);

    const ledger = await api.ledger(id);
    expect(ledger.status).toBe(200);
    expect(ledger.body.totals).toEqual({ authorized: 10_000, released: 0, captured: 10_000, refunded: 10_000, capturable: 0, net: 0 });
    expect(ledger.body.balanced).toBe(true);
    expect(await ledgerKinds(id)).toEqual([
      ['authorization', 10_000],
      ['capture', 10_000],
      ['refund', 2_500],
      ['refund', 1_500],
      ['refund', 6_000],
    ]);
    expect(
      (ledger.body.entries as { kind: string; refund_id: string }[]).filter((e) => e.kind === 'refund').map((e) => e.refund_id),
    ).toEqual(((await api.refunds(id)).body.refunds as { id: string }[]).map((r) => r.id));

    // Fully refunded: a further refund has nothing to take.
    const none = await api.refund(id, {});
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_CAPTURED', details: { refundable: 0 } });
  });

  it('a partial capture captures that amount and releases the rest of the authorization', async () => {
    const id = await api.ready(10_000);
    const cap = await api.capture(id, { amount: 7_250 });
    expect(cap.status).toBe(200);
    expect(cap.body).toMatchObject({ status: 'succeeded', amount: 10_000, amount_capturable: 0, amount_received: 7_250 });
    expect(await ledgerKinds(id)).toEqual([
      ['authorization', 10_000],
      ['capture', 7_250],
      ['authorization_release', 2_750],
    ]);
    // Refunds are bounded by what was captured, not by the intent's amount.
    const over = await api.refund(id, { amount: 7_251 });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({
      code: 'REFUND_EXCEEDS_CAPTURED',
      details: { requested: 7_251, captured: 7_250, refunded: 0, refundable: 7_250 },
    });
    expect((await api.refund(id, { amount: 7_250 })).status).toBe(201);
  });

  it('refuses a capture above the authorization (400 CAPTURE_EXCEEDS_AUTHORIZED) and changes nothing', async () => {
    const id = await api.ready(5_000);
    const before = await snapshot(ctx.database.db, id);
    const res = await api.capture(id, { amount: 5_001 });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'CAPTURE_EXCEEDS_AUTHORIZED',
      message: 'Cannot capture GBP 50.01: only GBP 50.00 is authorized.',
      details: { intent_id: id, requested: 5_001, capturable: 5_000 },
    });
    expect(await snapshot(ctx.database.db, id)).toEqual(before);
    expect((await api.capture(id, { amount: 0 })).status).toBe(400);
  });

  it('refuses what the state does not allow with 409 PAYMENT_INTENT_INVALID_STATE', async () => {
    const fresh = (await api.create()).body.id as string;
    const cap = await api.capture(fresh);
    expect(cap.status).toBe(409);
    expect(cap.body.error).toMatchObject({
      code: 'PAYMENT_INTENT_INVALID_STATE',
      details: { status: 'requires_payment_method', operation: 'capture' },
    });
    const refund = await api.refund(fresh, { amount: 1 });
    expect(refund.status).toBe(409);
    expect(refund.body.error.message).toMatch(/Nothing was captured/);

    const authorized = await api.ready(1_000);
    expect((await api.authorize(authorized)).status).toBe(409);
    expect((await api.refund(authorized)).status).toBe(409);

    const captured = await api.ready(1_000, { capture: true });
    expect((await api.capture(captured)).status).toBe(409);
    expect((await api.authorize(captured)).status).toBe(409);
    const cancel = await api.cancel(captured);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.message).toMatch(/refund it instead/);
  });
});

describe('requests without a body', () => {
  it('capture, refunds and cancel take a missing body as {} (every field is optional)', async () => {
    const post = (url: string) => ctx.app.inject({ method: 'POST', url: `/api/v1/payments/intents/${url}` });
    const captured = await api.ready(3_000);
    expect((await post(`${captured}/capture`)).statusCode).toBe(200);
    const refund = await post(`${captured}/refunds`);
    expect(refund.statusCode).toBe(201);
    expect(refund.json()).toMatchObject({ amount: 3_000, reason: null });
    const canceled = await api.ready(3_000);
    expect((await post(`${canceled}/cancel`)).json()).toMatchObject({ status: 'canceled' });
    // Where fields are required, a missing body is a validation failure.
    expect((await post(`${canceled}/authorize`)).statusCode).toBe(400);
    expect((await post('')).statusCode).toBe(400);
  });
});

describe('authorize → cancel', () => {
  it('voids the authorization: canceled, nothing capturable, the ledger releases it', async () => {
    const id = await api.ready(8_000);
    const res = await api.cancel(id, { reason: 'guest changed their mind' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'canceled',
      amount_capturable: 0,
      amount_received: 0,
      cancellation_reason: 'guest changed their mind',
      canceled_at: ctx.clock.now().toISOString(),
    });
    expect(await ledgerKinds(id)).toEqual([
      ['authorization', 8_000],
      ['authorization_release', 8_000],
    ]);
    // Canceling again answers the intent as it is; nothing else is possible.
    const again = await api.cancel(id, { reason: 'retry' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    expect((await api.capture(id)).status).toBe(409);
    expect((await api.authorize(id)).status).toBe(409);
    expect((await api.refund(id)).status).toBe(409);
    expect(await ledgerKinds(id)).toHaveLength(2);
  });

  it('cancels an intent that was never authorized without touching the ledger', async () => {
    const id = (await api.create()).body.id as string;
    const res = await api.cancel(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'canceled', cancellation_reason: null });
    expect(await ledgerKinds(id)).toEqual([]);
  });
});

describe('the local test provider’s cards', () => {
  const declines = [
    ['declined', CARDS.declined, 'card_declined', 'Your card was declined.'],
    ['insufficient funds', CARDS.insufficientFunds, 'insufficient_funds', 'Your card has insufficient funds.'],
    ['expired card', CARDS.expired, 'expired_card', 'Your card has expired.'],
    ['incorrect CVC', CARDS.incorrectCvc, 'incorrect_cvc', "Your card's security code is incorrect."],
    ['a Luhn-invalid number', CARDS.invalid, 'invalid_number', 'Your card number is incorrect.'],
  ] as const;

  for (const [what, number, code, message] of declines) {
    it(`${what}: 402 PAYMENT_DECLINED (${code}); the intent keeps the decline and another card can be tried`, async () => {
      const id = (await api.create({ amount: 4_200, currency: 'GBP' })).body.id as string;
      const res = await api.authorize(id, card(number));
      expect(res.status).toBe(402);
      expect(res.body).toEqual({ error: { code: 'PAYMENT_DECLINED', message, details: { decline_code: code, message } } });
      const intent = (await api.get(id)).body;
      expect(intent).toMatchObject({
        status: 'requires_payment_method',
        amount_capturable: 0,
        last_payment_error: { decline_code: code, message },
        payment_method: { last4: number.replace(/ /g, '').slice(-4) },
      });
      expect(await ledgerKinds(id)).toEqual([]);

      const retry = await api.authorize(id, card(CARDS.visa));
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ status: 'requires_capture', last_payment_error: null, payment_method: { last4: '4242' } });
    });
  }

  it('4242 4242 4242 4242 is approved, with or without spaces', async () => {
    for (const number of [CARDS.visa, '4242424242424242', '4242-4242-4242-4242']) {
      const id = (await api.create()).body.id as string;
      expect((await api.authorize(id, card(number))).status).toBe(200);
    }
  });

  it('any other Luhn-valid number is approved, with its brand', async () => {
    const id = (await api.create()).body.id as string;
    const res = await api.authorize(id, card(CARDS.mastercard));
    expect(res.status).toBe(200);
    expect(res.body.payment_method).toEqual({ type: 'card', brand: 'mastercard', last4: '4444', exp_month: 12, exp_year: 2030 });
  });

  it('a card past its expiry month is declined as expired_card (by the injected clock)', async () => {
    const id = (await api.create()).body.id as string;
    const res = await api.authorize(id, card(CARDS.visa, { exp_month: 12, exp_year: 2025 }));
    expect(res.status).toBe(402);
    expect(res.body.error.details).toEqual({ decline_code: 'expired_card', message: 'Your card has expired.' });
    // Valid through the last day of the expiry month.
    expect((await api.authorize(id, card(CARDS.visa, { exp_month: 1, exp_year: 2026 }))).status).toBe(200);
  });

  it('refuses malformed card data at the edge (400), before any provider call', async () => {
    const id = (await api.create()).body.id as string;
    for (const body of [
      card('4242'),
      card('4242 4242 4242 424x'),
      card(CARDS.visa, { cvc: '12' }),
      card(CARDS.visa, { exp_month: 13 }),
      card(CARDS.visa, { exp_year: 30 }),
      { payment_method: { card_number: CARDS.visa, exp_month: 1, exp_year: 2030 } },
      { payment_method: { ...card().payment_method, name: 'x' } },
      {},
    ]) {
      const res = await api.authorize(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api.get(id)).body).toMatchObject({ status: 'requires_payment_method', version: 1, payment_method: null });
  });
});

describe('refund rules (Done-when 4)', () => {
  it('two partial refunds, then one that would exceed the capture: 400 and nothing changes', async () => {
    const id = await api.ready(10_000, { capture: true });
    expect((await api.refund(id, { amount: 3_000 }, 'refund-1')).status).toBe(201);
    expect((await api.refund(id, { amount: 4_000 }, 'refund-2')).status).toBe(201);

    const db = ctx.database.db;
    const before = {
      row: await snapshot(db, id),
      intent: (await api.get(id)).body,
      refunds: (await api.refunds(id)).body,
      ledger: (await api.ledger(id)).body,
    };
    ctx.clock.advanceMinutes(1);

    const over = await api.refund(id, { amount: 3_001, reason: 'too much' }, 'refund-3');
    expect(over.status).toBe(400);
    expect(over.body).toEqual({
      error: {
        code: 'REFUND_EXCEEDS_CAPTURED',
        message: 'Cannot refund GBP 30.01: GBP 100.00 was captured and GBP 70.00 already refunded, so at most GBP 30.00 can be.',
        details: { intent_id: id, requested: 3_001, captured: 10_000, refunded: 7_000, refundable: 3_000 },
      },
    });

    const after = {
      row: await snapshot(db, id),
      intent: (await api.get(id)).body,
      refunds: (await api.refunds(id)).body,
      ledger: (await api.ledger(id)).body,
    };
    expect(after).toEqual(before);
    expect(after.ledger.totals).toMatchObject({ captured: 10_000, refunded: 7_000 });
    expect(after.ledger.balanced).toBe(true);
    expect(await ledgerDiscrepancies(db, [id])).toEqual([]);

    // The refusal is the key's answer: a retry replays it even though the refund would now… still fail.
    const replay = await api.refund(id, { amount: 3_001, reason: 'too much' }, 'refund-3');
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual(over.body);

    // What is left can still be refunded, exactly once.
    expect((await api.refund(id, { amount: 3_000 }, 'refund-4')).status).toBe(201);
    expect((await api.get(id)).body).toMatchObject({ amount_received: 10_000, amount_refunded: 10_000 });
    expect((await api.refund(id, { amount: 1 }, 'refund-5')).status).toBe(400);
  });
});

describe('idempotency', () => {
  it('the same key replays the same answer and acts once; another body under the key is 422', async () => {
    const first = await api.create({ amount: 900, currency: 'GBP', booking_id: 'bk-idem' }, 'create-1');
    const again = await api.create({ amount: 900, currency: 'GBP', booking_id: 'bk-idem' }, 'create-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await api.list('?booking_id=bk-idem')).body.intents).toHaveLength(1);
    const other = await api.create({ amount: 901, currency: 'GBP', booking_id: 'bk-idem' }, 'create-1');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const id = first.body.id as string;
    const auth1 = await api.authorize(id, card(), 'auth-1');
    ctx.clock.advanceMinutes(1);
    const auth2 = await api.authorize(id, card(), 'auth-1');
    expect(auth2.status).toBe(200);
    expect(auth2.body).toEqual(auth1.body);
    expect((await api.authorize(id, card(CARDS.mastercard), 'auth-1')).status).toBe(422);

    const cap1 = await api.capture(id, { amount: 600 }, 'cap-1');
    const cap2 = await api.capture(id, { amount: 600 }, 'cap-1');
    expect([cap1.status, cap2.status]).toEqual([200, 200]);
    expect(cap2.body).toEqual(cap1.body);
    expect((await api.capture(id, { amount: 500 }, 'cap-1')).status).toBe(422);

    const ref1 = await api.refund(id, { amount: 100 }, 'ref-1');
    const ref2 = await api.refund(id, { amount: 100 }, 'ref-1');
    expect(ref2.status).toBe(201);
    expect(ref2.body).toEqual(ref1.body);
    expect((await api.refund(id, { amount: 200 }, 'ref-1')).status).toBe(422);

    expect(await ledgerKinds(id)).toEqual([
      ['authorization', 900],
      ['capture', 600],
      ['authorization_release', 300],
      ['refund', 100],
    ]);
    const { ledger } = await snapshot(ctx.database.db, id);
    expect(ledger.map((e) => e.idempotency_key as string | null)).toEqual(['auth-1', 'cap-1', 'cap-1', 'ref-1']);
  });

  it('a decline is the key’s answer too: the same card replays the 402, another card needs another key', async () => {
    const id = (await api.create()).body.id as string;
    const d1 = await api.authorize(id, card(CARDS.insufficientFunds), 'try-1');
    const d2 = await api.authorize(id, card(CARDS.insufficientFunds), 'try-1');
    expect([d1.status, d2.status]).toEqual([402, 402]);
    expect(d2.body).toEqual(d1.body);
    expect(d2.headers['idempotent-replayed']).toBe('true');
    expect((await api.authorize(id, card(CARDS.visa), 'try-1')).status).toBe(422);
    expect((await api.authorize(id, card(CARDS.visa), 'try-2')).status).toBe(200);
    expect((await api.get(id)).body.version).toBe(3);
  });

  it('keys are scoped per operation and intent', async () => {
    const a = await api.ready(1_000);
    const b = await api.ready(1_000);
    expect((await api.capture(a, {}, 'shared-key')).status).toBe(200);
    expect((await api.capture(b, {}, 'shared-key')).status).toBe(200);
    expect((await api.refund(a, {}, 'shared-key')).status).toBe(201);
  });
});

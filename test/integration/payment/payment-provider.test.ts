/**
 * The provider boundary: the local test provider says at start-up that it is not a real processor; a
 * provider that fails makes the operation fail as a whole (503, nothing changed, the key free for a
 * retry); and a card's number and CVC reach neither the database nor the logs, whatever happens.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.js';
import type { Database } from '../../../src/platform/db/database.js';
import { buildApp, type App } from '../../../src/platform/http/app.js';
import { Scheduler } from '../../../src/platform/jobs/scheduler.js';
import { generatedRing } from '../../../src/platform/pii/pii-keys.js';
import { PiiVault } from '../../../src/platform/pii/pii-vault.js';
import { loggerOptions } from '../../../src/platform/observability/logger.js';
import { ledgerDiscrepancies } from '../../../src/services/payment/ledger.repository.js';
import { paymentServiceModule } from '../../../src/services/payment/payment.service-module.js';
import type { PaymentProvider } from '../../../src/services/payment/providers/payment.provider.js';
import { localTestProvider } from '../../../src/services/payment/providers/local-test.provider.js';
import { freshDatabase } from '../../helpers/context.js';
import { CARDS, card, paymentsApi, snapshot, allPaymentText } from './payment-fixtures.js';

let database: Database;
let drop: () => Promise<void>;
let app: App;
let logs = '';
const clock = new ManualClock('2026-01-15T12:00:00Z');
/** Switches the provider's capture and refund into an outage. */
const outage = { capture: false, refund: false };

beforeAll(async () => {
  ({ database, drop } = await freshDatabase());
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const flaky = (base: PaymentProvider): PaymentProvider => ({
    ...base,
    capture: async (req) => {
      if (outage.capture) throw new Error('connect ECONNREFUSED 10.0.0.1:443');
      return base.capture(req);
    },
    refund: async (req) => {
      if (outage.refund) throw new Error('socket hang up');
      return base.refund(req);
    },
  });
  app = await buildApp({
    services: [paymentServiceModule({ provider: (deps) => flaky(localTestProvider({ clock: deps.clock, db: deps.database.db })) })],
    deps: {
      database,
      clock,
      scheduler: new Scheduler(database, clock),
      pii: new PiiVault(generatedRing()),
      idempotencyTtlMs: 24 * 3_600_000,
      serviceUrl: () => 'http://127.0.0.1:1',
    },
    // The most verbose level: whatever any layer logs is captured.
    logger: pino(loggerOptions('trace'), stream),
  });
});
afterAll(async () => {
  await app.close();
  await database.close();
  await drop();
});

describe('the local test provider', () => {
  it('warns at start-up that it is not a real card processor', () => {
    const warning = logs
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; provider?: string })
      .find((l) => l.provider === 'local-test-provider');
    expect(warning).toMatchObject({ level: 40, provider: 'local-test-provider' });
    expect(warning?.msg).toMatch(/NOT a real card processor/);
  });
});

describe('a provider outage', () => {
  it('fails the capture with 503, changes nothing, and frees the key so that the retry captures', async () => {
    const api = paymentsApi(app);
    const id = await api.ready(5_000);
    const before = await snapshot(database.db, id);
    outage.capture = true;
    const failed = await api.capture(id, {}, 'cap-outage');
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    expect(await snapshot(database.db, id)).toEqual(before);
    outage.capture = false;
    const retried = await api.capture(id, {}, 'cap-outage');
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body).toMatchObject({ status: 'succeeded', amount_received: 5_000 });
  });

  it('fails a refund with 503 and leaves no refund, no ledger entry and no refunded amount behind', async () => {
    const api = paymentsApi(app);
    const id = await api.ready(5_000, { capture: true });
    const before = await snapshot(database.db, id);
    outage.refund = true;
    expect((await api.refund(id, { amount: 100 }, 'ref-outage')).status).toBe(503);
    outage.refund = false;
    expect(await snapshot(database.db, id)).toEqual(before);
    expect((await api.refund(id, { amount: 100 }, 'ref-outage')).status).toBe(201);
    expect(await ledgerDiscrepancies(database.db)).toEqual([]);
  });
});

describe('card data', () => {
  const CVC = '7315';
  const numbers = [CARDS.visa, CARDS.declined, CARDS.insufficientFunds, CARDS.expired, CARDS.incorrectCvc, CARDS.mastercard, CARDS.invalid];
  /** Each number as typed, and as its bare digits. */
  const forms = numbers.flatMap((n) => [n, n.replace(/ /g, '')]);
  /** Random identifiers (ours and the provider's) may contain any four digits; they are not card data. */
  const withoutIds = (text: string) => text.replace(/\b(?:pi|re|op)_[A-Za-z0-9]{24}\b|\blocal[a-z]+_[0-9a-f]{24}\b|[0-9a-f-]{36}/g, '');

  beforeAll(async () => {
    const api = paymentsApi(app);
    for (const [i, number] of numbers.entries()) {
      const id = (await api.create({ amount: 2_000, currency: 'GBP', booking_id: 'bk-pan' })).body.id as string;
      // With a key (fingerprinted, stored answer), replayed, and under the same key with another card (422).
      await api.authorize(id, card(number, { cvc: CVC }), `pan-${i}`);
      await api.authorize(id, card(number, { cvc: CVC }), `pan-${i}`);
      await api.authorize(id, card(CARDS.mastercard, { cvc: CVC }), `pan-${i}`);
      // Without a key, and refused at the edge (bad CVC, unknown field, malformed JSON).
      await api.authorize(id, card(number, { cvc: CVC }));
      await api.authorize(id, card(number, { cvc: '1' }));
      await api.authorize(id, { payment_method: { ...card(number, { cvc: CVC }).payment_method, pin: '0000' } });
      await app.inject({
        method: 'POST',
        url: `/api/v1/payments/intents/${id}/authorize`,
        headers: { 'content-type': 'application/json' },
        payload: `{"payment_method":{"card_number":"${number}","cvc":"${CVC}",`,
      });
    }
  });

  it('never reaches the database: no column of any payment table holds a card number or the CVC', async () => {
    const text = await allPaymentText(database.db);
    expect(text).toContain('4242'); // the last four digits are kept, as they should be
    for (const form of forms) expect(text).not.toContain(form);
    expect(withoutIds(text)).not.toContain(CVC);
  });

  it('never reaches the logs', () => {
    expect(logs).toContain('card declined');
    for (const form of forms) expect(logs).not.toContain(form);
    expect(withoutIds(logs)).not.toContain(CVC);
  });
});

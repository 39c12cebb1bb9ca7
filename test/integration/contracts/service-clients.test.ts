/**
 * The booking service's clients against a real HTTP server that answers what each test tells it:
 * a reply that breaks the callee's contract (a field of the wrong type, a missing field, a bad format,
 * a wrong nested value) makes the call fail at once — not retried — with the 503 of an unavailable
 * service whose message names the service, the call and the field; a reply that keeps the contract
 * passes unchanged. Retries pause through the injected `sleep`, never on a real timer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/platform/errors.js';
import type { ServiceClientOptions, ServiceContractViolation } from '../../../src/platform/http/service-client.js';
import { InventoryClient, type Hold } from '../../../src/services/booking/clients/inventory.client.js';
import { PaymentClient, type PaymentIntent } from '../../../src/services/booking/clients/payment.client.js';
import { PricingClient, type Quote } from '../../../src/services/booking/clients/pricing.client.js';

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** What the server answers, request by request (the last answer repeats), and what it was asked. */
let answers: Answer[] = [];
let received: { method: string; url: string; key: string | undefined }[] = [];
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined });
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      if (answer === undefined) throw new Error('the test server was not told what to answer');
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = [];
  received = [];
});

const answer = (...list: Answer[]) => {
  answers = list;
};

/** Pauses are recorded, not slept. */
let pauses: number[] = [];
const violations: ServiceContractViolation[] = [];
const options = (): ServiceClientOptions => ({
  baseUrl: () => baseUrl,
  sleep: async (ms) => {
    pauses.push(ms);
  },
  onContractViolation: (v) => violations.push(v),
});
beforeEach(() => {
  pauses = [];
  violations.length = 0;
});

const hold: Hold = {
  id: '0b9d3c0e-4a55-4bb8-9a57-7d1f4a0f2c11',
  kind: 'lodging',
  venue_id: 'hotel-1',
  status: 'HELD',
  expires_at: '2026-01-15T12:20:00.000Z',
  created_at: '2026-01-15T12:00:00.000Z',
  updated_at: '2026-01-15T12:00:00.000Z',
  confirmed_at: null,
  ended_at: null,
  end_reason: null,
  details: { room_type_id: 'hotel-1-STD', check_in: '2026-02-01', check_out: '2026-02-03', quantity: 1 },
};
const holdRequest = { room_type_id: 'hotel-1-STD', check_in: '2026-02-01', check_out: '2026-02-03', quantity: 1, ttl_seconds: 960 };

/** The rejection of `call`, which must be an AppError. */
async function failure(call: Promise<unknown>): Promise<AppError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call must fail').toBeInstanceOf(AppError);
  return err as AppError;
}

describe('the inventory client', () => {
  it('passes a hold that keeps the contract through unchanged', async () => {
    answer({ status: 201, body: { ...hold, a_field_added_later: true } });
    const got = await new InventoryClient(options()).holdRooms(holdRequest, 'k-1');
    expect(got).toEqual({ ...hold, a_field_added_later: true });
    expect(received).toEqual([{ method: 'POST', url: '/api/v1/holds/lodging', key: 'k-1' }]);
  });

  it('fails a hold whose expires_at is a number, naming the service, the call and the field, without retrying', async () => {
    answer({ status: 201, body: { ...hold, expires_at: 1_768_479_600 } });
    const err = await failure(new InventoryClient(options()).holdRooms(holdRequest, 'k-2'));
    expect(err.code).toBe('INVENTORY_SERVICE_UNAVAILABLE');
    expect(err.status).toBe(503);
    expect(err.message).toContain(
      'the inventory service answered POST /api/v1/holds/lodging with a reply that breaks its contract: /expires_at must be string',
    );
    expect(err.details).toEqual({
      contract_violation: { call: 'POST /api/v1/holds/lodging', violations: [{ path: '/expires_at', message: 'must be string' }] },
    });
    expect(received).toHaveLength(1);
    expect(pauses).toEqual([]);
    expect(violations.map((v) => v.service)).toEqual(['inventory']);
  });

  it('fails a hold without an id, naming the missing field', async () => {
    const { id: _id, ...withoutId } = hold;
    answer({ status: 200, body: withoutId });
    const err = await failure(new InventoryClient(options()).confirmHold(hold.id));
    expect(err.code).toBe('INVENTORY_SERVICE_UNAVAILABLE');
    expect(err.message).toContain(
      `the inventory service answered POST /api/v1/holds/${hold.id}/confirm with a reply that breaks its contract: /id is required`,
    );
  });

  it('names every wrong field: a bad format, a value outside a union, a status the contract does not know', async () => {
    answer({ status: 200, body: { ...hold, expires_at: 'in twenty minutes', venue_id: 7 } });
    const err = await failure(new InventoryClient(options()).releaseHold(hold.id, 'test'));
    expect(err.message).toContain(
      `the inventory service answered POST /api/v1/holds/${hold.id}/release with a reply that breaks its contract: ` +
        '/venue_id must be string or null; /expires_at must match format "date-time"',
    );
    answer({ status: 200, body: { ...hold, status: 'PARKED' } });
    const status = await failure(new InventoryClient(options()).releaseHold(hold.id, 'test'));
    expect(status.message).toContain('/status must be one of "HELD", "CONFIRMED", "RELEASED", "EXPIRED"');
  });

  it('names a wrong field deep inside a list', async () => {
    answer({
      status: 200,
      body: {
        venue_id: 'cafe-1',
        date: '2026-02-01',
        time_zone: 'Europe/London',
        party_size: 2,
        duration_minutes: 60,
        closed: false,
        slots: [
          {
            time: '08:00',
            start: '2026-02-01T08:00:00.000Z',
            end: '2026-02-01T09:00:00.000Z',
            available: true,
            tables_free: 3,
            covers_left: null,
          },
          {
            time: '08:15',
            start: '2026-02-01T08:15:00.000Z',
            end: '2026-02-01T09:15:00.000Z',
            available: true,
            tables_free: '3',
            covers_left: null,
          },
        ],
      },
    });
    const err = await failure(new InventoryClient(options()).diningAvailability({ venue_id: 'cafe-1', date: '2026-02-01', party_size: 2 }));
    expect(err.code).toBe('INVENTORY_SERVICE_UNAVAILABLE');
    expect(err.message).toContain(
      'the inventory service answered GET /api/v1/availability/dining with a reply that breaks its contract: /slots/1/tables_free must be integer',
    );
  });

  it('fails a reply that is not an object at all', async () => {
    answer({ status: 200, body: [hold] });
    const err = await failure(new InventoryClient(options()).getVenue('hotel-1'));
    expect(err.message).toContain('answered GET /api/v1/venues/hotel-1 with a reply that breaks its contract: / must be object');
  });

  it('retries a 5xx through the injected sleep (50 ms, then 100 ms) and checks the answer that finally comes', async () => {
    answer(
      { status: 503, body: { error: { code: 'DATABASE_BUSY', message: 'busy' } } },
      { status: 503, body: {} },
      { status: 201, body: hold },
    );
    expect(await new InventoryClient(options()).holdRooms(holdRequest, 'k-3')).toEqual(hold);
    expect(pauses).toEqual([50, 100]);
    expect(received.map((r) => r.key)).toEqual(['k-3', 'k-3', 'k-3']);
  });

  it('still reads a refusal as the booking error that says why', async () => {
    answer({ status: 409, body: { error: { code: 'NO_AVAILABILITY', message: 'No room on 2026-02-02.' } } });
    const err = await failure(new InventoryClient(options()).holdRooms(holdRequest, 'k-4'));
    expect(err).toMatchObject({ code: 'NO_AVAILABILITY', status: 409, details: { inventory_code: 'NO_AVAILABILITY' } });
  });
});

const intent: PaymentIntent = {
  id: 'pi_abcdefghijklmnopqrstuvwx',
  status: 'requires_capture',
  amount: 20_000,
  currency: 'GBP',
  amount_capturable: 20_000,
  amount_received: 0,
  amount_refunded: 0,
  booking_id: 'b-1',
  description: null,
  metadata: {},
  payment_method: { type: 'card', brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2031 },
  provider: 'local-test-provider',
  provider_reference: 'ref-1',
  last_payment_error: null,
  cancellation_reason: null,
  created_at: '2026-01-15T12:00:00.000Z',
  updated_at: '2026-01-15T12:00:00.000Z',
  authorized_at: '2026-01-15T12:00:00.000Z',
  captured_at: null,
  canceled_at: null,
  version: 2,
};
const card = { card_number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' };

describe('the payment client', () => {
  it('passes an authorized intent that keeps the contract', async () => {
    answer({ status: 200, body: intent });
    expect(await new PaymentClient(options()).authorize(intent.id, card, 'a-1')).toEqual(intent);
  });

  it('fails an authorize reply with a status the contract does not name and an amount as text', async () => {
    answer({ status: 200, body: { ...intent, status: 'authorized', amount_capturable: '20000' } });
    const err = await failure(new PaymentClient(options()).authorize(intent.id, card, 'a-2'));
    expect(err.code).toBe('PAYMENT_SERVICE_UNAVAILABLE');
    expect(err.status).toBe(503);
    expect(err.message).toContain(
      `the payment service answered POST /api/v1/payments/intents/${intent.id}/authorize with a reply that breaks`,
    );
    expect(err.message).toContain('/amount_capturable must be integer');
    expect(err.message).toContain('/status');
    expect(received).toHaveLength(1);
  });

  it('fails a card summary with a wrong last4, by its nested path', async () => {
    answer({ status: 200, body: { ...intent, payment_method: { ...intent.payment_method, last4: '42' } } });
    const err = await failure(new PaymentClient(options()).getIntent(intent.id));
    expect(err.message).toContain('/payment_method/last4 must match pattern');
  });

  it('still reads a decline as PAYMENT_DECLINED with its code', async () => {
    answer({
      status: 402,
      body: {
        error: {
          code: 'PAYMENT_DECLINED',
          message: 'declined',
          details: { decline_code: 'card_declined', message: 'Your card was declined.' },
        },
      },
    });
    const err = await failure(new PaymentClient(options()).authorize(intent.id, card, 'a-3'));
    expect(err).toMatchObject({ code: 'PAYMENT_DECLINED', status: 402, details: { decline_code: 'card_declined' } });
    expect(err.message).toBe('The payment was declined: Your card was declined.');
  });
});

const quote: Quote = {
  currency: 'GBP',
  kind: 'lodging',
  venue_id: 'hotel-1',
  base: 24_000,
  discount: 0,
  tax: 0,
  tax_included: 0,
  total: 24_000,
  lines: [
    { kind: 'night', date: '2026-02-01', description: 'Night of 2026-02-01', amount: 12_000 },
    { kind: 'night', date: '2026-02-02', description: 'Night of 2026-02-02', amount: 12_000 },
  ],
  discounts: [],
  taxes: [],
  promo_code: null,
  rate_plan_id: null,
  deposit: false,
};
const quoteRequest = {
  venue_id: 'hotel-1',
  kind: 'lodging' as const,
  room_type_id: 'hotel-1-STD',
  check_in: '2026-02-01',
  check_out: '2026-02-03',
};

describe('the pricing client', () => {
  it('passes a quote that keeps the contract', async () => {
    answer({ status: 200, body: quote });
    expect(await new PricingClient(options()).quote(quoteRequest)).toEqual(quote);
  });

  it('treats a quote that breaks the contract as pricing unavailable (the documented default price applies), and reports it', async () => {
    answer({ status: 200, body: { ...quote, total: '24000' } });
    expect(await new PricingClient(options()).quote(quoteRequest)).toBeUndefined();
    expect(received).toHaveLength(1);
    expect(violations.map((v) => v.message)).toEqual([
      'the pricing service answered POST /api/v1/pricing/quote with a reply that breaks its contract: /total must be integer',
    ]);
  });

  it('fails a promo redemption that breaks the contract with a 503 naming the field', async () => {
    answer({
      status: 200,
      body: { code: 'SPRING10', booking_id: 'b-1', uses: 'one', max_uses: null, status: 'redeemed', redeemed_at: null, released_at: null },
    });
    const err = await failure(new PricingClient(options()).redeemPromo('SPRING10', 'b-1'));
    expect(err).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(err.message).toContain(
      'the pricing service answered POST /api/v1/pricing/promo-codes/SPRING10/redeem with a reply that breaks its contract: /uses must be integer',
    );
    expect(err.details).toMatchObject({
      service: 'pricing',
      contract_violation: { call: 'POST /api/v1/pricing/promo-codes/SPRING10/redeem' },
    });
  });

  it('still passes a promo refusal on as PROMO_CODE_REJECTED', async () => {
    answer({ status: 409, body: { error: { code: 'PROMO_EXHAUSTED', message: 'No uses left.' } } });
    const err = await failure(new PricingClient(options()).redeemPromo('SPRING10', 'b-2'));
    expect(err).toMatchObject({ code: 'PROMO_CODE_REJECTED', status: 400, details: { pricing_code: 'PROMO_EXHAUSTED' } });
  });
});

/**
 * Property: any sequence of create / authorize (approving or declining cards) / capture (full,
 * partial, too much) / refund (full, partial, too much) / cancel / replay-with-the-same-key leaves
 * every intent equal to a simple in-memory model, answers each call as the model says, and keeps the
 * ledger balanced — checked after every step, through the API and with the reconciliation query.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../../src/services/payment/ledger.repository.js';
import type { TestContext } from '../../helpers/context.js';
import { card, CARDS, paymentContext, type PaymentsApi, type Res } from './payment-fixtures.js';

let ctx: TestContext;
let api: PaymentsApi;
beforeAll(async () => ({ ctx, api } = await paymentContext()));
afterAll(async () => ctx.close());

type Status = 'requires_payment_method' | 'requires_capture' | 'succeeded' | 'canceled';

/** The reference: an intent's amounts and its ledger's totals, by the rules of the README. */
class ModelIntent {
  status: Status = 'requires_payment_method';
  capturable = 0;
  received = 0;
  refunded = 0;
  ledger = { authorized: 0, released: 0, captured: 0, refunded: 0 };
  constructor(
    readonly id: string,
    readonly amount: number,
  ) {}
}

const CARD_OUTCOMES = { visa: true, mastercard: true, declined: false, insufficientFunds: false, invalid: false } as const;
type CardName = keyof typeof CARD_OUTCOMES;

/**
 * How much to capture or refund, relative to what is available when the step runs: all of it (the
 * body names no amount), a part (a percentage, at least 1), or more than there is.
 */
type Portion = { kind: 'all' } | { kind: 'part'; percent: number } | { kind: 'over'; by: number };

type Op =
  | { op: 'create'; amount: number }
  | { op: 'authorize'; i: number; card: CardName }
  | { op: 'capture'; i: number; portion: Portion }
  | { op: 'refund'; i: number; portion: Portion }
  | { op: 'cancel'; i: number }
  | { op: 'replay' };

const portionArb: fc.Arbitrary<Portion> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'all' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('part' as const), percent: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('over' as const), by: fc.integer({ min: 1, max: 500 }) }) },
);
const amountOf = (portion: Portion, available: number): number | undefined =>
  portion.kind === 'all'
    ? undefined
    : portion.kind === 'part'
      ? Math.max(1, Math.floor((available * portion.percent) / 100))
      : available + portion.by;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constant('create' as const), amount: fc.integer({ min: 1, max: 10_000 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('authorize' as const),
      i: fc.nat(),
      card: fc.constantFrom<CardName>('visa', 'visa', 'visa', 'mastercard', 'declined', 'insufficientFunds', 'invalid'),
    }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('capture' as const), i: fc.nat(), portion: portionArb }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('refund' as const), i: fc.nat(), portion: portionArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ op: 'replay' as const }) },
);

/** Where each run's first intents start, so that sequences often reach captures and refunds. */
interface Start {
  amount: number;
  stage: 'created' | 'authorized' | 'captured';
  capture: Portion;
}
const startArb: fc.Arbitrary<Start> = fc.record({
  amount: fc.integer({ min: 1, max: 10_000 }),
  stage: fc.constantFrom<Start['stage']>('created', 'authorized', 'captured', 'captured'),
  capture: portionArb,
});

/** The ops that bring intent `i` of the run to its start (checked like every other op). */
function setUp(start: Start, i: number): Op[] {
  const ops: Op[] = [{ op: 'create', amount: start.amount }];
  if (start.stage !== 'created') ops.push({ op: 'authorize', i, card: 'visa' });
  if (start.stage === 'captured') ops.push({ op: 'capture', i, portion: start.capture.kind === 'over' ? { kind: 'all' } : start.capture });
  return ops;
}

let run = 0;

/** Runs one op against the API and the model; returns the request to replay. */
async function step(
  intents: ModelIntent[],
  op: Op,
  key: string,
  last: { send: () => Promise<Res>; res: Res; id: string } | undefined,
): Promise<{ send: () => Promise<Res>; res: Res; id: string } | undefined> {
  if (op.op === 'replay') {
    if (last === undefined) return undefined;
    const before = (await api.get(last.id)).body;
    const again = await last.send();
    expect(again.status).toBe(last.res.status);
    expect(again.body).toEqual(last.res.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await api.get(last.id)).body).toEqual(before);
    return last;
  }
  if (op.op === 'create') {
    const send = () => api.create({ amount: op.amount, currency: 'GBP' }, key);
    const res = await send();
    expect(res.status).toBe(201);
    intents.push(new ModelIntent(res.body.id as string, op.amount));
    return { send, res, id: res.body.id as string };
  }
  const m = intents[op.i % Math.max(1, intents.length)];
  if (m === undefined) return last;
  switch (op.op) {
    case 'authorize': {
      const send = () => api.authorize(m.id, card(CARDS[op.card]), key);
      const res = await send();
      if (m.status !== 'requires_payment_method') {
        expect(res.status).toBe(409);
      } else if (CARD_OUTCOMES[op.card]) {
        expect(res.status).toBe(200);
        m.status = 'requires_capture';
        m.capturable = m.amount;
        m.ledger.authorized += m.amount;
      } else {
        expect(res.status).toBe(402);
        expect(res.body.error.code).toBe('PAYMENT_DECLINED');
      }
      return { send, res, id: m.id };
    }
    case 'capture': {
      const asked = amountOf(op.portion, m.capturable);
      const send = () => api.capture(m.id, asked === undefined ? {} : { amount: asked }, key);
      const res = await send();
      const amount = asked ?? m.capturable;
      if (m.status !== 'requires_capture') {
        expect(res.status).toBe(409);
      } else if (amount > m.capturable) {
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('CAPTURE_EXCEEDS_AUTHORIZED');
      } else {
        expect(res.status).toBe(200);
        m.ledger.captured += amount;
        m.ledger.released += m.capturable - amount;
        m.status = 'succeeded';
        m.received = amount;
        m.capturable = 0;
      }
      return { send, res, id: m.id };
    }
    case 'refund': {
      const refundable = m.received - m.refunded;
      const asked = amountOf(op.portion, refundable);
      const send = () => api.refund(m.id, asked === undefined ? {} : { amount: asked }, key);
      const res = await send();
      const amount = asked ?? refundable;
      if (m.status !== 'succeeded') {
        expect(res.status).toBe(409);
      } else if (amount === 0 || amount > refundable) {
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_CAPTURED', details: { refundable } });
      } else {
        expect(res.status).toBe(201);
        expect(res.body.amount).toBe(amount);
        m.refunded += amount;
        m.ledger.refunded += amount;
      }
      return { send, res, id: m.id };
    }
    case 'cancel': {
      const send = () => api.cancel(m.id, {}, key);
      const res = await send();
      if (m.status === 'succeeded') {
        expect(res.status).toBe(409);
      } else {
        expect(res.status).toBe(200);
        if (m.status === 'requires_capture') m.ledger.released += m.capturable;
        m.status = 'canceled';
        m.capturable = 0;
      }
      return { send, res, id: m.id };
    }
  }
}

async function checkAgainstModel(m: ModelIntent): Promise<void> {
  const intent = (await api.get(m.id)).body;
  expect({
    status: intent.status,
    amount_capturable: intent.amount_capturable,
    amount_received: intent.amount_received,
    amount_refunded: intent.amount_refunded,
  }).toEqual({ status: m.status, amount_capturable: m.capturable, amount_received: m.received, amount_refunded: m.refunded });
  const ledger = (await api.ledger(m.id)).body;
  expect(ledger.totals).toEqual({
    ...m.ledger,
    capturable: m.ledger.authorized - m.ledger.released - m.ledger.captured,
    net: m.ledger.captured - m.ledger.refunded,
  });
  expect(ledger.balanced).toBe(true);
  // The invariants themselves, on the model's numbers (so a model bug cannot hide a service bug).
  expect(m.ledger.authorized - m.ledger.released - m.ledger.captured).toBe(m.capturable);
  expect(m.ledger.refunded).toBeLessThanOrEqual(m.ledger.captured);
  expect(m.refunded).toBeLessThanOrEqual(m.received);
  expect(m.received).toBeLessThanOrEqual(m.amount);
}

describe('payment intents against a reference model', () => {
  it('every answer and every ledger matches the model after every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(startArb, { minLength: 1, maxLength: 2 }),
        fc.array(opArb, { minLength: 5, maxLength: 25, size: 'max' }),
        async (starts, more) => {
          run += 1;
          const intents: ModelIntent[] = [];
          let last: Awaited<ReturnType<typeof step>>;
          const ops: Op[] = [...starts.flatMap((start, i) => setUp(start, i)), ...more];
          for (const [k, op] of ops.entries()) {
            last = await step(intents, op, `run-${run}-step-${k}`, last);
            const touched = intents.find((m) => m.id === last?.id);
            if (touched !== undefined) await checkAgainstModel(touched);
            expect(
              await ledgerDiscrepancies(
                ctx.database.db,
                intents.map((m) => m.id),
              ),
            ).toEqual([]);
          }
          for (const m of intents) await checkAgainstModel(m);
        },
      ),
      { numRuns: 30 },
    );
  });
});

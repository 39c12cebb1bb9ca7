/** HTTP helpers and database snapshots for payment tests. */
import { sql } from 'kysely';
import type { AnyDB } from '../../../src/platform/db/database.js';
import type { App } from '../../../src/platform/http/app.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

/** The local test provider's well-known numbers. */
export const CARDS = {
  visa: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  expired: '4000 0000 0000 0069',
  incorrectCvc: '4000 0000 0000 0127',
  /** Luhn-valid, not a fixed test number: approved. */
  mastercard: '5555 5555 5555 4444',
  /** Fails the Luhn check. */
  invalid: '4242 4242 4242 4241',
} as const;

export function card(number: string = CARDS.visa, extra: Partial<{ exp_month: number; exp_year: number; cvc: string }> = {}) {
  return { payment_method: { card_number: number, exp_month: 12, exp_year: 2030, cvc: '314', ...extra } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;
export interface Res {
  status: number;
  body: Json;
  headers: Record<string, unknown>;
}

export function paymentsApi(app: App) {
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown, key?: string): Promise<Res> => {
    const res = await app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as Json } : {}),
      ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}),
    });
    return { status: res.statusCode, body: res.json<Json>(), headers: res.headers };
  };
  const base = '/api/v1/payments/intents';
  return {
    call,
    create: (body: Json = { amount: 10_000, currency: 'GBP' }, key?: string) => call('POST', base, body, key),
    get: (id: string) => call('GET', `${base}/${id}`),
    list: (query = '') => call('GET', `${base}${query}`),
    authorize: (id: string, body: Json = card(), key?: string) => call('POST', `${base}/${id}/authorize`, body, key),
    capture: (id: string, body: Json = {}, key?: string) => call('POST', `${base}/${id}/capture`, body, key),
    cancel: (id: string, body: Json = {}, key?: string) => call('POST', `${base}/${id}/cancel`, body, key),
    refund: (id: string, body: Json = {}, key?: string) => call('POST', `${base}/${id}/refunds`, body, key),
    refunds: (id: string) => call('GET', `${base}/${id}/refunds`),
    ledger: (id: string) => call('GET', `${base}/${id}/ledger`),
    /** A new intent of `amount`, authorized on the Visa test card (and captured, with `capture`). */
    async ready(amount: number, opts: { capture?: number | true } = {}): Promise<string> {
      const created = await this.create({ amount, currency: 'GBP' });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
      const id = created.body.id as string;
      const auth = await this.authorize(id);
      if (auth.status !== 200) throw new Error(`authorize: ${auth.status} ${JSON.stringify(auth.body)}`);
      if (opts.capture !== undefined) {
        const cap = await this.capture(id, opts.capture === true ? {} : { amount: opts.capture });
        if (cap.status !== 200) throw new Error(`capture: ${cap.status} ${JSON.stringify(cap.body)}`);
      }
      return id;
    },
  };
}

export type PaymentsApi = ReturnType<typeof paymentsApi>;

/**
 * What the payment test files start from: a context of their own running the payment service alone,
 * and its API. The file closes the context after its tests: `afterAll(() => ctx.close())`.
 */
export async function paymentContext(): Promise<{ ctx: TestContext; api: PaymentsApi }> {
  const ctx = await createTestContext({ services: ['payment'] });
  return { ctx, api: paymentsApi(ctx.app) };
}

/** Everything the database holds about an intent: its row, its refunds, its ledger. */
export async function snapshot(db: AnyDB, intentId: string) {
  const intent = await sql<Json>`select * from payment.payment_intent where id = ${intentId}`.execute(db);
  const refunds = await sql<Json>`select * from payment.refund where intent_id = ${intentId} order by seq`.execute(db);
  const ledger = await sql<Json>`select * from payment.ledger_entry where intent_id = ${intentId} order by id`.execute(db);
  return { intent: intent.rows[0], refunds: refunds.rows, ledger: ledger.rows };
}

/** Every row of every table of schema `payment`, as text (for "this never reaches the database"). */
export async function allPaymentText(db: AnyDB): Promise<string> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'payment' and table_type = 'BASE TABLE' order by table_name`.execute(
    db,
  );
  let text = '';
  for (const t of tables) {
    const { rows } = await sql<{ row: string }>`select r::text as row from ${sql.id('payment', t.table_name)} r`.execute(db);
    text += rows.map((r) => r.row).join('\n') + '\n';
  }
  return text;
}

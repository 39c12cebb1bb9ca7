/**
 * Provider calls outside transactions, and the crash windows around them (docs/adr/0006).
 *
 * The provider is wrapped. Before it delegates, every call asks whether a database transaction is
 * open: through the payment service's own Kysely instance (its `transaction()` is counted), and, on
 * PostgreSQL, from a separate connection that counts the test database's sessions `idle in
 * transaction` in pg_stat_activity. A call made with one open fails the call and the test. The
 * wrapper can also lose the provider's answer after the provider acted (the network dropped on the
 * way back), or be down altogether.
 */
import { sql, TransactionBuilder } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.js';
import type { AnyDB, Database } from '../../../src/platform/db/database.js';
import { buildApp, type App } from '../../../src/platform/http/app.js';
import { Scheduler } from '../../../src/platform/jobs/scheduler.js';
import { generatedRing } from '../../../src/platform/pii/pii-keys.js';
import { PiiVault } from '../../../src/platform/pii/pii-vault.js';
import { loggerOptions } from '../../../src/platform/observability/logger.js';
import { ledgerDiscrepancies } from '../../../src/services/payment/ledger.repository.js';
import { paymentServiceModule } from '../../../src/services/payment/payment.service-module.js';
import { PROVIDER_CALL_DEADLINE_MS } from '../../../src/services/payment/provider-call.service.js';
import { localTestProvider } from '../../../src/services/payment/providers/local-test.provider.js';
import type { PaymentProvider, ProviderOperation } from '../../../src/services/payment/providers/payment.provider.js';
import { freshDatabase } from '../../helpers/context.js';
import { card, CARDS, paymentsApi, type Json, type PaymentsApi } from './payment-fixtures.js';

// ---------------------------------------------------------------------------------------------------
// Counting open transactions

/** How many transactions the payment service has open right now, through its Kysely instance. */
const open = { transactions: 0 };

/**
 * The database handed to the payment service, with every `transaction()` counted while its callback
 * runs (the only span in which a provider call could happen inside it). Everything else is the real
 * Kysely instance: no query is mocked.
 */
function countingTransactions(db: AnyDB): AnyDB {
  const builder = <B extends object>(b: B): B =>
    new Proxy(b, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const method = value as (this: unknown, ...args: unknown[]) => unknown;
        if (prop === 'execute') {
          return (fn: (trx: unknown) => Promise<unknown>) =>
            method.call(target, async (trx: unknown) => {
              open.transactions++;
              try {
                return await fn(trx);
              } finally {
                open.transactions--;
              }
            });
        }
        return (...args: unknown[]): unknown => {
          const result = method.apply(target, args);
          return result instanceof TransactionBuilder ? builder(result) : result;
        };
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop === 'transaction') return () => builder(target.transaction());
      if (prop === 'startTransaction') throw new Error('the payment service opens transactions with transaction() only');
      return typeof value === 'function' ? ((value as (...args: unknown[]) => unknown).bind(target) as unknown) : value;
    },
  });
}

/** PostgreSQL only: a connection of its own, outside the service's pool. */
let observer: pg.Client | undefined;
let databaseName = '';

/** Sessions of the test database inside a transaction and waiting on their client (PostgreSQL). */
async function idleInTransaction(): Promise<number> {
  if (observer === undefined) return 0;
  const { rows } = await observer.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
     where datname = $1 and pid <> pg_backend_pid() and state in ('idle in transaction', 'idle in transaction (aborted)')`,
    [databaseName],
  );
  return rows[0]?.n ?? 0;
}

interface ObservedCall {
  readonly operation: ProviderOperation | 'retrieve';
  readonly openTransactions: number;
  readonly idleInTransaction: number;
}

const calls: ObservedCall[] = [];

/** What the wrapper does to the next calls. */
const faults = {
  /** The provider acts, then the answer is lost on the way back. */
  loseAnswer: new Set<ProviderOperation>(),
  /** The provider is unreachable: nothing reaches it, lookups fail too. */
  down: false,
};

function watched(base: PaymentProvider): PaymentProvider {
  const around = async <T>(operation: ObservedCall['operation'], call: () => Promise<T>): Promise<T> => {
    const seen: ObservedCall = { operation, openTransactions: open.transactions, idleInTransaction: await idleInTransaction() };
    calls.push(seen);
    if (seen.openTransactions > 0 || seen.idleInTransaction > 0) {
      // Fail fast (on PGlite the provider's own query would otherwise wait forever for the one connection).
      throw new Error(`the provider was called with a transaction open: ${JSON.stringify(seen)}`);
    }
    if (faults.down) throw new Error('connect ECONNREFUSED 10.0.0.1:443');
    const result = await call();
    if (operation !== 'retrieve' && faults.loseAnswer.has(operation)) throw new Error('socket hang up');
    return result;
  };
  return {
    name: base.name,
    live: base.live,
    authorize: (r) => around('authorize', () => base.authorize(r)),
    capture: (r) => around('capture', () => base.capture(r)),
    cancel: (r) => around('cancel', () => base.cancel(r)),
    refund: (r) => around('refund', () => base.refund(r)),
    retrieve: (k) => around('retrieve', () => base.retrieve(k)),
  };
}

// ---------------------------------------------------------------------------------------------------

let database: Database;
let drop: () => Promise<void>;
let app: App;
let api: PaymentsApi;
let scheduler: Scheduler;
const clock = new ManualClock('2026-01-15T12:00:00Z');

beforeAll(async () => {
  ({ database, drop } = await freshDatabase());
  const counted: Database = { ...database, db: countingTransactions(database.db) };
  scheduler = new Scheduler(counted, clock);
  app = await buildApp({
    services: [
      paymentServiceModule({
        provider: (deps) => watched(localTestProvider({ clock: deps.clock, db: deps.database.db })),
        // A request blocked by a call that never settles gives up after this (real time), not 5 s.
        waitMs: 300,
      }),
    ],
    deps: {
      database: counted,
      clock,
      scheduler,
      pii: new PiiVault(generatedRing()),
      idempotencyTtlMs: 24 * 3_600_000,
      serviceUrl: () => 'http://127.0.0.1:1',
    },
    logger: pino(loggerOptions('silent')),
  });
  api = paymentsApi(app);
  if (database.kind === 'postgres') {
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
    databaseName = rows[0]!.name;
    const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${databaseName}`;
    observer = new pg.Client({ connectionString: url.toString() });
    await observer.connect();
  }
});
afterAll(async () => {
  await observer?.end();
  await app.close();
  await database.close();
  await drop();
});
afterEach(async () => {
  faults.loseAnswer.clear();
  faults.down = false;
  expect(await ledgerDiscrepancies(database.db)).toEqual([]);
});

/** Runs the recovery job as the scheduler (and `innkeeper jobs run recover-payment-attempts`) would. */
async function recover(): Promise<Json> {
  const run = await scheduler.runNow('recover-payment-attempts');
  expect(run.error).toBeUndefined();
  return run.result as Json;
}

async function attempts(intentId: string) {
  const { rows } = await sql<Json>`
    select operation, status, amount, provider_key, provider_reference from payment.provider_attempt
    where intent_id = ${intentId} order by seq`.execute(database.db);
  return rows;
}

/** What the test processor booked for the intent (its books are keyed by the provider idempotency key). */
async function providerBooks(intentId: string) {
  const { rows } = await sql<{ operation: string; amount: number | null; reference: string | null; outcome: string }>`
    select operation, amount, reference, outcome from payment.local_test_charge
    where idempotency_key like ${`${intentId}:%`} order by created_at, operation`.execute(database.db);
  return rows;
}

async function intentRow(intentId: string) {
  const { rows } = await sql<Json>`
    select status, amount_capturable, amount_received, amount_refunded, provider_reference
    from payment.payment_intent where id = ${intentId}`.execute(database.db);
  return rows[0]!;
}

async function ledger(intentId: string) {
  const { rows } = await sql<{ kind: string; amount: number; provider_reference: string | null }>`
    select kind, amount::int as amount, provider_reference from payment.ledger_entry where intent_id = ${intentId} order by id`.execute(
    database.db,
  );
  return rows.map((r) => [r.kind, r.amount]);
}

async function newIntent(amount = 10_000): Promise<string> {
  const res = await api.create({ amount, currency: 'GBP' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('the open-transaction probe', () => {
  it('sees a transaction the payment service holds open (so that it cannot pass vacuously)', async () => {
    const db = countingTransactions(database.db);
    const seen = await db.transaction().execute(async (trx) => {
      await sql`select 1 from payment.payment_intent limit 1`.execute(trx);
      return { js: open.transactions, pg: await idleInTransaction() };
    });
    expect(seen.js).toBe(1);
    if (database.kind === 'postgres') expect(seen.pg).toBe(1);
    expect({ js: open.transactions, pg: await idleInTransaction() }).toEqual({ js: 0, pg: 0 });
  });
});

describe('no transaction is open when the provider is called', () => {
  it('for authorize (approved and declined), capture, cancel (void), refund and the recovery lookup', async () => {
    calls.length = 0;
    const statuses: number[] = [];
    const a = await newIntent();
    statuses.push((await api.authorize(a, card(CARDS.declined), 'nt-auth-1')).status);
    statuses.push((await api.authorize(a, card(), 'nt-auth-2')).status);
    statuses.push((await api.capture(a, { amount: 6_000 }, 'nt-cap')).status);
    statuses.push((await api.refund(a, { amount: 1_000 }, 'nt-ref')).status);
    statuses.push((await api.refund(a, { amount: 500 })).status);
    const b = await newIntent();
    statuses.push((await api.authorize(b, card())).status);
    statuses.push((await api.cancel(b, {}, 'nt-void')).status);
    // A lost answer, settled by the recovery job's lookup.
    const c = await newIntent();
    faults.loseAnswer.add('authorize');
    statuses.push((await api.authorize(c, card(), 'nt-lost')).status);
    faults.loseAnswer.clear();
    clock.advance(PROVIDER_CALL_DEADLINE_MS);
    const recovered = await recover();

    // Every call was observed, and none with a transaction open (either count).
    expect(calls.filter((c) => c.openTransactions > 0 || c.idleInTransaction > 0)).toEqual([]);
    expect(new Set(calls.map((c) => c.operation))).toEqual(new Set(['authorize', 'capture', 'cancel', 'refund', 'retrieve']));
    expect(statuses).toEqual([402, 200, 200, 201, 201, 200, 200, 503]);
    expect(recovered).toEqual({ settled: 1, failed: 0, unreachable: 0 });
  });
});

describe('a lost answer (the provider acted, the answer never came back)', () => {
  it('authorize: leaves the attempt pending, the recovery job settles it to the provider’s truth, and the retry does not charge twice', async () => {
    const id = await newIntent(10_000);
    faults.loseAnswer.add('authorize');
    const lost = await api.authorize(id, card(), 'lost-auth');
    expect(lost.status).toBe(503);
    expect(lost.body.error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    faults.loseAnswer.clear();

    // The processor authorized; we have not recorded it yet, only that we asked.
    const books = await providerBooks(id);
    expect(books).toEqual([
      { operation: 'authorize', amount: 10_000, reference: expect.stringMatching(/^localauth_/), outcome: 'approved' },
    ]);
    expect(await attempts(id)).toEqual([expect.objectContaining({ operation: 'authorize', status: 'pending', amount: 10_000 })]);
    expect(await intentRow(id)).toMatchObject({ status: 'requires_payment_method', amount_capturable: 0 });
    expect(await ledger(id)).toEqual([]);

    // Not before its deadline (on the injected clock)…
    clock.advance(PROVIDER_CALL_DEADLINE_MS - 1_000);
    expect(await recover()).toEqual({ settled: 0, failed: 0, unreachable: 0 });
    // …then settled from the provider's record under the same key.
    clock.advance(1_000);
    expect(await recover()).toEqual({ settled: 1, failed: 0, unreachable: 0 });
    expect(await attempts(id)).toEqual([
      expect.objectContaining({ status: 'succeeded', provider_reference: books[0]!.reference as string }),
    ]);
    expect(await intentRow(id)).toEqual({
      status: 'requires_capture',
      amount_capturable: 10_000,
      amount_received: 0,
      amount_refunded: 0,
      provider_reference: books[0]!.reference as string,
    });
    expect(await ledger(id)).toEqual([['authorization', 10_000]]);

    // The caller retries the same request with the same key: the same authorization, no second one.
    const retried = await api.authorize(id, card(), 'lost-auth');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'requires_capture', amount_capturable: 10_000, provider_reference: books[0]!.reference });
    expect(await providerBooks(id)).toEqual(books);
    expect(await ledger(id)).toEqual([['authorization', 10_000]]);
    // …and that answer is now stored.
    const replayed = await api.authorize(id, card(), 'lost-auth');
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(retried.body);
    // Another request under the key is still refused.
    expect((await api.authorize(id, card(CARDS.mastercard), 'lost-auth')).status).toBe(422);
  });

  it('capture: a retry with the same key before recovery resumes the call under the same provider key: one capture, exact release', async () => {
    const id = await newIntent(10_000);
    expect((await api.authorize(id, card())).status).toBe(200);
    faults.loseAnswer.add('capture');
    expect((await api.capture(id, { amount: 6_000 }, 'lost-cap')).status).toBe(503);
    faults.loseAnswer.clear();
    expect(await attempts(id)).toEqual([
      expect.objectContaining({ operation: 'authorize', status: 'succeeded' }),
      expect.objectContaining({ operation: 'capture', status: 'pending', amount: 6_000 }),
    ]);

    const retried = await api.capture(id, { amount: 6_000 }, 'lost-cap');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'succeeded', amount_received: 6_000, amount_capturable: 0 });
    expect((await providerBooks(id)).map((b) => [b.operation, b.amount])).toEqual([
      ['authorize', 10_000],
      ['capture', 6_000],
    ]);
    expect(await ledger(id)).toEqual([
      ['authorization', 10_000],
      ['capture', 6_000],
      ['authorization_release', 4_000],
    ]);
    // Nothing is left for the recovery job.
    clock.advance(PROVIDER_CALL_DEADLINE_MS);
    expect(await recover()).toEqual({ settled: 0, failed: 0, unreachable: 0 });
  });

  it('refund: recovery records the refund the provider made; the retry answers that refund', async () => {
    const id = await newIntent(10_000);
    expect((await api.authorize(id, card())).status).toBe(200);
    expect((await api.capture(id)).status).toBe(200);
    faults.loseAnswer.add('refund');
    expect((await api.refund(id, { amount: 2_500, reason: 'late check-in' }, 'lost-ref')).status).toBe(503);
    faults.loseAnswer.clear();
    // While it is in flight its amount is reserved: a refund of everything else still fits, one more does not.
    expect((await api.refund(id, { amount: 7_501 })).body.error.code).toBe('REFUND_EXCEEDS_CAPTURED');
    expect(await intentRow(id)).toMatchObject({ amount_refunded: 0 });

    clock.advance(PROVIDER_CALL_DEADLINE_MS);
    expect(await recover()).toEqual({ settled: 1, failed: 0, unreachable: 0 });
    expect(await intentRow(id)).toMatchObject({ status: 'succeeded', amount_received: 10_000, amount_refunded: 2_500 });
    const refunds = (await api.refunds(id)).body.refunds as Json[];
    expect(refunds).toEqual([expect.objectContaining({ amount: 2_500, reason: 'late check-in' })]);

    const retried = await api.refund(id, { amount: 2_500, reason: 'late check-in' }, 'lost-ref');
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(refunds[0]!.id);
    expect((await providerBooks(id)).filter((b) => b.operation === 'refund')).toHaveLength(1);
    expect(await ledger(id)).toEqual([
      ['authorization', 10_000],
      ['capture', 10_000],
      ['refund', 2_500],
    ]);
  });

  it('cancel: recovery records the void; the intent is canceled with its authorization released', async () => {
    const id = await newIntent(4_000);
    expect((await api.authorize(id, card())).status).toBe(200);
    faults.loseAnswer.add('cancel');
    expect((await api.cancel(id, { reason: 'guest left' }, 'lost-void')).status).toBe(503);
    faults.loseAnswer.clear();
    clock.advance(PROVIDER_CALL_DEADLINE_MS);
    expect(await recover()).toEqual({ settled: 1, failed: 0, unreachable: 0 });
    expect(await intentRow(id)).toMatchObject({ status: 'canceled', amount_capturable: 0, amount_received: 0 });
    expect(await ledger(id)).toEqual([
      ['authorization', 4_000],
      ['authorization_release', 4_000],
    ]);
    const retried = await api.cancel(id, { reason: 'guest left' }, 'lost-void');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'canceled', cancellation_reason: 'guest left' });
    expect((await providerBooks(id)).map((b) => b.operation)).toEqual(['authorize', 'cancel']);
  });
});

describe('a provider that is down (nothing reached it)', () => {
  it('stays pending while the provider cannot be asked; then fails, frees the key, and the retry runs afresh: one charge', async () => {
    const id = await newIntent(3_000);
    faults.down = true;
    expect((await api.authorize(id, card(), 'down-auth')).status).toBe(503);
    clock.advance(PROVIDER_CALL_DEADLINE_MS);
    expect(await recover()).toEqual({ settled: 0, failed: 0, unreachable: 1 });
    expect(await attempts(id)).toEqual([expect.objectContaining({ status: 'pending' })]);

    faults.down = false;
    expect(await recover()).toEqual({ settled: 0, failed: 1, unreachable: 0 });
    expect(await attempts(id)).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(await intentRow(id)).toMatchObject({ status: 'requires_payment_method' });
    expect(await providerBooks(id)).toEqual([]);

    const retried = await api.authorize(id, card(), 'down-auth');
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect((await providerBooks(id)).map((b) => b.operation)).toEqual(['authorize']);
    expect(await ledger(id)).toEqual([['authorization', 3_000]]);
  });

  it('a call in flight makes other operations on the intent wait, and refuses them (409, not stored) if it does not settle', async () => {
    const id = await newIntent(3_000);
    expect((await api.authorize(id, card())).status).toBe(200);
    faults.down = true;
    expect((await api.capture(id, {}, 'stuck-cap')).status).toBe(503);
    faults.down = false;
    const blocked = await api.cancel(id, {}, 'stuck-void');
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('PAYMENT_INTENT_CONFLICT');
    // The capture is resumed by its retry; the void's key was not spent on the conflict.
    expect((await api.capture(id, {}, 'stuck-cap')).status).toBe(200);
    const voided = await api.cancel(id, {}, 'stuck-void');
    expect(voided.status).toBe(409);
    expect(voided.body.error.code).toBe('PAYMENT_INTENT_INVALID_STATE');
  });
});

describe('the local test provider’s books', () => {
  it('answer a repeated call under a key with the first result, and retrieve by key', async () => {
    const provider = localTestProvider({ clock, db: database.db });
    const first = await provider.capture({
      operationId: 'op_x',
      idempotencyKey: 'books-test:capture',
      reference: 'localauth_x',
      amount: 700,
      currency: 'GBP',
    });
    const again = await provider.capture({
      operationId: 'op_x',
      idempotencyKey: 'books-test:capture',
      reference: 'localauth_x',
      amount: 700,
      currency: 'GBP',
    });
    expect(again).toEqual(first);
    expect(await provider.retrieve('books-test:capture')).toEqual({
      idempotencyKey: 'books-test:capture',
      operation: 'capture',
      result: { outcome: 'approved', reference: first.reference },
    });
    expect(await provider.retrieve('books-test:never-sent')).toBeUndefined();
    // A fresh instance (as after a restart) reads the same books: they are a table, not memory.
    const restarted = localTestProvider({ clock, db: database.db });
    expect((await restarted.retrieve('books-test:capture'))?.result).toEqual({ outcome: 'approved', reference: first.reference });
    expect(restarted.live).toBe(false);
  });
});

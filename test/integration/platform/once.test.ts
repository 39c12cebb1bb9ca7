/**
 * The once-only helper on the real database (each back end): `runOnce` for one-transaction
 * operations and the saga mode (`beginKey` … `completeKey` / `refuseKey` / `abandonKey`), against a
 * key table and an effect table of a schema of this test's own. Every test counts the effect's rows
 * and the effect's runs, so an effect that ran twice (or a rollback that did not happen) fails it.
 */
import type { Generated, Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.js';
import type { Database } from '../../../src/platform/db/database.js';
import { AppError, defineErrors } from '../../../src/platform/errors.js';
import { purgeExpiredKeys } from '../../../src/platform/idempotency/idempotency-key.repository.js';
import { CommittedRefusal, runOnce, wasReplayed, type OnceKey, type OnceStore } from '../../../src/platform/idempotency/once.js';
import { abandonKey, beginKey, completeKey, refuseKey } from '../../../src/platform/idempotency/saga-key.js';
import { freshDatabase } from '../../helpers/context.js';

interface OnceTestDB {
  'once_test.effect': { id: Generated<number>; label: string };
}

const testError = defineErrors({
  ONCE_TEST_SOLD_OUT: { status: 409, message: 'Sold out.' },
  ONCE_TEST_DECLINED: { status: 402, message: 'Declined.' },
  ONCE_TEST_OUTAGE: { status: 503, message: 'Down.' },
});

const HOUR = 3_600_000;
let database: Database;
let drop: () => Promise<void>;
let db: Kysely<OnceTestDB>;
let clock: ManualClock;
let store: OnceStore<OnceTestDB>;
let runs: number;

beforeAll(async () => {
  ({ database, drop } = await freshDatabase());
  db = database.db;
  await sql`create schema once_test`.execute(db);
  // The columns every service's key table has (see idempotency-key.repository.ts), saga columns included.
  await sql`
    create table once_test.idempotency_key (
      scope text not null,
      key text not null check (length(key) between 1 and 255),
      fingerprint text not null,
      state text not null check (state in ('in_progress', 'completed')),
      resource_id text,
      response_status int,
      response_body jsonb,
      created_at timestamptz not null,
      locked_at timestamptz,
      expires_at timestamptz not null,
      primary key (scope, key),
      check ((state = 'completed') = (response_status is not null))
    )`.execute(db);
  await sql`create table once_test.effect (id serial primary key, label text not null)`.execute(db);
});
afterAll(async () => {
  await database.close();
  await drop();
});
beforeEach(async () => {
  await sql`truncate once_test.effect, once_test.idempotency_key`.execute(db);
  clock = new ManualClock('2026-01-15T12:00:00Z');
  store = { db, schema: 'once_test', clock, ttlMs: 24 * HOUR };
  runs = 0;
});

const effectRows = async () => (await db.selectFrom('once_test.effect').select('label').orderBy('id').execute()).map((r) => r.label);
const keyRows = async () =>
  (
    await sql<{
      scope: string;
      key: string;
      state: string;
      response_status: number | null;
      response_body: unknown;
    }>`select scope, key, state, response_status, response_body from once_test.idempotency_key order by scope, key`.execute(db)
  ).rows;

const key = (k: string, request: unknown, scope = 'anonymous:test.op'): OnceKey => ({ scope, key: k, request });
const created = (row: { id: number; label: string }) => ({ status: 201, body: { id: row.id, label: row.label } });

/** Inserts one effect row inside the use-case's own typed transaction. */
function insertEffect(label: string) {
  return async (trx: Transaction<OnceTestDB>) => {
    runs++;
    return trx.insertInto('once_test.effect').values({ label }).returning(['id', 'label']).executeTakeFirstOrThrow();
  };
}

/** The rejection of `p`, which must be an AppError. */
async function refusalOf(p: Promise<unknown>): Promise<AppError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('runOnce', () => {
  it('replays the stored status and body for the same key and request, without running the effect again', async () => {
    const first = await runOnce(store, key('k1', { label: 'a' }), created, insertEffect('a'));
    expect(first).toEqual({ status: 201, body: { id: expect.any(Number), label: 'a' }, replayed: false });
    const again = await runOnce(store, key('k1', { label: 'a' }), created, insertEffect('a'));
    expect(again).toEqual({ ...first, replayed: true });
    expect(runs).toBe(1);
    expect(await effectRows()).toEqual(['a']);
    expect(await keyRows()).toEqual([
      { scope: 'anonymous:test.op', key: 'k1', state: 'completed', response_status: 201, response_body: first.body },
    ]);
  });

  it('fingerprints the request regardless of key order, and keeps scopes apart', async () => {
    await runOnce(store, key('k1', { a: 1, b: 2 }), created, insertEffect('x'));
    expect((await runOnce(store, key('k1', { b: 2, a: 1 }), created, insertEffect('x'))).replayed).toBe(true);
    // The same key in another scope (another operation or principal) is another key.
    expect((await runOnce(store, key('k1', { a: 1, b: 2 }, 'anonymous:test.other'), created, insertEffect('y'))).replayed).toBe(false);
    expect(await effectRows()).toEqual(['x', 'y']);
  });

  it('refuses the same key with another request (422 IDEMPOTENCY_KEY_REUSED) and changes nothing', async () => {
    await runOnce(store, key('k1', { label: 'a' }), created, insertEffect('a'));
    const reused = await refusalOf(runOnce(store, key('k1', { label: 'b' }), created, insertEffect('b')));
    expect([reused.code, reused.status]).toEqual(['IDEMPOTENCY_KEY_REUSED', 422]);
    expect(wasReplayed(reused)).toBe(false);
    expect(runs).toBe(1);
    expect(await effectRows()).toEqual(['a']);
  });

  it('runs the effect each time when no key is sent', async () => {
    const a = await runOnce(store, undefined, created, insertEffect('a'));
    const b = await runOnce(store, undefined, created, insertEffect('a'));
    expect([a.replayed, b.replayed]).toEqual([false, false]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(await effectRows()).toEqual(['a', 'a']);
    expect(await keyRows()).toEqual([]);
  });

  it('20 concurrent duplicates: one effect, 19 replays of the same answer', async () => {
    // The effect takes a while, so the duplicates arrive while it runs (and wait on the key).
    const slow = async (trx: Transaction<OnceTestDB>) => {
      const row = await insertEffect('one')(trx);
      await sql`select pg_sleep(0.05)`.execute(trx);
      return row;
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => runOnce(store, key('burst', { label: 'one' }), created, slow)));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(answers.filter((a) => a.replayed)).toHaveLength(19);
    for (const a of answers) expect({ status: a.status, body: a.body }).toEqual({ status: answers[0]!.status, body: answers[0]!.body });
    expect(runs).toBe(1);
    expect(await effectRows()).toEqual(['one']);
  });

  it('a refusal rolls the effect back, is stored as the key’s answer, and a replay raises the same AppError', async () => {
    const refusing = async (trx: Transaction<OnceTestDB>) => {
      await insertEffect('rolled back')(trx);
      throw testError('ONCE_TEST_SOLD_OUT', 'The last one went.', { left: 0 });
    };
    const first = await refusalOf(runOnce(store, key('k1', { n: 1 }), created, refusing));
    expect([first.code, first.status, first.message, first.details]).toEqual([
      'ONCE_TEST_SOLD_OUT',
      409,
      'The last one went.',
      { left: 0 },
    ]);
    expect(wasReplayed(first)).toBe(false);
    expect(await effectRows()).toEqual([]);
    expect(await keyRows()).toEqual([
      {
        scope: 'anonymous:test.op',
        key: 'k1',
        state: 'completed',
        response_status: 409,
        response_body: { error: { code: 'ONCE_TEST_SOLD_OUT', message: 'The last one went.', details: { left: 0 } } },
      },
    ]);

    const again = await refusalOf(runOnce(store, key('k1', { n: 1 }), created, insertEffect('must not run')));
    expect(again).toBeInstanceOf(AppError);
    expect([again.code, again.status, again.message, again.details]).toEqual([first.code, first.status, first.message, first.details]);
    expect(wasReplayed(again)).toBe(true);
    expect(runs).toBe(1);
    expect(await effectRows()).toEqual([]);
    // The stored refusal names its request too.
    expect((await refusalOf(runOnce(store, key('k1', { n: 2 }), created, insertEffect('no')))).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('20 concurrent duplicates of a refused request: every answer is the same refusal, nothing committed', async () => {
    const refusing = async (trx: Transaction<OnceTestDB>) => {
      await insertEffect('rolled back')(trx);
      throw testError('ONCE_TEST_SOLD_OUT');
    };
    const errors = await Promise.all(Array.from({ length: 20 }, () => refusalOf(runOnce(store, key('burst', {}), created, refusing))));
    for (const e of errors) expect([e.code, e.status]).toEqual(['ONCE_TEST_SOLD_OUT', 409]);
    expect(await effectRows()).toEqual([]);
    expect((await keyRows()).map((k) => k.response_status)).toEqual([409]);
  });

  it('a committed refusal commits the effect, answers the refusal, and replays it without running again', async () => {
    const declining = async (trx: Transaction<OnceTestDB>) => {
      await insertEffect('decline recorded')(trx);
      return new CommittedRefusal(testError('ONCE_TEST_DECLINED', 'Insufficient funds.', { decline_code: 'insufficient_funds' }));
    };
    const first = await refusalOf(runOnce(store, key('k1', { card: '4000' }), created, declining));
    expect([first.code, first.status, first.details]).toEqual(['ONCE_TEST_DECLINED', 402, { decline_code: 'insufficient_funds' }]);
    expect(wasReplayed(first)).toBe(false);
    expect(await effectRows()).toEqual(['decline recorded']);

    const again = await refusalOf(runOnce(store, key('k1', { card: '4000' }), created, declining));
    expect([again.code, again.status, again.message, again.details]).toEqual([first.code, first.status, first.message, first.details]);
    expect(wasReplayed(again)).toBe(true);
    expect(runs).toBe(1);
    expect(await effectRows()).toEqual(['decline recorded']);

    // Without a key, the refusal commits and is raised every time.
    const unkeyed = await refusalOf(runOnce(store, undefined, created, declining));
    expect(unkeyed.code).toBe('ONCE_TEST_DECLINED');
    expect(await effectRows()).toEqual(['decline recorded', 'decline recorded']);
  });

  it('a committed refusal must be a 4xx', () => {
    expect(() => new CommittedRefusal(testError('ONCE_TEST_OUTAGE'))).toThrow(/4xx/);
  });

  it('a 5xx or a crash stores nothing: the effect rolls back and a retry with the key runs afresh', async () => {
    const outage = async (trx: Transaction<OnceTestDB>) => {
      await insertEffect('rolled back')(trx);
      throw testError('ONCE_TEST_OUTAGE');
    };
    const crash = async (trx: Transaction<OnceTestDB>) => {
      await insertEffect('rolled back')(trx);
      throw new Error('process died');
    };
    expect((await refusalOf(runOnce(store, key('k1', {}), created, outage))).status).toBe(503);
    await expect(runOnce(store, key('k1', {}), created, crash)).rejects.toThrow('process died');
    expect(await keyRows()).toEqual([]);
    expect(await effectRows()).toEqual([]);
    const retried = await runOnce(store, key('k1', {}), created, insertEffect('at last'));
    expect(retried.replayed).toBe(false);
    expect(await effectRows()).toEqual(['at last']);
  });

  it('a key expires after ttlMs: then it names a new request, and the purge deletes it', async () => {
    store = { ...store, ttlMs: HOUR };
    await runOnce(store, key('k1', { label: 'a' }), created, insertEffect('a'));
    clock.advance(HOUR - 1);
    expect((await refusalOf(runOnce(store, key('k1', { label: 'b' }), created, insertEffect('b')))).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await purgeExpiredKeys(db, 'once_test', clock.now())).toBe(0);
    clock.advance(1);
    const fresh = await runOnce(store, key('k1', { label: 'b' }), created, insertEffect('b'));
    expect(fresh).toEqual({ status: 201, body: { id: expect.any(Number), label: 'b' }, replayed: false });
    expect(await effectRows()).toEqual(['a', 'b']);
    // The new key lives an hour from its own start.
    clock.advance(HOUR);
    expect(await purgeExpiredKeys(db, 'once_test', clock.now())).toBe(1);
    expect(await keyRows()).toEqual([]);
  });
});

describe('the saga mode (beginKey … completeKey | refuseKey | abandonKey)', () => {
  const saga = (k: string, request: unknown, resourceId: string) => ({ ...key(k, request), resourceId, takeOverAfterMs: 30_000 });
  const ref = (k: string) => ({ schema: 'once_test', scope: 'anonymous:test.op', key: k });

  it('takes the key once: a duplicate while it runs is 409, another request 422, a finished one replays', async () => {
    expect(await beginKey(store, saga('s1', { a: 1 }, 'booking-1'))).toEqual({ kind: 'new', resourceId: 'booking-1' });
    const running = await refusalOf(beginKey(store, saga('s1', { a: 1 }, 'booking-2')));
    expect([running.code, running.status]).toEqual(['IDEMPOTENCY_IN_PROGRESS', 409]);
    expect((await refusalOf(beginKey(store, saga('s1', { a: 2 }, 'booking-3')))).code).toBe('IDEMPOTENCY_KEY_REUSED');

    await db.transaction().execute(async (trx) => {
      await trx.insertInto('once_test.effect').values({ label: 'booking-1' }).execute();
      await completeKey(trx, ref('s1'), { status: 201, body: { id: 'booking-1' } });
    });
    expect(await beginKey(store, saga('s1', { a: 1 }, 'booking-4'))).toEqual({
      kind: 'replay',
      answer: { status: 201, body: { id: 'booking-1' }, replayed: true },
    });
  });

  it('a key left running by a crash is taken over after takeOverAfterMs, with the first resource id', async () => {
    await beginKey(store, saga('s1', {}, 'booking-1'));
    clock.advance(29_999);
    expect((await refusalOf(beginKey(store, saga('s1', {}, 'booking-2')))).code).toBe('IDEMPOTENCY_IN_PROGRESS');
    clock.advance(1);
    expect(await beginKey(store, saga('s1', {}, 'booking-3'))).toEqual({ kind: 'new', resourceId: 'booking-1' });
    // Taken over now: a duplicate of the retry is refused again until it, too, goes stale.
    expect((await refusalOf(beginKey(store, saga('s1', {}, 'booking-4')))).code).toBe('IDEMPOTENCY_IN_PROGRESS');
  });

  it('a stored refusal replays as the same AppError; an abandoned key runs afresh', async () => {
    await beginKey(store, saga('s1', {}, 'booking-1'));
    await refuseKey(db, ref('s1'), testError('ONCE_TEST_SOLD_OUT', 'Full.', { night: '2026-02-01' }));
    const replayed = await refusalOf(beginKey(store, saga('s1', {}, 'booking-2')));
    expect([replayed.code, replayed.status, replayed.message, replayed.details]).toEqual([
      'ONCE_TEST_SOLD_OUT',
      409,
      'Full.',
      { night: '2026-02-01' },
    ]);
    expect(wasReplayed(replayed)).toBe(true);

    await beginKey(store, saga('s2', {}, 'booking-3'));
    await abandonKey(db, ref('s2'));
    expect(await beginKey(store, saga('s2', {}, 'booking-4'))).toEqual({ kind: 'new', resourceId: 'booking-4' });
  });
});

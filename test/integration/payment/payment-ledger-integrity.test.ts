/**
 * The database is the last line of defense for the ledger: entries and refunds are append-only, the
 * intent's amounts are CHECKed, a ledger entry is in its intent's currency, and a commit whose ledger
 * does not add up is refused (deferred constraint trigger). `ledgerDiscrepancies` finds what does not
 * add up — shown here inside a transaction that the database then refuses to commit.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../../src/services/payment/ledger.repository.js';
import type { TestContext } from '../../helpers/context.js';
import { paymentContext, type PaymentsApi, snapshot } from './payment-fixtures.js';

let ctx: TestContext;
let api: PaymentsApi;
let id: string;
beforeAll(async () => {
  ({ ctx, api } = await paymentContext());
  id = await api.ready(10_000, { capture: 8_000 });
  expect((await api.refund(id, { amount: 1_000 })).status).toBe(201);
});
afterAll(async () => ctx.close());

const db = () => ctx.database.db;

async function refused(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the database accepted it');
}

describe('the ledger is append-only', () => {
  it('refuses to update, delete or truncate ledger entries and refunds', async () => {
    const before = await snapshot(db(), id);
    expect(await refused(() => sql`update payment.ledger_entry set amount = amount + 1 where intent_id = ${id}`.execute(db()))).toMatch(
      /append-only/,
    );
    expect(await refused(() => sql`delete from payment.ledger_entry where intent_id = ${id}`.execute(db()))).toMatch(/append-only/);
    expect(await refused(() => sql`update payment.refund set amount = 1 where intent_id = ${id}`.execute(db()))).toMatch(/append-only/);
    expect(await refused(() => sql`delete from payment.refund`.execute(db()))).toMatch(/append-only/);
    expect(await refused(() => sql`truncate payment.ledger_entry cascade`.execute(db()))).toMatch(/append-only/);
    expect(await snapshot(db(), id)).toEqual(before);
  });
});

describe('the books must balance to commit', () => {
  it('refuses an intent change without its ledger entry; the reconciliation sees it before the commit', async () => {
    const before = await snapshot(db(), id);
    const message = await refused(() =>
      db()
        .transaction()
        .execute(async (trx) => {
          await sql`update payment.payment_intent set amount_refunded = amount_refunded + 500 where id = ${id}`.execute(trx);
          // Inside the transaction the discrepancy is visible to the reconciliation query…
          expect(await ledgerDiscrepancies(trx, [id])).toEqual([
            {
              intent_id: id,
              amount_capturable: 0,
              amount_received: 8_000,
              amount_refunded: 1_500,
              authorized: 10_000,
              released: 2_000,
              captured: 8_000,
              refunded: 1_000,
              refunds_total: 1_000,
            },
          ]);
        }),
    );
    // …and the commit is refused.
    expect(message).toMatch(/does not balance/);
    expect(await snapshot(db(), id)).toEqual(before);
    expect(await ledgerDiscrepancies(db())).toEqual([]);
  });

  it('refuses a ledger entry without the intent change it records', async () => {
    const message = await refused(() =>
      sql`insert into payment.ledger_entry (intent_id, kind, amount, currency, operation_id, created_at)
          values (${id}, 'capture', 100, 'GBP', 'op_rogue', ${ctx.clock.now()})`.execute(db()),
    );
    expect(message).toMatch(/does not balance/);
  });

  it('refuses a ledger entry in another currency than its intent', async () => {
    const message = await refused(() =>
      sql`insert into payment.ledger_entry (intent_id, kind, amount, currency, operation_id, created_at)
          values (${id}, 'capture', 100, 'EUR', 'op_rogue', ${ctx.clock.now()})`.execute(db()),
    );
    expect(message).toMatch(/foreign key/);
  });
});

describe('the intent’s CHECKs', () => {
  const attempts: [string, string][] = [
    ['refunded more than received', 'amount_refunded = amount_received + 1'],
    ['received more than the amount', 'amount_received = amount + 1'],
    ['a negative amount', 'amount_refunded = -1'],
    ['a status outside the closed set', "status = 'refunded'"],
    ['succeeded with nothing received', "status = 'succeeded', amount_received = 0, amount_refunded = 0"],
    ['capturable outside requires_capture', 'amount_capturable = 1'],
    ['a full card number as last4', "card_last4 = '4242424242424242'"],
  ];
  for (const [what, set] of attempts) {
    it(`refuses ${what}`, async () => {
      const message = await refused(() => sql`update payment.payment_intent set ${sql.raw(set)} where id = ${id}`.execute(db()));
      expect(message).toMatch(/check constraint|violates/);
    });
  }
});

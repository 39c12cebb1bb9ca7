/**
 * The local test provider's own books, `payment.local_test_charge`: one row per idempotency key, what
 * it answered the first time. It stands in for a processor's database, so it survives a restart (and a
 * SIGKILL) like one. Each function is one statement, never a transaction of ours: the provider is
 * called with none open.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DeclineCode, ProviderOperation } from './payment.provider.js';

export interface LocalTestChargeTable {
  idempotency_key: string;
  operation: ProviderOperation;
  amount: number | null;
  currency: string | null;
  outcome: 'approved' | 'declined';
  reference: string | null;
  decline_code: DeclineCode | null;
  decline_message: string | null;
  created_at: Date;
}

export interface LocalTestProviderDB {
  'payment.local_test_charge': LocalTestChargeTable;
}

export type LocalTestCharge = Selectable<LocalTestChargeTable>;

/** Books the charge unless the key already names one; answers whichever the key names (first wins). */
export async function bookCharge(db: Kysely<LocalTestProviderDB>, row: Insertable<LocalTestChargeTable>): Promise<LocalTestCharge> {
  const inserted = await db
    .insertInto('payment.local_test_charge')
    .values(row)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return (
    inserted ??
    (await db
      .selectFrom('payment.local_test_charge')
      .selectAll()
      .where('idempotency_key', '=', row.idempotency_key)
      .executeTakeFirstOrThrow())
  );
}

export async function findCharge(db: Kysely<LocalTestProviderDB>, idempotencyKey: string): Promise<LocalTestCharge | undefined> {
  return db.selectFrom('payment.local_test_charge').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

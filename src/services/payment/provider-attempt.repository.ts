/**
 * SQL of `payment.provider_attempt`: each provider call, recorded `pending` in its own committed
 * transaction before the call and settled after it (docs/adr/0007). Settling is one conditional UPDATE
 * from `pending`, so of two settlers (a retry resuming the call, the recovery job) exactly one applies
 * the outcome; the other finds it settled.
 */
import { sql, type Insertable } from 'kysely';
import { rowToAttempt, type ProviderAttempt } from './payment.model.js';
import type { PaymentExecutor, PaymentTrx, ProviderAttemptTable } from './payment.tables.js';
import type { DeclineCode } from './providers/payment.provider.js';

export async function insertAttempt(trx: PaymentTrx, row: Insertable<ProviderAttemptTable>): Promise<ProviderAttempt> {
  return rowToAttempt(await trx.insertInto('payment.provider_attempt').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function findAttempt(db: PaymentExecutor, id: string): Promise<ProviderAttempt | undefined> {
  const row = await db.selectFrom('payment.provider_attempt').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToAttempt(row);
}

export async function findAttemptByProviderKey(db: PaymentExecutor, providerKey: string): Promise<ProviderAttempt | undefined> {
  const row = await db.selectFrom('payment.provider_attempt').selectAll().where('provider_key', '=', providerKey).executeTakeFirst();
  return row && rowToAttempt(row);
}

export async function listAttempts(db: PaymentExecutor, intentId: string): Promise<ProviderAttempt[]> {
  const rows = await db.selectFrom('payment.provider_attempt').selectAll().where('intent_id', '=', intentId).orderBy('seq').execute();
  return rows.map(rowToAttempt);
}

/** Whether an authorization, capture or void of the intent is in flight (refunds only reserve their amount). */
export async function hasCallInFlight(trx: PaymentTrx, intentId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('payment.provider_attempt')
    .select('id')
    .where('intent_id', '=', intentId)
    .where('status', '=', 'pending')
    .where('operation', '<>', 'refund')
    .executeTakeFirst();
  return row !== undefined;
}

/** What refunds in flight have reserved of the intent. */
export async function pendingRefundTotal(trx: PaymentTrx, intentId: string): Promise<number> {
  const { rows } = await sql<{ total: number }>`
    select coalesce(sum(amount), 0)::bigint as total from payment.provider_attempt
    where intent_id = ${intentId} and operation = 'refund' and status = 'pending'`.execute(trx);
  return rows[0]?.total ?? 0;
}

/** A retry resuming a pending call calls the provider again now: recovery leaves it alone until the deadline. */
export async function touchAttempt(trx: PaymentTrx, id: string, now: Date): Promise<ProviderAttempt | undefined> {
  const row = await trx
    .updateTable('payment.provider_attempt')
    .set({ attempted_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return row && rowToAttempt(row);
}

export type AttemptSettlement =
  | { readonly status: 'succeeded'; readonly reference: string }
  | { readonly status: 'declined'; readonly declineCode: DeclineCode; readonly message: string }
  | { readonly status: 'failed' };

/**
 * Settles a pending attempt, locking it until the transaction ends; undefined when it was no longer
 * pending (a concurrent settler got there first, and this one must change nothing).
 */
export async function settleAttemptRow(
  trx: PaymentTrx,
  id: string,
  settlement: AttemptSettlement,
  now: Date,
): Promise<ProviderAttempt | undefined> {
  const row = await trx
    .updateTable('payment.provider_attempt')
    .set({
      status: settlement.status,
      provider_reference: settlement.status === 'succeeded' ? settlement.reference : null,
      decline_code: settlement.status === 'declined' ? settlement.declineCode : null,
      decline_message: settlement.status === 'declined' ? settlement.message : null,
      settled_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return row && rowToAttempt(row);
}

/** Pending attempts last called at or before `calledBefore`, oldest first. */
export async function listOverdueAttempts(db: PaymentExecutor, calledBefore: Date, limit: number): Promise<ProviderAttempt[]> {
  const rows = await db
    .selectFrom('payment.provider_attempt')
    .selectAll()
    .where('status', '=', 'pending')
    .where('attempted_at', '<=', calledBefore)
    .orderBy('attempted_at')
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(rowToAttempt);
}

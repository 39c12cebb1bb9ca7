/**
 * The payment ledger: append-only rows, one per movement of money, written in the transaction of the
 * intent change they record. `ledgerDiscrepancies` is the reconciliation, as one query: every intent
 * whose ledger does not add up to its amounts (the database refuses such a commit too, with a deferred
 * constraint trigger; this query is what an auditor, a job or a test runs to prove it).
 */
import { sql } from 'kysely';
import { rowToLedgerEntry, type LedgerEntry, type LedgerTotals } from './payment.model.js';
import type { LedgerKind } from './payment.states.js';
import type { PaymentExecutor, PaymentTrx } from './payment.tables.js';
import type { AnyDB } from '../../platform/db/database.js';

export interface NewLedgerEntry {
  readonly intentId: string;
  readonly kind: LedgerKind;
  readonly amount: number;
  readonly currency: string;
  readonly operationId: string;
  readonly idempotencyKey: string | null;
  readonly refundId?: string;
  readonly providerReference?: string;
  readonly at: Date;
}

export async function insertLedgerEntries(trx: PaymentTrx, entries: readonly NewLedgerEntry[]): Promise<void> {
  const rows = entries.filter((e) => e.amount > 0);
  if (rows.length === 0) return;
  await trx
    .insertInto('payment.ledger_entry')
    .values(
      rows.map((e) => ({
        intent_id: e.intentId,
        kind: e.kind,
        amount: e.amount,
        currency: e.currency,
        operation_id: e.operationId,
        idempotency_key: e.idempotencyKey,
        refund_id: e.refundId ?? null,
        provider_reference: e.providerReference ?? null,
        created_at: e.at,
      })),
    )
    .execute();
}

export async function listLedger(db: PaymentExecutor, intentId: string): Promise<LedgerEntry[]> {
  const rows = await db.selectFrom('payment.ledger_entry').selectAll().where('intent_id', '=', intentId).orderBy('id').execute();
  return rows.map(rowToLedgerEntry);
}

export function totalsOf(entries: readonly { kind: LedgerKind; amount: number }[]): LedgerTotals {
  const sum = (kind: LedgerKind) => entries.filter((e) => e.kind === kind).reduce((s, e) => s + e.amount, 0);
  return { authorized: sum('authorization'), released: sum('authorization_release'), captured: sum('capture'), refunded: sum('refund') };
}

/** One intent whose ledger does not add up, with every figure involved. */
export interface LedgerDiscrepancy {
  readonly intent_id: string;
  readonly amount_capturable: number;
  readonly amount_received: number;
  readonly amount_refunded: number;
  readonly authorized: number;
  readonly released: number;
  readonly captured: number;
  readonly refunded: number;
  readonly refunds_total: number;
}

/**
 * Every intent (or those of `intentIds`) for which
 *   authorized − released − captured ≠ amount_capturable, or captured ≠ amount_received,
 *   or refunded ≠ amount_refunded, or Σ refunds ≠ amount_refunded, or refunded > captured.
 * Empty means the books balance. Takes any executor (a test's Kysely, or a transaction).
 */
export async function ledgerDiscrepancies(db: AnyDB | PaymentExecutor, intentIds?: readonly string[]): Promise<LedgerDiscrepancy[]> {
  const only = intentIds === undefined ? sql`true` : intentIds.length === 0 ? sql`false` : sql`i.id in (${sql.join(intentIds)})`;
  const { rows } = await sql<LedgerDiscrepancy>`
    select i.id as intent_id, i.amount_capturable, i.amount_received, i.amount_refunded,
      coalesce(l.authorized, 0)::bigint as authorized, coalesce(l.released, 0)::bigint as released,
      coalesce(l.captured, 0)::bigint as captured, coalesce(l.refunded, 0)::bigint as refunded,
      coalesce(r.total, 0)::bigint as refunds_total
    from payment.payment_intent i
    left join (
      select intent_id,
        sum(amount) filter (where kind = 'authorization') as authorized,
        sum(amount) filter (where kind = 'authorization_release') as released,
        sum(amount) filter (where kind = 'capture') as captured,
        sum(amount) filter (where kind = 'refund') as refunded
      from payment.ledger_entry group by intent_id
    ) l on l.intent_id = i.id
    left join (select intent_id, sum(amount) as total from payment.refund group by intent_id) r on r.intent_id = i.id
    where ${only} and (
      coalesce(l.authorized, 0) - coalesce(l.released, 0) - coalesce(l.captured, 0) <> i.amount_capturable
      or coalesce(l.captured, 0) <> i.amount_received
      or coalesce(l.refunded, 0) <> i.amount_refunded
      or coalesce(r.total, 0) <> i.amount_refunded
      or coalesce(l.refunded, 0) > coalesce(l.captured, 0)
    )
    order by i.seq`.execute(db);
  return rows;
}

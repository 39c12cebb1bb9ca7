/**
 * Read-only facts of the payment schema for the operator's reconciliation (`src/ops/reconcile.ts`):
 * every intent with what its ledger says was captured and refunded, and the intents whose ledger does
 * not balance (`ledgerDiscrepancies`). Nothing here reads another schema or writes anything.
 */
import { sql } from 'kysely';
import type { IntentStatus } from './payment.states.js';
import type { PaymentExecutor } from './payment.tables.js';

export { ledgerDiscrepancies, type LedgerDiscrepancy } from './ledger.repository.js';

export interface IntentFact {
  readonly id: string;
  readonly status: IntentStatus;
  readonly bookingId: string | null;
  readonly currency: string;
  readonly createdAt: Date;
  /** Σ capture entries of its ledger. */
  readonly ledgerCaptured: number;
  /** Σ refund entries of its ledger. */
  readonly ledgerRefunded: number;
}

export async function intentFacts(db: PaymentExecutor): Promise<IntentFact[]> {
  const { rows } = await sql<IntentFact>`
    select i.id, i.status, i.booking_id as "bookingId", i.currency, i.created_at as "createdAt",
           coalesce(l.captured, 0)::bigint as "ledgerCaptured", coalesce(l.refunded, 0)::bigint as "ledgerRefunded"
    from payment.payment_intent i
    left join (
      select intent_id,
             sum(amount) filter (where kind = 'capture') as captured,
             sum(amount) filter (where kind = 'refund') as refunded
      from payment.ledger_entry group by intent_id
    ) l on l.intent_id = i.id
    order by i.seq`.execute(db);
  return rows;
}

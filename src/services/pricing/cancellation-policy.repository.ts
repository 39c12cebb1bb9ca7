/** SQL of cancellation policies: one per venue (rate_plan_id null) and at most one per rate plan. */
import type { Insertable, Updateable } from 'kysely';
import { ALL_VENUES, venueIn, type VenueScope } from './pricing.access.js';
import { rowToCancellationPolicy, type CancellationPolicy } from './pricing.model.js';
import type { CancellationPolicyTable, PricingExecutor, PricingTrx } from './pricing.tables.js';

export async function insertPolicy(trx: PricingTrx, row: Insertable<CancellationPolicyTable>): Promise<CancellationPolicy> {
  return rowToCancellationPolicy(await trx.insertInto('pricing.cancellation_policy').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function findPolicy(
  db: PricingExecutor,
  id: string,
  lock = false,
  scope: VenueScope = ALL_VENUES,
): Promise<CancellationPolicy | undefined> {
  let q = db.selectFrom('pricing.cancellation_policy').selectAll().where('id', '=', id).where(venueIn(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToCancellationPolicy(row);
}

export async function listPolicies(
  db: PricingExecutor,
  filter: { venueId?: string | undefined },
  scope: VenueScope = ALL_VENUES,
): Promise<CancellationPolicy[]> {
  let q = db.selectFrom('pricing.cancellation_policy').selectAll().where(venueIn(scope));
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  const rows = await q
    .orderBy('venue_id')
    .orderBy('rate_plan_id', (ob) => ob.nullsFirst())
    .orderBy('id')
    .execute();
  return rows.map(rowToCancellationPolicy);
}

/** The policy that governs a venue, or one of its rate plans: the plan's if it has one, else the venue's. */
export async function policyFor(db: PricingExecutor, venueId: string, ratePlanId: string | null): Promise<CancellationPolicy | undefined> {
  const rows = await db
    .selectFrom('pricing.cancellation_policy')
    .selectAll()
    .where('venue_id', '=', venueId)
    .where((eb) =>
      ratePlanId === null ? eb('rate_plan_id', 'is', null) : eb.or([eb('rate_plan_id', 'is', null), eb('rate_plan_id', '=', ratePlanId)]),
    )
    .orderBy('rate_plan_id', (ob) => ob.nullsLast())
    .limit(1)
    .execute();
  const row = rows[0];
  return row && rowToCancellationPolicy(row);
}

export async function updatePolicy(
  trx: PricingTrx,
  id: string,
  changes: Updateable<CancellationPolicyTable>,
): Promise<CancellationPolicy | undefined> {
  const row = await trx.updateTable('pricing.cancellation_policy').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row && rowToCancellationPolicy(row);
}

export async function deletePolicy(trx: PricingTrx, id: string, scope: VenueScope = ALL_VENUES): Promise<boolean> {
  return (
    (await trx.deleteFrom('pricing.cancellation_policy').where('id', '=', id).where(venueIn(scope)).returning('id').execute()).length > 0
  );
}

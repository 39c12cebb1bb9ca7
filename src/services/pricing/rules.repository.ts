/** SQL of rate plans and the rules that price nights: date-range overrides, weekday rules, length-of-stay discounts. */
import type { Insertable, Updateable } from 'kysely';
import { ALL_VENUES, venueIn, type VenueScope } from './pricing.access.js';
import {
  rowToLosDiscount,
  rowToOverride,
  rowToRatePlan,
  rowToWeekdayRule,
  type LosDiscount,
  type RateOverride,
  type RatePlan,
  type WeekdayRule,
} from './pricing.model.js';
import type {
  LosDiscountTable,
  PricingExecutor,
  PricingTrx,
  RateOverrideTable,
  RatePlanTable,
  WeekdayRuleTable,
} from './pricing.tables.js';

/** Which rules a listing or a quote wants: a venue's, optionally narrowed to one rate plan's scope. */
export interface ScopeFilter {
  readonly venueId?: string | undefined;
  readonly ratePlanId?: string | undefined;
}

// ---------------------------------------------------------------- rate plans

export async function insertRatePlan(trx: PricingTrx, row: Insertable<RatePlanTable>): Promise<RatePlan> {
  return rowToRatePlan(await trx.insertInto('pricing.rate_plan').values(row).returningAll().executeTakeFirstOrThrow());
}

/** The RatePlan if it is within `scope` (another organization's is not found). */
export async function findRatePlan(
  db: PricingExecutor,
  id: string,
  lock = false,
  scope: VenueScope = ALL_VENUES,
): Promise<RatePlan | undefined> {
  let q = db.selectFrom('pricing.rate_plan').selectAll().where('id', '=', id).where(venueIn(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToRatePlan(row);
}

export async function findRatePlanByRoomType(
  db: PricingExecutor,
  roomTypeId: string,
  scope: VenueScope = ALL_VENUES,
): Promise<RatePlan | undefined> {
  const row = await db
    .selectFrom('pricing.rate_plan')
    .selectAll()
    .where('room_type_id', '=', roomTypeId)
    .where(venueIn(scope))
    .executeTakeFirst();
  return row && rowToRatePlan(row);
}

export async function listRatePlans(
  db: PricingExecutor,
  filter: { venueId?: string | undefined; roomTypeId?: string | undefined },
  scope: VenueScope = ALL_VENUES,
): Promise<RatePlan[]> {
  let q = db.selectFrom('pricing.rate_plan').selectAll().where(venueIn(scope));
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  if (filter.roomTypeId !== undefined) q = q.where('room_type_id', '=', filter.roomTypeId);
  const rows = await q.orderBy('venue_id').orderBy('room_type_id').execute();
  return rows.map(rowToRatePlan);
}

export async function updateRatePlan(trx: PricingTrx, id: string, changes: Updateable<RatePlanTable>): Promise<RatePlan | undefined> {
  const row = await trx.updateTable('pricing.rate_plan').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row && rowToRatePlan(row);
}

export async function deleteRatePlan(trx: PricingTrx, id: string, scope: VenueScope = ALL_VENUES): Promise<boolean> {
  const rows = await trx.deleteFrom('pricing.rate_plan').where('id', '=', id).where(venueIn(scope)).returning('id').execute();
  return rows.length > 0;
}

// ---------------------------------------------------------------- date-range overrides

export async function insertOverride(trx: PricingTrx, row: Insertable<RateOverrideTable>): Promise<RateOverride> {
  return rowToOverride(await trx.insertInto('pricing.rate_override').values(row).returningAll().executeTakeFirstOrThrow());
}

/** The Override if it is within `scope` (another organization's is not found). */
export async function findOverride(
  db: PricingExecutor,
  id: string,
  lock = false,
  scope: VenueScope = ALL_VENUES,
): Promise<RateOverride | undefined> {
  let q = db.selectFrom('pricing.rate_override').selectAll().where('id', '=', id).where(venueIn(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToOverride(row);
}

export async function listOverrides(db: PricingExecutor, filter: ScopeFilter, scope: VenueScope = ALL_VENUES): Promise<RateOverride[]> {
  let q = db.selectFrom('pricing.rate_override').selectAll().where(venueIn(scope));
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  if (filter.ratePlanId !== undefined) q = q.where('rate_plan_id', '=', filter.ratePlanId);
  const rows = await q.orderBy('venue_id').orderBy('starts_on').orderBy('id').execute();
  return rows.map(rowToOverride);
}

/** An override of the same scope (venue, rate plan or venue-wide) covering a night of [from, to). */
export async function findOverlappingOverride(
  db: PricingExecutor,
  scope: { venueId: string; ratePlanId: string | null; from: string; to: string; exceptId?: string },
): Promise<RateOverride | undefined> {
  let q = db
    .selectFrom('pricing.rate_override')
    .selectAll()
    .where('venue_id', '=', scope.venueId)
    .where('starts_on', '<', scope.to)
    .where('ends_on', '>', scope.from);
  q = scope.ratePlanId === null ? q.where('rate_plan_id', 'is', null) : q.where('rate_plan_id', '=', scope.ratePlanId);
  if (scope.exceptId !== undefined) q = q.where('id', '<>', scope.exceptId);
  const row = await q.orderBy('starts_on').executeTakeFirst();
  return row && rowToOverride(row);
}

/** The overrides that can price a night of [checkIn, checkOut): the venue's and the rate plan's. */
export async function overridesForStay(
  db: PricingExecutor,
  venueId: string,
  ratePlanId: string | null,
  checkIn: string,
  checkOut: string,
): Promise<RateOverride[]> {
  const rows = await db
    .selectFrom('pricing.rate_override')
    .selectAll()
    .where('venue_id', '=', venueId)
    .where((eb) =>
      ratePlanId === null ? eb('rate_plan_id', 'is', null) : eb.or([eb('rate_plan_id', 'is', null), eb('rate_plan_id', '=', ratePlanId)]),
    )
    .where('starts_on', '<', checkOut)
    .where('ends_on', '>', checkIn)
    .orderBy('starts_on')
    .orderBy('id')
    .execute();
  return rows.map(rowToOverride);
}

export async function updateOverride(
  trx: PricingTrx,
  id: string,
  changes: Updateable<RateOverrideTable>,
): Promise<RateOverride | undefined> {
  const row = await trx.updateTable('pricing.rate_override').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row && rowToOverride(row);
}

export async function deleteOverride(trx: PricingTrx, id: string, scope: VenueScope = ALL_VENUES): Promise<boolean> {
  return (await trx.deleteFrom('pricing.rate_override').where('id', '=', id).where(venueIn(scope)).returning('id').execute()).length > 0;
}

// ---------------------------------------------------------------- weekday rules

export async function insertWeekdayRule(trx: PricingTrx, row: Insertable<WeekdayRuleTable>): Promise<WeekdayRule> {
  return rowToWeekdayRule(await trx.insertInto('pricing.weekday_rule').values(row).returningAll().executeTakeFirstOrThrow());
}

/** The WeekdayRule if it is within `scope` (another organization's is not found). */
export async function findWeekdayRule(
  db: PricingExecutor,
  id: string,
  lock = false,
  scope: VenueScope = ALL_VENUES,
): Promise<WeekdayRule | undefined> {
  let q = db.selectFrom('pricing.weekday_rule').selectAll().where('id', '=', id).where(venueIn(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToWeekdayRule(row);
}

export async function listWeekdayRules(db: PricingExecutor, filter: ScopeFilter, scope: VenueScope = ALL_VENUES): Promise<WeekdayRule[]> {
  let q = db.selectFrom('pricing.weekday_rule').selectAll().where(venueIn(scope));
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  if (filter.ratePlanId !== undefined) q = q.where('rate_plan_id', '=', filter.ratePlanId);
  const rows = await q.orderBy('venue_id').orderBy('created_at').orderBy('id').execute();
  return rows.map(rowToWeekdayRule);
}

/** The weekday rules that apply to a quote: the venue's and the rate plan's. */
export async function weekdayRulesFor(db: PricingExecutor, venueId: string, ratePlanId: string | null): Promise<WeekdayRule[]> {
  const rows = await db
    .selectFrom('pricing.weekday_rule')
    .selectAll()
    .where('venue_id', '=', venueId)
    .where((eb) =>
      ratePlanId === null ? eb('rate_plan_id', 'is', null) : eb.or([eb('rate_plan_id', 'is', null), eb('rate_plan_id', '=', ratePlanId)]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(rowToWeekdayRule);
}

export async function updateWeekdayRule(
  trx: PricingTrx,
  id: string,
  changes: Updateable<WeekdayRuleTable>,
): Promise<WeekdayRule | undefined> {
  const row = await trx.updateTable('pricing.weekday_rule').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row && rowToWeekdayRule(row);
}

export async function deleteWeekdayRule(trx: PricingTrx, id: string, scope: VenueScope = ALL_VENUES): Promise<boolean> {
  return (await trx.deleteFrom('pricing.weekday_rule').where('id', '=', id).where(venueIn(scope)).returning('id').execute()).length > 0;
}

// ---------------------------------------------------------------- length-of-stay discounts

export async function insertLosDiscount(trx: PricingTrx, row: Insertable<LosDiscountTable>): Promise<LosDiscount> {
  return rowToLosDiscount(await trx.insertInto('pricing.los_discount').values(row).returningAll().executeTakeFirstOrThrow());
}

/** The LosDiscount if it is within `scope` (another organization's is not found). */
export async function findLosDiscount(
  db: PricingExecutor,
  id: string,
  lock = false,
  scope: VenueScope = ALL_VENUES,
): Promise<LosDiscount | undefined> {
  let q = db.selectFrom('pricing.los_discount').selectAll().where('id', '=', id).where(venueIn(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && rowToLosDiscount(row);
}

export async function listLosDiscounts(db: PricingExecutor, filter: ScopeFilter, scope: VenueScope = ALL_VENUES): Promise<LosDiscount[]> {
  let q = db.selectFrom('pricing.los_discount').selectAll().where(venueIn(scope));
  if (filter.venueId !== undefined) q = q.where('venue_id', '=', filter.venueId);
  if (filter.ratePlanId !== undefined) q = q.where('rate_plan_id', '=', filter.ratePlanId);
  const rows = await q.orderBy('venue_id').orderBy('min_nights').orderBy('id').execute();
  return rows.map(rowToLosDiscount);
}

/** The length-of-stay discounts that apply to a quote: the venue's and the rate plan's. */
export async function losDiscountsFor(db: PricingExecutor, venueId: string, ratePlanId: string | null): Promise<LosDiscount[]> {
  const rows = await db
    .selectFrom('pricing.los_discount')
    .selectAll()
    .where('venue_id', '=', venueId)
    .where((eb) =>
      ratePlanId === null ? eb('rate_plan_id', 'is', null) : eb.or([eb('rate_plan_id', 'is', null), eb('rate_plan_id', '=', ratePlanId)]),
    )
    .orderBy('min_nights')
    .orderBy('id')
    .execute();
  return rows.map(rowToLosDiscount);
}

export async function updateLosDiscount(
  trx: PricingTrx,
  id: string,
  changes: Updateable<LosDiscountTable>,
): Promise<LosDiscount | undefined> {
  const row = await trx.updateTable('pricing.los_discount').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row && rowToLosDiscount(row);
}

export async function deleteLosDiscount(trx: PricingTrx, id: string, scope: VenueScope = ALL_VENUES): Promise<boolean> {
  return (await trx.deleteFrom('pricing.los_discount').where('id', '=', id).where(venueIn(scope)).returning('id').execute()).length > 0;
}

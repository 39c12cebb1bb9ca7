/** SQL for stay rules. */
import type { Selectable } from 'kysely';
import type { InventoryExecutor, InventoryTrx } from '../inventory.tables.js';
import type { StayRuleTable } from './lodging.tables.js';
import type { StayRule } from './stay-rule.domain.js';

function rowToStayRule(r: Selectable<StayRuleTable>): StayRule {
  return {
    from: r.from_date,
    to: r.to_date,
    minStay: r.min_stay,
    maxStay: r.max_stay,
    closedToArrival: r.closed_to_arrival,
    closedToDeparture: r.closed_to_departure,
  };
}

export async function listStayRules(db: InventoryExecutor, roomTypeId: string): Promise<StayRule[]> {
  const rows = await db
    .selectFrom('inventory.stay_rule')
    .selectAll()
    .where('room_type_id', '=', roomTypeId)
    .orderBy('from_date')
    .orderBy('id')
    .execute();
  return rows.map(rowToStayRule);
}

/** The rules that can bear on a stay [checkIn, checkOut) (those covering the arrival or departure date). */
export async function stayRulesFor(db: InventoryExecutor, roomTypeId: string, checkIn: string, checkOut: string): Promise<StayRule[]> {
  const rules = await db
    .selectFrom('inventory.stay_rule')
    .selectAll()
    .where('room_type_id', '=', roomTypeId)
    .where('from_date', '<=', checkOut)
    .where('to_date', '>', checkIn)
    .execute();
  return rules.map(rowToStayRule);
}

export async function replaceStayRules(trx: InventoryTrx, roomTypeId: string, rules: readonly StayRule[]): Promise<void> {
  await trx.deleteFrom('inventory.stay_rule').where('room_type_id', '=', roomTypeId).execute();
  if (rules.length === 0) return;
  await trx
    .insertInto('inventory.stay_rule')
    .values(
      rules.map((r) => ({
        room_type_id: roomTypeId,
        from_date: r.from,
        to_date: r.to,
        min_stay: r.minStay,
        max_stay: r.maxStay,
        closed_to_arrival: r.closedToArrival,
        closed_to_departure: r.closedToDeparture,
      })),
    )
    .execute();
}

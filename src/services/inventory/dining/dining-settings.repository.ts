/** SQL for dining settings: one row per venue, with its duration rules, opening hours and closed dates. */
import type { InventoryExecutor, InventoryTrx } from '../inventory.tables.js';
import type { DiningSettings, SettingsInput } from './dining.settings.js';
import type { Weekday } from './slots.domain.js';

export async function findSettings(db: InventoryExecutor, venueId: string): Promise<DiningSettings | undefined> {
  const row = await db.selectFrom('inventory.dining_settings').selectAll().where('venue_id', '=', venueId).executeTakeFirst();
  if (row === undefined) return undefined;
  // One after the other: inside a transaction they share one connection.
  const rules = await db
    .selectFrom('inventory.dining_duration_rule')
    .select(['max_party', 'minutes'])
    .where('venue_id', '=', venueId)
    .orderBy('max_party')
    .execute();
  const hours = await db
    .selectFrom('inventory.dining_hours')
    .select(['weekday', 'opens_minute', 'closes_minute'])
    .where('venue_id', '=', venueId)
    .orderBy('weekday')
    .orderBy('opens_minute')
    .execute();
  const closed = await db
    .selectFrom('inventory.dining_closed_date')
    .select('date')
    .where('venue_id', '=', venueId)
    .orderBy('date')
    .execute();
  return {
    slotMinutes: row.slot_minutes,
    defaultDurationMinutes: row.default_duration_minutes,
    durationRules: rules.map((r) => ({ maxParty: r.max_party, minutes: r.minutes })),
    bufferMinutes: row.buffer_minutes,
    pacingCovers: row.pacing_covers,
    hours: hours.map((h) => ({ weekday: h.weekday as Weekday, opens: h.opens_minute, closes: h.closes_minute })),
    closedDates: new Set(closed.map((c) => c.date)),
    configured: true,
    updatedAt: row.updated_at,
  };
}

/** Replaces a venue's settings as a whole (PUT), inside the caller's transaction. */
export async function replaceSettings(trx: InventoryTrx, venueId: string, input: SettingsInput, now: Date): Promise<void> {
  const values = {
    slot_minutes: input.slotMinutes,
    default_duration_minutes: input.defaultDurationMinutes,
    buffer_minutes: input.bufferMinutes,
    pacing_covers: input.pacingCovers,
    updated_at: now,
  };
  // The upsert locks the settings row, so two concurrent replacements apply one after the other.
  await trx
    .insertInto('inventory.dining_settings')
    .values({ venue_id: venueId, ...values })
    .onConflict((oc) => oc.column('venue_id').doUpdateSet(values))
    .execute();
  await trx.deleteFrom('inventory.dining_duration_rule').where('venue_id', '=', venueId).execute();
  await trx.deleteFrom('inventory.dining_hours').where('venue_id', '=', venueId).execute();
  await trx.deleteFrom('inventory.dining_closed_date').where('venue_id', '=', venueId).execute();
  if (input.durationRules.length > 0) {
    await trx
      .insertInto('inventory.dining_duration_rule')
      .values(input.durationRules.map((r) => ({ venue_id: venueId, max_party: r.maxParty, minutes: r.minutes })))
      .execute();
  }
  if (input.hours.length > 0) {
    await trx
      .insertInto('inventory.dining_hours')
      .values(input.hours.map((h) => ({ venue_id: venueId, weekday: h.weekday, opens_minute: h.opens, closes_minute: h.closes })))
      .execute();
  }
  if (input.closedDates.length > 0) {
    await trx
      .insertInto('inventory.dining_closed_date')
      .values([...new Set(input.closedDates)].map((date) => ({ venue_id: venueId, date })))
      .execute();
  }
}

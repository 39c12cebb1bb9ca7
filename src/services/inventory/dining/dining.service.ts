/**
 * Why one file of ~430 lines: settings, tables and the table-taking SQL decide one invariant (no table
 * seated twice) together; the taking code needs the settings' rules in the same place.
 *
 * Dining use-cases: a venue's settings and tables, the slot availability of a day, and taking a table
 * for a party (a dining hold). Each use-case opens its own transaction.
 *
 * Taking a table is decided in SQL: the best free table is selected (smallest that seats the party,
 * then lowest id) and inserted as an allocation; if a concurrent request took that table meanwhile,
 * the EXCLUDE constraint raises 23P01, the insert is rolled back to a savepoint and the next best
 * table is tried. A table blocked only by expired holds counts as free: taking it reclaims them first
 * (`expireDueHolds`), so an expired hold never causes a refusal or a worse fit. Pacing (at
 * most N new covers per slot) is counted under a transaction-level advisory lock per venue and slot.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isCalendarDate } from '../../../platform/dates.js';
import { platformError } from '../../../platform/errors.js';
import { onceKey, runOnce, type Answer, type Output } from '../../../platform/idempotency/once.js';
import { expireDueHolds, findHold, insertHold, type Hold } from '../holds/hold.service.js';
import { inventoryKeys, type InventoryContext } from '../inventory.context.js';
import { inventoryError } from '../inventory.errors.js';
import { ALL, type Scope } from '../inventory.scope.js';
import type { InventoryExecutor, InventoryTrx, VenueType } from '../inventory.tables.js';
import { getVenue, requireSellingVenue, type Venue } from '../venues/venue.service.js';
import { diningError } from './dining.errors.js';
import { checkSettings, unconfiguredSettings, type DiningSettings, type SettingsInput } from './dining.settings.js';
import { findSettings, replaceSettings } from './dining-settings.repository.js';
import {
  findTableForUpdate,
  insertTable,
  listTables,
  seatingFit,
  updateTable,
  type DiningTable,
  type TableChanges,
} from './dining-table.repository.js';
import { resolveLocalTimes } from './local-time.repository.js';
import { candidateSlots, durationFor, parseTime, placeSeating, type SlotCandidate } from './slots.domain.js';
import {
  countSlots,
  coversStarting,
  expiredHoldsOnTable,
  findFreeTable,
  insertAllocation,
  lockPacingSlot,
  lockTable,
  type FreeTable,
  type SeatingWindow,
} from './table-allocation.repository.js';

export const DINING_VENUE_TYPES: readonly VenueType[] = ['restaurant', 'cafe'];
/** Attempts at taking a table when concurrent requests keep taking the chosen one first. */
const MAX_ALLOCATION_ATTEMPTS = 50;
const MINUTE = 60_000;

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A restaurant or cafe within the caller's scope, active or not (administration). */
async function requireDiningVenue(db: InventoryExecutor, venueId: string, scope: Scope): Promise<Venue> {
  const venue = await getVenue(db, venueId, scope);
  if (!DINING_VENUE_TYPES.includes(venue.type)) {
    throw inventoryError('VENUE_TYPE_MISMATCH', `Venue ${venueId} is a ${venue.type}; this needs a restaurant or cafe.`, {
      venue_type: venue.type,
    });
  }
  return venue;
}

async function settingsOf(db: InventoryExecutor, venue: Venue): Promise<DiningSettings> {
  return (await findSettings(db, venue.id)) ?? unconfiguredSettings(venue.type);
}

// ---------------------------------------------------------------------------------------------------
// Settings

export async function getDiningSettings(
  db: InventoryExecutor,
  venueId: string,
  scope: Scope = ALL,
): Promise<{ venue: Venue; settings: DiningSettings }> {
  const venue = await requireDiningVenue(db, venueId, scope);
  return { venue, settings: await settingsOf(db, venue) };
}

export async function putDiningSettings(
  ctx: InventoryContext,
  venueId: string,
  input: Omit<SettingsInput, 'defaultDurationMinutes'> & { defaultDurationMinutes?: number },
  scope: Scope = ALL,
): Promise<{ venue: Venue; settings: DiningSettings }> {
  return ctx.db.transaction().execute(async (trx) => {
    const venue = await requireDiningVenue(trx, venueId, scope);
    const full: SettingsInput = {
      ...input,
      defaultDurationMinutes: input.defaultDurationMinutes ?? unconfiguredSettings(venue.type).defaultDurationMinutes,
    };
    checkSettings(full);
    await replaceSettings(trx, venue.id, full, ctx.clock.now());
    return { venue, settings: (await findSettings(trx, venue.id))! };
  });
}

// ---------------------------------------------------------------------------------------------------
// Tables

export async function addTable(
  ctx: InventoryContext,
  venueId: string,
  input: { name: string; minSeats: number; maxSeats: number; area: string },
  scope: Scope = ALL,
): Promise<DiningTable> {
  if (input.minSeats > input.maxSeats) {
    throw platformError('VALIDATION_FAILED', `min_seats (${input.minSeats}) is above max_seats (${input.maxSeats}).`);
  }
  const venue = await requireDiningVenue(ctx.db, venueId, scope);
  const table = await insertTable(ctx.db, { id: randomUUID(), venueId: venue.id, ...input }, ctx.clock.now());
  if (table === undefined)
    throw diningError('TABLE_NAME_TAKEN', `Venue ${venue.id} already has a table named ${JSON.stringify(input.name)}.`);
  return table;
}

export async function venueTables(
  db: InventoryExecutor,
  venueId: string,
  includeInactive: boolean,
  scope: Scope = ALL,
): Promise<DiningTable[]> {
  const venue = await requireDiningVenue(db, venueId, scope);
  return listTables(db, venue.id, includeInactive);
}

/** Changes a table; seatings it already holds stand (a smaller table keeps the parties it has). */
export async function changeTable(ctx: InventoryContext, tableId: string, changes: TableChanges, scope: Scope = ALL): Promise<DiningTable> {
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const table = await findTableForUpdate(trx, tableId, scope);
      if (table === undefined) throw diningError('TABLE_NOT_FOUND', `Table ${tableId} does not exist.`);
      const min = changes.minSeats ?? table.minSeats;
      const max = changes.maxSeats ?? table.maxSeats;
      if (min > max) throw platformError('VALIDATION_FAILED', `min_seats (${min}) would be above max_seats (${max}).`);
      return (await updateTable(trx, tableId, changes, ctx.clock.now()))!;
    });
  } catch (err) {
    if (sqlState(err) === '23505')
      throw diningError('TABLE_NAME_TAKEN', `The venue already has a table named ${JSON.stringify(changes.name)}.`);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Seatings: shared by availability and holds, so that a slot shown free is a slot a hold can take.

export interface SeatingQuery {
  readonly venueId: string;
  readonly date: string;
  readonly partySize: number;
  /** Overrides the venue's duration for the party. */
  readonly durationMinutes?: number;
  readonly area?: string;
}

/** Refuses a party no active table of the venue (or of `area`) could ever seat. */
async function requireSeatable(db: InventoryExecutor, venue: Venue, party: number, area: string | undefined): Promise<void> {
  const fit = await seatingFit(db, venue.id, party, area);
  if (fit.largest === null) {
    throw diningError('PARTY_SIZE_NOT_SEATED', `Venue ${venue.id} has no active tables.`, { party_size: party, largest_table: null });
  }
  if (party > fit.largest) {
    throw diningError('PARTY_TOO_LARGE', `A party of ${party} is larger than the largest table of venue ${venue.id} (${fit.largest}).`, {
      party_size: party,
      largest_table: fit.largest,
    });
  }
  if (!fit.fits) {
    const where = area === undefined ? '' : ` in area ${JSON.stringify(area)}`;
    throw diningError('PARTY_SIZE_NOT_SEATED', `No active table${where} of venue ${venue.id} seats a party of ${party}.`, {
      party_size: party,
      ...(area !== undefined ? { area } : {}),
    });
  }
}

function requireDate(date: string): void {
  if (!isCalendarDate(date)) throw platformError('VALIDATION_FAILED', `date ${JSON.stringify(date)} is not a calendar date (YYYY-MM-DD).`);
}

interface ResolvedSlot {
  readonly candidate: SlotCandidate;
  readonly start: Date;
  readonly end: Date;
  readonly close: Date;
  readonly exists: boolean;
}

async function resolveSlots(
  db: InventoryExecutor,
  venue: Venue,
  candidates: readonly SlotCandidate[],
  duration: number,
): Promise<ResolvedSlot[]> {
  const times = await resolveLocalTimes(
    db,
    venue.timeZone,
    candidates.flatMap((c) => [c.localStart, c.localClose]),
  );
  return candidates.map((candidate, i) => {
    const start = times[2 * i]!;
    const close = times[2 * i + 1]!;
    return { candidate, start: start.at, end: new Date(start.at.getTime() + duration * MINUTE), close: close.at, exists: start.exists };
  });
}

export interface SlotAvailability {
  readonly time: string;
  readonly start: Date;
  readonly end: Date;
  readonly available: boolean;
  readonly tablesFree: number;
  /** Covers the slot can still start under pacing; null when the venue has no pacing. */
  readonly coversLeft: number | null;
}

export interface DayAvailability {
  readonly venue: Venue;
  readonly date: string;
  readonly partySize: number;
  readonly durationMinutes: number;
  /** The date is one of the venue's closed dates (seatings after midnight of the day before may remain). */
  readonly closed: boolean;
  readonly slots: readonly SlotAvailability[];
}

/**
 * The seatings a party can start on `date`: every slot of the opening hours (the seating must end by
 * closing time; the turn buffer may run past it) that has not started yet, with the fitting tables
 * free for its whole window and the covers pacing still allows. Two queries, whatever the number of slots.
 */
export async function dayAvailability(db: InventoryExecutor, q: SeatingQuery, now: Date): Promise<DayAvailability> {
  const venue = await requireSellingVenue(db, q.venueId, DINING_VENUE_TYPES);
  requireDate(q.date);
  const settings = await settingsOf(db, venue);
  await requireSeatable(db, venue, q.partySize, q.area);
  const duration = q.durationMinutes ?? durationFor(settings, q.partySize);
  const resolved = (await resolveSlots(db, venue, candidateSlots(settings, q.date), duration)).filter(
    (s) => s.exists && s.end <= s.close && s.start >= now,
  );
  const counts = await countSlots(db, {
    venueId: venue.id,
    party: q.partySize,
    area: q.area,
    now,
    slots: resolved.map((s) => ({
      start: s.start,
      blockedUntil: new Date(s.end.getTime() + settings.bufferMinutes * MINUTE),
      slotEnd: new Date(s.start.getTime() + settings.slotMinutes * MINUTE),
    })),
  });
  const slots = resolved.map((s, i): SlotAvailability => {
    const c = counts[i]!;
    const coversLeft = settings.pacingCovers === null ? null : Math.max(0, settings.pacingCovers - c.covers);
    return {
      time: s.candidate.time,
      start: s.start,
      end: s.end,
      available: c.tablesFree > 0 && (coversLeft === null || q.partySize <= coversLeft),
      tablesFree: c.tablesFree,
      coversLeft,
    };
  });
  return { venue, date: q.date, partySize: q.partySize, durationMinutes: duration, closed: settings.closedDates.has(q.date), slots };
}

// ---------------------------------------------------------------------------------------------------
// Dining holds

export interface DiningHoldRequest extends SeatingQuery {
  /** Venue-local 'HH:MM', on the venue's slot grid. */
  readonly time: string;
  readonly ttlSeconds: number;
}

interface Seating {
  readonly venue: Venue;
  readonly settings: DiningSettings;
  readonly window: SeatingWindow;
  readonly durationMinutes: number;
}

/** Checks a seating request against the venue's hours, tables and the clock; refuses bad input first. */
async function planSeating(trx: InventoryTrx, r: DiningHoldRequest, now: Date, scope: Scope = ALL): Promise<Seating> {
  const venue = await requireSellingVenue(trx, r.venueId, DINING_VENUE_TYPES, scope);
  requireDate(r.date);
  const settings = await settingsOf(trx, venue);
  const minute = parseTime(r.time);
  if (minute === undefined) throw platformError('VALIDATION_FAILED', `time ${JSON.stringify(r.time)} is not a time HH:MM.`);
  if (minute % settings.slotMinutes !== 0) {
    throw platformError('VALIDATION_FAILED', `time ${r.time} is not on the venue's ${settings.slotMinutes}-minute slot grid.`, {
      slot_minutes: settings.slotMinutes,
    });
  }
  await requireSeatable(trx, venue, r.partySize, r.area);
  const duration = r.durationMinutes ?? durationFor(settings, r.partySize);

  const placed = placeSeating(settings, r.date, minute);
  switch (placed.kind) {
    case 'closed':
      throw diningError('VENUE_CLOSED', `Venue ${venue.id} is closed on ${placed.serviceDate}.`, { closed_date: placed.serviceDate });
    case 'outside':
      throw diningError('OUTSIDE_OPENING_HOURS', `Venue ${venue.id} is not open for a seating at ${r.time} on ${r.date}.`);
    case 'open':
      break;
  }
  const [slot] = await resolveSlots(trx, venue, [placed.slot], duration);
  if (!slot!.exists) {
    throw platformError('VALIDATION_FAILED', `${r.date} ${r.time} does not exist in ${venue.timeZone} (the clocks go forward).`);
  }
  if (slot!.end > slot!.close) {
    throw diningError(
      'OUTSIDE_OPENING_HOURS',
      `A ${duration}-minute seating at ${r.time} would end after closing time (${placed.slot.localClose.slice(11)}).`,
      { closes_at: slot!.close.toISOString(), seating_end: slot!.end.toISOString() },
    );
  }
  if (slot!.start < now) throw diningError('SLOT_IN_PAST', `The seating at ${r.date} ${r.time} would start in the past.`);
  return {
    venue,
    settings,
    durationMinutes: duration,
    window: {
      venueId: venue.id,
      party: r.partySize,
      area: r.area,
      start: slot!.start,
      blockedUntil: new Date(slot!.end.getTime() + settings.bufferMinutes * MINUTE),
    },
  };
}

/**
 * Takes the best free table for the window, retrying on the next one when a concurrent request wins.
 * Expired holds in the way are reclaimed on the table chosen, so they never push a party to a worse table.
 */
async function allocateTable(
  trx: InventoryTrx,
  ctx: InventoryContext,
  seating: Seating,
  holdId: string,
  r: DiningHoldRequest,
  now: Date,
): Promise<FreeTable> {
  for (let attempt = 0; attempt < MAX_ALLOCATION_ATTEMPTS; attempt++) {
    const table = await findFreeTable(trx, seating.window, now);
    if (table === undefined) {
      throw diningError(
        'NO_TABLE_AVAILABLE',
        `No table for a party of ${r.partySize} is free at ${r.date} ${r.time} for ${seating.durationMinutes} minutes.`,
        { party_size: r.partySize, date: r.date, time: r.time, duration_minutes: seating.durationMinutes },
      );
    }
    // Inside the savepoint, so that rolling back to it also lets go of the table's row lock.
    await sql`savepoint dining_allocation`.execute(trx);
    try {
      await lockTable(trx, table.id);
      const expired = await expiredHoldsOnTable(trx, table.id, seating.window, now);
      if (expired.length > 0) await expireDueHolds(trx, ctx.holdKinds, now, { holdIds: expired });
      await insertAllocation(trx, {
        holdId,
        tableId: table.id,
        venueId: seating.venue.id,
        party: r.partySize,
        start: seating.window.start,
        blockedUntil: seating.window.blockedUntil,
        localDate: r.date,
        localTime: r.time,
        durationMinutes: seating.durationMinutes,
        bufferMinutes: seating.settings.bufferMinutes,
        now,
      });
      await sql`release savepoint dining_allocation`.execute(trx);
      return table;
    } catch (err) {
      // 23P01: a concurrent request took this table for an overlapping window and committed: try the
      // next one. 40P01 (a deadlock, which the table lock should prevent) is retried the same way.
      const state = sqlState(err);
      if (state !== '23P01' && state !== '40P01') throw err;
      await sql`rollback to savepoint dining_allocation`.execute(trx);
    }
  }
  throw diningError('ALLOCATION_CONTENDED', `Too many concurrent requests for tables at ${r.date} ${r.time}; retry.`);
}

async function takeTable(trx: InventoryTrx, ctx: InventoryContext, r: DiningHoldRequest, now: Date, scope: Scope): Promise<Hold> {
  const seating = await planSeating(trx, r, now, scope);
  const pacing = seating.settings.pacingCovers;
  if (pacing !== null) {
    const slotStart = seating.window.start;
    await lockPacingSlot(trx, seating.venue.id, slotStart);
    const covers = await coversStarting(
      trx,
      seating.venue.id,
      slotStart,
      new Date(slotStart.getTime() + seating.settings.slotMinutes * MINUTE),
      now,
    );
    if (covers + r.partySize > pacing) {
      throw diningError(
        'PACING_LIMIT',
        `The ${r.time} slot already starts ${covers} of at most ${pacing} covers; a party of ${r.partySize} does not fit.`,
        {
          pacing_covers: pacing,
          covers_booked: covers,
          party_size: r.partySize,
        },
      );
    }
  }
  const holdId = await insertHold(trx, { kind: 'dining', venueId: seating.venue.id, ttlSeconds: r.ttlSeconds, now });
  await allocateTable(trx, ctx, seating, holdId, r, now);
  return (await findHold(trx, ctx.holdKinds, holdId))!;
}

/** The operation part of the idempotency scope of dining holds (the caller's principal comes first). */
export const DINING_HOLD_OPERATION = 'inventory.hold.dining';
export const DINING_HOLD_SCOPE = `anonymous:${DINING_HOLD_OPERATION}`;

/**
 * Takes one table for a party as a HELD hold. With a key (scope DINING_HOLD_SCOPE), the same request
 * is answered once: a retry gets the stored answer (the hold, or the same refusal).
 */
export function holdTable<R>(ctx: InventoryContext, r: DiningHoldRequest, out: Output<Hold, R>, scope: Scope = ALL): Promise<Answer<R>> {
  return runOnce(inventoryKeys(ctx), onceKey(out.key, r), out.render, (trx, now) => takeTable(trx, ctx, r, now, scope));
}

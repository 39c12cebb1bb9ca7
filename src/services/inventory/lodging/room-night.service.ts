/**
 * Taking and giving back room-nights, and the rolling horizon of nightly rows.
 *
 * Taking a stay is one conditional UPDATE over all its nights, inside the caller's transaction, under a
 * savepoint: when fewer nights than the stay has were taken, the partial update is rolled back, the
 * expired holds on those nights are reclaimed (a request is never refused because of a hold whose
 * expiry has passed) and the UPDATE is tried once more; if it still falls short, nothing is taken and
 * NO_AVAILABILITY names the first full night.
 */
import { sql } from 'kysely';
import { addDays, nightsOf } from '../../../platform/dates.js';
import type { HoldKinds } from '../holds/hold.kinds.js';
import { expireDueHolds } from '../holds/hold.service.js';
import type { InventoryDb, InventoryTrx } from '../inventory.tables.js';
import { horizonAt } from './lodging.calendar.js';
import { lodgingError } from './lodging.errors.js';
import { markHorizon, type RoomType } from './room-type.repository.js';
import { expiredHoldsOn, insertHorizonRows, insertMissingNights, releaseDirectRows, takeNightRows } from './room-night.repository.js';

export interface TakeNights {
  readonly roomType: Pick<RoomType, 'id' | 'nightsFrom' | 'nightsUntil'>;
  readonly checkIn: string;
  readonly checkOut: string;
  readonly quantity: number;
  /** Taken outside a hold (/rooms, /inventory adjust): counted in reserved_direct too. */
  readonly direct: boolean;
  readonly now: Date;
}

function firstMissing(all: readonly string[], taken: readonly string[]): string {
  const got = new Set(taken);
  return all.find((n) => !got.has(n)) ?? all[0]!;
}

/** Creates the rows of the stay's nights that lie outside the guaranteed horizon. */
async function ensureRows(trx: InventoryTrx, t: Pick<TakeNights, 'roomType' | 'checkIn' | 'checkOut'>): Promise<void> {
  const last = addDays(t.checkOut, -1);
  if (t.checkIn >= t.roomType.nightsFrom && last <= t.roomType.nightsUntil) return;
  await insertMissingNights(trx, t.roomType.id, t.checkIn, t.checkOut);
}

/** Takes every night of the stay or none (NO_AVAILABILITY with `details.night`); returns the nights. */
export async function takeNights(trx: InventoryTrx, kinds: HoldKinds, t: TakeNights): Promise<string[]> {
  const nights = nightsOf(t.checkIn, t.checkOut);
  await ensureRows(trx, t);
  const input = { roomTypeId: t.roomType.id, checkIn: t.checkIn, checkOut: t.checkOut, quantity: t.quantity, direct: t.direct };

  await sql`savepoint take_nights`.execute(trx);
  let taken = await takeNightRows(trx, input);
  if (taken.length === nights.length) return nights;
  await sql`rollback to savepoint take_nights`.execute(trx);

  const due = await expiredHoldsOn(trx, t.roomType.id, t.checkIn, t.checkOut, t.now);
  if (due.length > 0) {
    await expireDueHolds(trx, kinds, t.now, { holdIds: due });
    await sql`savepoint take_nights_retry`.execute(trx);
    taken = await takeNightRows(trx, input);
    if (taken.length === nights.length) return nights;
    await sql`rollback to savepoint take_nights_retry`.execute(trx);
  }
  const night = firstMissing(nights, taken);
  throw lodgingError(
    'NO_AVAILABILITY',
    `No ${t.quantity === 1 ? 'room' : `${t.quantity} rooms`} of type ${t.roomType.id} left on ${night}.`,
    {
      night,
      room_type_id: t.roomType.id,
    },
  );
}

/**
 * Gives back `quantity` directly reserved rooms on every night of the stay, or none
 * (NOTHING_TO_RELEASE with `details.night`). Held rooms are never touched: their hold gives them back.
 */
export async function releaseDirectNights(
  trx: InventoryTrx,
  r: { roomTypeId: string; checkIn: string; checkOut: string; quantity: number },
): Promise<string[]> {
  const nights = nightsOf(r.checkIn, r.checkOut);
  await sql`savepoint release_nights`.execute(trx);
  const released = await releaseDirectRows(trx, r);
  if (released.length === nights.length) return nights;
  await sql`rollback to savepoint release_nights`.execute(trx);
  const night = firstMissing(nights, released);
  throw lodgingError('NOTHING_TO_RELEASE', `No directly reserved room of type ${r.roomTypeId} to release on ${night}.`, {
    night,
    room_type_id: r.roomTypeId,
  });
}

/**
 * Makes sure every room type has its nightly rows from yesterday to today + HORIZON_DAYS (the clock's
 * today). Idempotent and cheap (only the missing nights are written); the service runs it at start and
 * daily. Returns how many room types it extended.
 */
export async function extendNightHorizon(db: InventoryDb, now: Date): Promise<number> {
  const { from, until } = horizonAt(now);
  return db.transaction().execute(async (trx) => {
    const ids = await insertHorizonRows(trx, from, until);
    await markHorizon(trx, ids, from, until);
    return ids.length;
  });
}

/**
 * Lodging holds: take `quantity` rooms of a room type on every night of a stay, or nothing; shorten a
 * held or confirmed stay (an early departure gives back the nights from the new check-out on).
 * Confirm, release and expiry are the shared hold lifecycle (holds/hold.service.ts).
 */
import { platformError } from '../../../platform/errors.js';
import { onceKey, runOnce, type Answer, type Output } from '../../../platform/idempotency/once.js';
import { expireDueHolds, findHold, getHold, HOLD_VENUE, insertHold, type Hold } from '../holds/hold.service.js';
import { inventoryKeys, type InventoryContext } from '../inventory.context.js';
import { inventoryError } from '../inventory.errors.js';
import { ALL, owned, type Scope } from '../inventory.scope.js';
import type { InventoryTrx } from '../inventory.tables.js';
import { requireSellingVenue } from '../venues/venue.service.js';
import { localDate, requireCalendarDate, requireStay } from './lodging.calendar.js';
import { lodgingError } from './lodging.errors.js';
import { describeLodgingHolds, giveBackHoldNightsFrom, insertHoldNights, setHoldCheckOut } from './room-night.repository.js';
import { takeNights } from './room-night.service.js';
import { findRoomType } from './room-type.repository.js';
import { stayRuleViolation } from './stay-rule.domain.js';
import { stayRulesFor } from './stay-rule.repository.js';

export interface LodgingHoldRequest {
  readonly roomTypeId: string;
  readonly checkIn: string;
  readonly checkOut: string;
  readonly quantity: number;
  readonly ttlSeconds: number;
}

/** The operation part of the idempotency scope of lodging holds (the caller's principal comes first). */
export const LODGING_HOLD_OPERATION = 'inventory.hold.lodging';
export const LODGING_HOLD_SCOPE = `anonymous:${LODGING_HOLD_OPERATION}`;

/**
 * Creates the hold inside `trx`: checks, stay rules, then one conditional UPDATE over the nights. A
 * room type outside the caller's scope is not found.
 */
export async function holdStay(
  trx: InventoryTrx,
  ctx: Pick<InventoryContext, 'holdKinds'>,
  req: LodgingHoldRequest,
  now: Date,
  scope: Scope = ALL,
): Promise<Hold> {
  requireStay(req.checkIn, req.checkOut);
  const roomType = await findRoomType(trx, req.roomTypeId, scope);
  if (roomType === undefined) throw lodgingError('ROOM_TYPE_NOT_FOUND', `Room type ${req.roomTypeId} does not exist.`);
  if (!roomType.active) throw lodgingError('ROOM_TYPE_INACTIVE', `Room type ${req.roomTypeId} is deactivated.`);
  const venue = await requireSellingVenue(trx, roomType.venueId, ['hotel']);
  const today = localDate(now, venue.timeZone);
  if (req.checkIn < today) {
    throw platformError('VALIDATION_FAILED', `check_in ${req.checkIn} is in the past (today is ${today} at the hotel).`, { today });
  }
  const violation = stayRuleViolation(await stayRulesFor(trx, roomType.id, req.checkIn, req.checkOut), req.checkIn, req.checkOut);
  if (violation !== undefined) throw lodgingError('STAY_RULE_VIOLATED', violation.message, violation.details);

  const holdId = await insertHold(trx, { kind: 'lodging', venueId: roomType.venueId, ttlSeconds: req.ttlSeconds, now });
  await takeNights(trx, ctx.holdKinds, {
    roomType,
    checkIn: req.checkIn,
    checkOut: req.checkOut,
    quantity: req.quantity,
    direct: false,
    now,
  });
  await insertHoldNights(trx, { holdId, roomTypeId: roomType.id, checkIn: req.checkIn, checkOut: req.checkOut, quantity: req.quantity });
  return (await findHold(trx, ctx.holdKinds, holdId))!;
}

/**
 * Creates a lodging hold in one transaction. With a key (scope LODGING_HOLD_SCOPE) it takes effect
 * once per key: a retry replays the stored answer, a refusal included; without one it runs once per call.
 */
export async function createLodgingHold<R>(
  ctx: InventoryContext,
  req: LodgingHoldRequest,
  out: Output<Hold, R>,
  scope: Scope = ALL,
): Promise<Answer<R>> {
  requireStay(req.checkIn, req.checkOut);
  const request = {
    room_type_id: req.roomTypeId,
    check_in: req.checkIn,
    check_out: req.checkOut,
    quantity: req.quantity,
    ttl_seconds: req.ttlSeconds,
  };
  return runOnce(inventoryKeys(ctx), onceKey(out.key, request), out.render, (trx, now) => holdStay(trx, ctx, req, now, scope));
}

/**
 * Shortens a lodging stay to end on `checkOut`: the nights from `checkOut` on go back on sale. A
 * date on or after the current check-out changes nothing (so a retry is harmless). A hold that ended
 * is refused (HOLD_NOT_ACTIVE, or HOLD_EXPIRED for a HELD hold past its expiry, which is expired here).
 */
export async function shortenLodgingHold(ctx: InventoryContext, holdId: string, checkOut: string, scope: Scope = ALL): Promise<Hold> {
  requireCalendarDate('check_out', checkOut);
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const hold = await owned(
      trx.selectFrom('inventory.hold').select(['kind', 'status', 'expires_at']).where('id', '=', holdId),
      scope,
      HOLD_VENUE,
    )
      .forUpdate()
      .executeTakeFirst();
    if (hold === undefined) throw inventoryError('HOLD_NOT_FOUND', `Hold ${holdId} does not exist.`);
    if (hold.kind !== 'lodging')
      throw lodgingError('HOLD_NOT_LODGING', `Hold ${holdId} is a ${hold.kind} hold; only lodging holds can be shortened.`);
    if (hold.status === 'RELEASED' || hold.status === 'EXPIRED') {
      throw inventoryError('HOLD_NOT_ACTIVE', `Hold ${holdId} is ${hold.status} and cannot be shortened.`, { status: hold.status });
    }
    if (hold.status === 'HELD' && hold.expires_at <= now) {
      await expireDueHolds(trx, ctx.holdKinds, now, { holdIds: [holdId] });
      return 'expired' as const;
    }
    const [stay] = await describeLodgingHolds(trx, [holdId]);
    if (stay === undefined) throw new Error(`lodging hold ${holdId} has no stay`);
    if (checkOut <= stay.check_in) {
      throw platformError('VALIDATION_FAILED', `check_out must be after the stay's check_in (${stay.check_in}).`, {
        check_in: stay.check_in,
        check_out: checkOut,
      });
    }
    if (checkOut >= stay.check_out) return 'unchanged' as const;
    await giveBackHoldNightsFrom(trx, holdId, checkOut);
    await setHoldCheckOut(trx, holdId, checkOut, now);
    return 'shortened' as const;
  });
  // The expiry is committed before refusing, so the nights are back on sale whatever the caller does next.
  if (outcome === 'expired') throw inventoryError('HOLD_EXPIRED', `Hold ${holdId} expired; its nights went back on sale.`);
  return getHold(ctx.db, ctx.holdKinds, holdId);
}

/**
 * The /rooms inventory primitive: reserve or release one room of a type on every night of a stay,
 * named by a client uuid that takes effect once. The operation row is inserted first in the
 * transaction, so a concurrent duplicate blocks on its primary key until the first commits and then
 * replays the recorded outcome. A refused operation is recorded (FAILED) and replays as refused.
 * Reserved rooms count as direct (reserved_direct); a release only gives back direct rooms, never a
 * room a hold took.
 */
import { isAppError } from '../../../platform/errors.js';
import type { InventoryContext } from '../inventory.context.js';
import type { InventoryTrx } from '../inventory.tables.js';
import { findVenue } from '../venues/venue.repository.js';
import { requireStay } from './lodging.calendar.js';
import { lodgingError } from './lodging.errors.js';
import type { RoomOperationKind } from './lodging.tables.js';
import { releaseDirectNights, takeNights } from './room-night.service.js';
import { findRoomType } from './room-type.repository.js';

export interface RoomOperationRequest {
  readonly uuid: string;
  readonly operation: RoomOperationKind;
  readonly roomTypeId: string;
  readonly checkIn: string;
  readonly checkOut: string;
}

export interface RoomOperationResult {
  /** True when this uuid had already succeeded: nothing changed now. */
  readonly replayed: boolean;
}

type Outcome = 'done' | 'replayed' | 'failed' | 'reused';

function failure(operation: RoomOperationKind, roomTypeId: string, night?: string) {
  return operation === 'RESERVE'
    ? lodgingError('NO_AVAILABILITY', `No room of type ${roomTypeId} is available on every night of the stay.`, {
        night,
        room_type_id: roomTypeId,
      })
    : lodgingError('NOTHING_TO_RELEASE', `No reserved room of type ${roomTypeId} to release on every night of the stay.`, {
        night,
        room_type_id: roomTypeId,
      });
}

async function apply(trx: InventoryTrx, ctx: InventoryContext, req: RoomOperationRequest, now: Date): Promise<void> {
  const roomType = (await findRoomType(trx, req.roomTypeId))!;
  if (req.operation === 'RELEASE') {
    await releaseDirectNights(trx, { roomTypeId: roomType.id, checkIn: req.checkIn, checkOut: req.checkOut, quantity: 1 });
    return;
  }
  const venue = await findVenue(trx, roomType.venueId);
  // A deactivated room type or hotel sells nothing: there is no available room.
  if (!roomType.active || venue?.active !== true) throw failure('RESERVE', roomType.id, req.checkIn);
  await takeNights(trx, ctx.holdKinds, { roomType, checkIn: req.checkIn, checkOut: req.checkOut, quantity: 1, direct: true, now });
}

export async function runRoomOperation(ctx: InventoryContext, req: RoomOperationRequest): Promise<RoomOperationResult> {
  requireStay(req.checkIn, req.checkOut);
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Outcome> => {
    const roomType = await findRoomType(trx, req.roomTypeId);
    if (roomType === undefined) throw lodgingError('ROOM_TYPE_NOT_FOUND', `Room type ${req.roomTypeId} does not exist.`);
    const inserted = await trx
      .insertInto('inventory.room_operation')
      .values({
        uuid: req.uuid,
        operation: req.operation,
        room_type_id: req.roomTypeId,
        check_in: req.checkIn,
        check_out: req.checkOut,
        status: 'SUCCESS',
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('uuid').doNothing())
      .returning('uuid')
      .executeTakeFirst();
    if (inserted === undefined) {
      const prior = await trx.selectFrom('inventory.room_operation').selectAll().where('uuid', '=', req.uuid).executeTakeFirstOrThrow();
      const same =
        prior.operation === req.operation &&
        prior.room_type_id === req.roomTypeId &&
        prior.check_in === req.checkIn &&
        prior.check_out === req.checkOut;
      if (!same) return 'reused';
      return prior.status === 'SUCCESS' ? 'replayed' : 'failed';
    }
    try {
      await apply(trx, ctx, req, now);
      return 'done';
    } catch (err) {
      if (!isAppError(err, 'NO_AVAILABILITY') && !isAppError(err, 'NOTHING_TO_RELEASE')) throw err;
      // Nothing was taken (the nights' update rolled back to its savepoint); the refusal is recorded.
      await trx.updateTable('inventory.room_operation').set({ status: 'FAILED', updated_at: now }).where('uuid', '=', req.uuid).execute();
      return 'failed';
    }
  });
  switch (outcome) {
    case 'done':
      return { replayed: false };
    case 'replayed':
      return { replayed: true };
    case 'failed':
      throw failure(req.operation, req.roomTypeId);
    case 'reused':
      throw lodgingError('OPERATION_UUID_REUSED', `Operation ${req.uuid} was already used for another operation or other parameters.`, {
        uuid: req.uuid,
      });
  }
}

/**
 * Adjusting a hotel's night by hand, for the hotel inventory view of seed 001: a positive number takes
 * rooms, a negative one returns rooms that were taken directly. Every adjustment is logged, so each
 * change of `reserved` is attributable. (The view's reads are plain queries: the routes call
 * hotel-inventory.repository.ts.)
 */
import { addDays } from '../../../platform/dates.js';
import { platformError } from '../../../platform/errors.js';
import type { InventoryContext } from '../inventory.context.js';
import { inventoryError } from '../inventory.errors.js';
import type { InventoryExecutor } from '../inventory.tables.js';
import { findVenue, type Venue } from '../venues/venue.repository.js';
import { requireCalendarDate } from './lodging.calendar.js';
import { lodgingError } from './lodging.errors.js';
import { logAdjustment } from './room-night.repository.js';
import { releaseDirectNights, takeNights } from './room-night.service.js';
import { findRoomTypesByName } from './room-type.repository.js';

/** The most rooms one adjustment may move. */
export const MAX_ADJUSTMENT = 10_000;

async function getHotel(db: InventoryExecutor, hotelId: string): Promise<Venue> {
  const venue = await findVenue(db, hotelId);
  if (venue === undefined || venue.type !== 'hotel') throw inventoryError('VENUE_NOT_FOUND', `Hotel ${hotelId} does not exist.`);
  return venue;
}

export interface Adjustment {
  readonly hotelId: string;
  /** The room type's name within the hotel (or its id). */
  readonly roomType: string;
  readonly date: string;
  /** Rooms taken (positive) or returned (negative). */
  readonly numRooms: number;
}

export async function adjustHotelInventory(ctx: InventoryContext, a: Adjustment): Promise<void> {
  requireCalendarDate('date', a.date);
  if (!Number.isInteger(a.numRooms) || Math.abs(a.numRooms) > MAX_ADJUSTMENT) {
    throw platformError('VALIDATION_FAILED', `num_rooms must be an integer between -${MAX_ADJUSTMENT} and ${MAX_ADJUSTMENT}.`);
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const hotel = await getHotel(trx, a.hotelId);
    if (!hotel.active) throw inventoryError('VENUE_INACTIVE', `Hotel ${a.hotelId} is deactivated.`);
    const matches = await findRoomTypesByName(trx, a.hotelId, a.roomType);
    const roomType = matches.length === 1 ? matches[0]! : undefined;
    if (roomType === undefined) {
      throw lodgingError(
        'ROOM_TYPE_NOT_FOUND',
        `Hotel ${a.hotelId} has ${matches.length === 0 ? 'no' : 'several'} room types named ${a.roomType}.`,
      );
    }
    if (a.numRooms === 0) return;
    const stay = { checkIn: a.date, checkOut: addDays(a.date, 1) };
    if (a.numRooms > 0) {
      await takeNights(trx, ctx.holdKinds, { roomType, ...stay, quantity: a.numRooms, direct: true, now });
    } else {
      await releaseDirectNights(trx, { roomTypeId: roomType.id, ...stay, quantity: -a.numRooms });
    }
    await logAdjustment(trx, {
      roomTypeId: roomType.id,
      night: a.date,
      delta: a.numRooms,
      source: 'inventory-adjust',
      reference: null,
      now,
    });
  });
}

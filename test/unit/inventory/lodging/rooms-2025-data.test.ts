import { describe, expect, it } from 'vitest';
import { parseNights, parseRoomTypes, readRooms2025 } from '../../../../src/datasets/rooms-2025.js';

describe('the rooms-2025 seed files', () => {
  it('parse into the 12 room types and 192 nightly counts', () => {
    const { roomTypes, nights } = readRooms2025();
    expect(roomTypes).toHaveLength(12);
    expect(roomTypes[9]).toEqual({ roomTypeId: 'STANDART_A', name: 'standard', capacityAdults: 4, price: 12000, totalQuantity: 20 });
    expect(nights).toHaveLength(192);
    expect(nights[0]).toEqual({ roomTypeId: 'DELUXE_A', date: '2025-12-05', reserved: 3 });
    expect(new Set(nights.map((n) => n.date)).size).toBe(16);
    // Every count fits its room type.
    const total = new Map(roomTypes.map((r) => [r.roomTypeId, r.totalQuantity]));
    expect(nights.every((n) => n.reserved <= total.get(n.roomTypeId)!)).toBe(true);
  });

  it('read value tuples however they are spaced', () => {
    expect(parseRoomTypes("VALUES ( 'X_1' ,'x', 2,300 , 4 ),('Y','y',1,2,3);")).toHaveLength(2);
    expect(parseNights("('X_1','2025-01-02',0),\n('X_1', '2025-01-03', 12);")).toEqual([
      { roomTypeId: 'X_1', date: '2025-01-02', reserved: 0 },
      { roomTypeId: 'X_1', date: '2025-01-03', reserved: 12 },
    ]);
  });
});

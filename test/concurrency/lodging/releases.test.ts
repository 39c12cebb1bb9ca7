/** Simultaneous releases never drive a night below zero and give back what was taken exactly once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredHolds } from '../../../src/services/inventory/holds/hold.service.js';
import { inventoryHoldKinds } from '../../../src/services/inventory/inventory.service-module.js';
import type { InventoryDb } from '../../../src/services/inventory/inventory.tables.js';
import type { TestContext } from '../../helpers/context.js';
import { expectInvariants, holdLodging, hotelContext, newRoomType, nights, roomsOp } from '../../helpers/lodging-fixtures.js';
import { atOnce } from '../../helpers/race.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext()));
afterAll(async () => ctx.close());

const db = () => ctx.database.db;
const uuid = (prefix: number, i: number) => `${String(prefix).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('simultaneous releases', () => {
  it('30 /rooms releases (distinct uuids) of 5 reserved rooms: 5 succeed, 25 get 409, never below zero', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 8 });
    const stay = { room_type_id: rt, check_in: '2026-07-01', check_out: '2026-07-03' };
    for (let i = 0; i < 5; i++) expect((await roomsOp(ctx, 'reserve', { ...stay, uuid: uuid(1, i) })).statusCode).toBe(200);
    // A hold's rooms on the same nights are not the /rooms surface's to release.
    expect((await holdLodging(ctx, { ...stay, quantity: 2 })).statusCode).toBe(201);

    const answers = await atOnce(30, (i) => roomsOp(ctx, 'release', { ...stay, uuid: uuid(2, i) }));
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(25);
    expect((await nights(db(), rt, '2026-07-01', '2026-07-03')).map((n) => [n.reserved, n.reserved_direct])).toEqual([
      [2, 0],
      [2, 0],
    ]);
    await expectInvariants(db());
  });

  it('20 /inventory adjusts of −1 against 4 directly taken rooms: 4 succeed', async () => {
    const rt = await newRoomType(ctx, hotel, { name: 'Twin', total_quantity: 6 });
    const adjust = (num_rooms: number) =>
      ctx.app.inject({ method: 'POST', url: `/inventory/${hotel}/adjust`, payload: { room_type: rt, date: '2026-07-10', num_rooms } });
    expect((await adjust(4)).statusCode).toBe(200);
    const answers = await atOnce(20, () => adjust(-1));
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(4);
    expect((await nights(db(), rt, '2026-07-10', '2026-07-11')).map((n) => n.reserved)).toEqual([0]);
    await expectInvariants(db());
  });

  it('the same hold released 20 times at once, racing its expiry sweep and a shorten, gives back once', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 5 });
    const holds = [];
    for (let i = 0; i < 3; i++) {
      const res = await holdLodging(ctx, {
        room_type_id: rt,
        check_in: '2026-08-01',
        check_out: '2026-08-04',
        quantity: 1,
        ttl_seconds: 60,
      });
      holds.push(res.json<{ id: string }>().id);
    }
    ctx.clock.advance(60_000); // all three are past their expiry
    const [a, b, c] = holds as [string, string, string];
    await Promise.all([
      ...Array.from({ length: 20 }, () => ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${a}/release`, payload: {} })),
      ...Array.from({ length: 5 }, () =>
        ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${b}/shorten`, payload: { check_out: '2026-08-02' } }),
      ),
      ...Array.from({ length: 5 }, () => ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${c}/confirm` })),
      sweepExpiredHolds(db() as InventoryDb, inventoryHoldKinds, ctx.clock.now()),
      sweepExpiredHolds(db() as InventoryDb, inventoryHoldKinds, ctx.clock.now()),
    ]);
    expect((await nights(db(), rt, '2026-08-01', '2026-08-04')).map((n) => n.reserved)).toEqual([0, 0, 0]);
    await expectInvariants(db());
  });
});

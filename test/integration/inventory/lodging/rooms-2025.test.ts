import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../../../src/datasets/index.js';
import { readRooms2025 } from '../../../../src/datasets/rooms-2025.js';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { expectInvariants } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await DATASETS['rooms-2025']!.load(ctx.deps);
});
afterAll(async () => ctx.close());

interface SearchRow {
  room_type_id: string;
  available_quantity?: number;
}

const search = async (query: string) => ctx.app.inject({ method: 'GET', url: `/rooms/search?${query}` });

describe('the rooms-2025 data set', () => {
  it('loads exactly the 12 room types and the 192 nightly counts of the seed files', async () => {
    const { roomTypes, nights } = readRooms2025();
    const list = await ctx.app.inject({ method: 'GET', url: '/rooms' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual(
      roomTypes.map((r) => ({
        room_type_id: r.roomTypeId,
        name: r.name,
        capacity_adults: r.capacityAdults,
        price: r.price,
        total_quantity: r.totalQuantity,
      })),
    );
    const { rows } = await sql<{ room_type_id: string; night: string; reserved: number; capacity: number }>`
      select room_type_id, night, reserved, capacity from inventory.room_night
      where night between '2025-12-05' and '2025-12-20' order by room_type_id, night`.execute(ctx.database.db);
    expect(rows).toHaveLength(192);
    const total = new Map(roomTypes.map((r) => [r.roomTypeId, r.totalQuantity]));
    expect(rows.map((r) => [r.room_type_id, r.night, r.reserved, r.capacity])).toEqual(
      nights.map((n) => [n.roomTypeId, n.date, n.reserved, total.get(n.roomTypeId)]),
    );
    await expectInvariants(ctx.database.db);
  });

  it('loading it again changes nothing', async () => {
    const before = await sql`select * from inventory.room_night order by 1, 2`.execute(ctx.database.db);
    await DATASETS['rooms-2025']!.load(ctx.deps);
    const after = await sql`select * from inventory.room_night order by 1, 2`.execute(ctx.database.db);
    expect(after.rows).toEqual(before.rows);
  });

  it('answers the issue’s search: only STANDART_A, with 5 rooms left', async () => {
    const res = await search('adults=4&min_price=8000&max_price=15000&check_in=2025-12-10&check_out=2025-12-12');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { room_type_id: 'STANDART_A', name: 'standard', capacity_adults: 4, price: 12000, total_quantity: 20, available_quantity: 5 },
    ]);
  });

  it('answers searches as the data implies', async () => {
    // The 002 smoke test: adults ≥ 2, 4000–15000, two nights. available = total − max(reserved) over the nights.
    const smoke = await search('adults=2&min_price=4000&max_price=15000&check_in=2025-12-10&check_out=2025-12-12');
    const expected = readRooms2025()
      .roomTypes.filter((r) => r.capacityAdults >= 2 && r.price >= 4000 && r.price <= 15000)
      .map((r) => {
        const max = Math.max(
          ...readRooms2025()
            .nights.filter((n) => n.roomTypeId === r.roomTypeId && n.date >= '2025-12-10' && n.date < '2025-12-12')
            .map((n) => n.reserved),
        );
        return { id: r.roomTypeId, available: r.totalQuantity - max };
      })
      .filter((r) => r.available > 0);
    expect(smoke.json<SearchRow[]>().map((r) => ({ id: r.room_type_id, available: r.available_quantity }))).toEqual(expected);

    // DELUXE_A over its busiest nights (12-07, 12-08: 4 of 10 reserved) → 6.
    const deluxe = await search('room_type_id=DELUXE_A&check_in=2025-12-05&check_out=2025-12-10');
    expect(deluxe.json()).toEqual([
      { room_type_id: 'DELUXE_A', name: 'deluxe', capacity_adults: 4, price: 25000, total_quantity: 10, available_quantity: 6 },
    ]);

    // By name, without dates: the three family rooms, no available_quantity.
    const family = await search('name=family');
    expect(family.json()).toEqual([
      { room_type_id: 'FAMILY_A', name: 'family', capacity_adults: 7, price: 20000, total_quantity: 7 },
      { room_type_id: 'FAMILY_B', name: 'family', capacity_adults: 6, price: 18000, total_quantity: 7 },
      { room_type_id: 'FAMILY_C', name: 'family', capacity_adults: 5, price: 16000, total_quantity: 7 },
    ]);

    // Filters without dates are applied (the original ignored them).
    const cheap = await search('adults=3&min_price=0&max_price=5000');
    expect(cheap.json<SearchRow[]>().map((r) => r.room_type_id)).toEqual(['ECONOM_A', 'ECONOM_B']);

    // Nights outside the seeded period have no rows and count as fully available.
    const january = await search('room_type_id=STANDART_C&check_in=2026-01-10&check_out=2026-01-12');
    expect(january.json()[0].available_quantity).toBe(20);
  });

  it('leaves out room types with nothing free on some night', async () => {
    // STANDART_A: 15 of 20 on 12-10; take the other 5 on that night and it disappears from the search.
    for (let i = 0; i < 5; i++) {
      const r = await ctx.app.inject({
        method: 'POST',
        url: '/rooms/reserve',
        payload: {
          uuid: `00000000-0000-4000-8000-00000000000${i}`,
          room_type_id: 'STANDART_A',
          check_in: '2025-12-10',
          check_out: '2025-12-11',
        },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const res = await search('adults=4&min_price=8000&max_price=15000&check_in=2025-12-10&check_out=2025-12-12');
    expect(res.json()).toEqual([]);
    await expectInvariants(ctx.database.db);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../../src/platform/dates.js';
import type { InventoryDb } from '../../../../src/services/inventory/inventory.tables.js';
import { extendNightHorizon } from '../../../../src/services/inventory/lodging/room-night.service.js';
import type { TestContext } from '../../../helpers/context.js';
import { expectInvariants, hotelContext, newRoomType, nights } from '../../../helpers/lodging-fixtures.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext())); // 2026-01-15T12:00:00Z
afterAll(async () => ctx.close());

const db = () => ctx.database.db;
const span = async (id: string) => {
  const rows = await nights(db(), id);
  return { first: rows[0]!.night, last: rows.at(-1)!.night, count: rows.length };
};

describe('the rolling horizon of nightly rows', () => {
  it('exists at least 365 days ahead from the day a room type is created, with no gap', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 7, overbooking_allowance: 2 });
    const { first, last, count } = await span(rt);
    expect(first <= '2026-01-15').toBe(true);
    expect(last >= addDays('2026-01-15', 365)).toBe(true);
    expect(count).toBe(Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000) + 1);
    expect((await nights(db(), rt)).every((n) => n.capacity === 9)).toBe(true);
  });

  it('is extended by extendNightHorizon as the clock moves, idempotently, at the current total', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 3 });
    const before = await span(rt);
    expect((await ctx.app.inject({ method: 'PATCH', url: `/api/v1/room-types/${rt}`, payload: { total_quantity: 5 } })).statusCode).toBe(
      200,
    );

    ctx.clock.advance(45 * 86_400_000);
    const today = ctx.clock.now().toISOString().slice(0, 10);
    expect(await extendNightHorizon(db() as InventoryDb, ctx.clock.now())).toBeGreaterThanOrEqual(1);
    const after = await span(rt);
    expect(after.first).toBe(before.first);
    expect(after.last >= addDays(today, 365)).toBe(true);
    expect(after.count).toBe(before.count + 45);
    const added = await nights(db(), rt, addDays(before.last, 1));
    expect(added).toHaveLength(45);
    expect(added.every((n) => n.capacity === 5 && n.reserved === 0)).toBe(true);

    expect(await extendNightHorizon(db() as InventoryDb, ctx.clock.now())).toBe(0);
    expect((await span(rt)).count).toBe(after.count);
    await expectInvariants(db(), rt);
  });

  it('is a scheduled job of the service (run at start-up and daily)', async () => {
    const job = ctx.deps.scheduler.jobs().find((j) => j.name === 'extend-night-horizon');
    expect(job?.schedule).toEqual({ dailyAtUtc: '00:05' });
    const rt = await newRoomType(ctx, hotel);
    ctx.clock.advance(10 * 86_400_000);
    const run = await ctx.deps.scheduler.runNow('extend-night-horizon');
    expect(run).toMatchObject({ ran: true, result: { room_types_extended: expect.any(Number) as number } });
    expect((await span(rt)).last >= addDays(ctx.clock.now().toISOString().slice(0, 10), 365)).toBe(true);
  });
});

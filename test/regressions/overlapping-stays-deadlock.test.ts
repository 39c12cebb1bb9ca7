/**
 * Regression (found by the hot-contention benchmark): overlapping stays taken and released at once
 * deadlocked on PostgreSQL (40P01, answered 500), because an UPDATE over a stay's nights locked them
 * in whatever order its scan met them. Nights are now locked in night order first. Every answer must
 * be a 201 or a clean 409 / 200, never a 500, and the counts must stay exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/platform/dates.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { expectInvariants, holdLodging, newHotel, newRoomType } from '../helpers/lodging-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

describe('overlapping stays under contention', () => {
  it('never deadlocks: 150 overlapping holds and releases at once', async () => {
    const hotel = await newHotel(ctx);
    const rt = await newRoomType(ctx, hotel, { total_quantity: 20 });
    // Stays of 1–6 nights starting anywhere in a 10-day window, so they overlap in every order.
    const stays = Array.from({ length: 150 }, (_, i) => {
      const checkIn = addDays('2026-05-01', (i * 7) % 10);
      return { room_type_id: rt, check_in: checkIn, check_out: addDays(checkIn, 1 + ((i * 5) % 6)) };
    });
    const first = await Promise.all(stays.slice(0, 50).map((s, i) => holdLodging(ctx, s, { 'idempotency-key': `warm-${i}` })));
    const held = first.filter((r) => r.statusCode === 201).map((r) => r.json<{ id: string }>().id);
    const mixed = await Promise.all([
      ...stays.slice(50).map((s, i) => holdLodging(ctx, s, { 'idempotency-key': `race-${i}` })),
      ...held.map((id) => ctx.app.inject({ method: 'POST', url: `/api/v1/holds/${id}/release`, payload: {} })),
    ]);
    for (const r of [...first, ...mixed]) expect([200, 201, 409], r.body).toContain(r.statusCode);
    await expectInvariants(ctx.database.db, rt);
  });
});

/**
 * Many identical requests at once under one uuid / idempotency key take effect once; a duplicate
 * waits for the first (its key row is inserted first in the same transaction) and replays its answer.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../../helpers/context.js';
import { expectInvariants, holdLodging, hotelContext, newRoomType, nights, roomsOp } from '../../helpers/lodging-fixtures.js';
import { atOnce } from '../../helpers/race.js';

let ctx: TestContext;
let hotel: string;
beforeAll(async () => ({ ctx, hotel } = await hotelContext()));
afterAll(async () => ctx.close());

const db = () => ctx.database.db;

describe('one uuid, one effect', () => {
  it('50 simultaneous /rooms/reserve with one uuid: one effect, 50 identical 200 answers', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 10 });
    const body = { uuid: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', room_type_id: rt, check_in: '2026-05-01', check_out: '2026-05-03' };
    const answers = await atOnce(50, () => roomsOp(ctx, 'reserve', body));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
    // The same operation in every answer; the message says which one acted and which replayed.
    const bodies = answers.map((a) => a.json<Record<string, unknown>>());
    const { message: _m, ...first } = bodies[0]!;
    for (const { message: _, ...rest } of bodies) expect(rest).toEqual(first);
    expect(first).toEqual({ status: 'success', operation: 'RESERVE', ...body });
    const messages = bodies.map((b) => b.message);
    expect(messages.filter((m) => m === 'one room reserved on every night of the stay')).toHaveLength(1);
    expect(messages.filter((m) => m === 'operation was already completed')).toHaveLength(49);

    expect((await nights(db(), rt, '2026-05-01', '2026-05-03')).map((n) => n.reserved)).toEqual([1, 1]);
    const ops = await sql<{ n: number }>`select count(*)::int as n from inventory.room_operation where uuid = ${body.uuid}`.execute(db());
    expect(ops.rows[0]!.n).toBe(1);
    await expectInvariants(db());
  });

  it('50 simultaneous /rooms/release with one uuid release one room once', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 10 });
    for (let i = 0; i < 3; i++) {
      const uuid = `6fa459ea-ee8a-4ca4-894e-db77e160355${i}`;
      expect((await roomsOp(ctx, 'reserve', { uuid, room_type_id: rt, check_in: '2026-05-10', check_out: '2026-05-11' })).statusCode).toBe(
        200,
      );
    }
    const body = { uuid: '9b2e7c1a-1111-4222-8333-444455556666', room_type_id: rt, check_in: '2026-05-10', check_out: '2026-05-11' };
    const answers = await atOnce(50, () => roomsOp(ctx, 'release', body));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
    expect((await nights(db(), rt, '2026-05-10', '2026-05-11')).map((n) => n.reserved)).toEqual([2]);
    await expectInvariants(db());
  });

  it('40 simultaneous hold creates with one idempotency key: one hold, every answer the stored one (or in progress)', async () => {
    const rt = await newRoomType(ctx, hotel, { total_quantity: 10 });
    const body = { room_type_id: rt, check_in: '2026-06-01', check_out: '2026-06-04', quantity: 2 };
    const answers = await atOnce(40, () => holdLodging(ctx, body, { 'idempotency-key': 'one-hold-please' }));
    const created = answers.filter((a) => a.statusCode === 201);
    const inProgress = answers.filter((a) => a.statusCode === 409);
    expect(created.length + inProgress.length).toBe(40);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(created.map((a) => a.json<{ id: string }>().id));
    expect(ids.size).toBe(1);
    for (const a of created) expect(a.json()).toEqual(created[0]!.json());
    for (const a of inProgress) expect(a.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_IN_PROGRESS' } });

    const holds = await sql<{ n: number }>`select count(*)::int as n from inventory.lodging_hold where room_type_id = ${rt}`.execute(db());
    expect(holds.rows[0]!.n).toBe(1);
    expect((await nights(db(), rt, '2026-06-01', '2026-06-04')).map((n) => n.reserved)).toEqual([2, 2, 2]);
    await expectInvariants(db());
  });
});

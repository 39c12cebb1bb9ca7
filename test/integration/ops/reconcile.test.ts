/**
 * The operator's reconciliation over real data made through the HTTP API: clean after every lifecycle
 * flow (paid create, change with a new payment and with a refund, cancel with a fee, no-show, promo
 * codes, a table, a retail basket, a direct /rooms reservation), then each check catches exactly the
 * one inconsistency a single hand-written SQL statement introduces, and is clean again once undone.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/ops/reconcile.js';
import { guest, makeDiningVenue, makeHotel, type Hotel } from '../../helpers/booking-fixtures.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { expectReconciled, reconcileNow } from '../../helpers/reconcile.js';

type Json = Record<string, unknown>;
const card = { card_number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' };
const START = '2026-01-15T12:00:00Z';

let ctx: TestContext;
let hotel: Hotel;
let restaurant: { venueId: string };
const promo = 'RECON10';
const product = 'RECON-MUG';
/** Bookings and holds made by the flows, by role. */
const made: Record<string, Json> = {};
let strayHoldId: string;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: Json, headers: Record<string, string> = {}): Promise<Json> {
  const res = await ctx.app.inject({ method, url, payload, headers });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
  return res.json<Json>();
}

function stay(n: number, date: string, nights: number, extra: Json = {}): Json {
  return {
    ...guest(n),
    venue_id: hotel.venueId,
    venue_type: 'hotel',
    booking_date: date,
    nights,
    party_size: 1,
    room_type_id: hotel.roomTypeId,
    ...extra,
  };
}

const exec = (statement: ReturnType<typeof sql>) => statement.execute(ctx.database.db);

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
  hotel = await makeHotel(ctx, { rooms: 10, price: 10_000 });
  restaurant = await makeDiningVenue(ctx, { tables: 3 });
  // Free until 48 h before arrival, then 20 %; a no-show costs the first night.
  await call('POST', '/api/v1/pricing/cancellation-policies', {
    venue_id: hotel.venueId,
    name: 'Standard',
    free_until_hours: 48,
    late_fee: { kind: 'percent', rate_bps: 2000 },
    no_show_fee: { kind: 'first_night' },
  });
  await call('POST', '/api/v1/pricing/promo-codes', { code: promo, kind: 'percent', discount_bps: 1000, max_uses: 100 });
  await call('POST', '/api/v1/stock', { product_id: product, product_name: 'Recon mug', quantity: 20 });

  // Paid and confirmed in one request.
  made.paid = await call('POST', '/api/v1/bookings', stay(1, '2026-03-01', 2, { payment_method: card }));
  // Changed to a longer (dearer) stay, paid with a new card: the first payment is replaced and refunded.
  const longer = await call('POST', '/api/v1/bookings', stay(2, '2026-03-10', 2, { payment_method: card }));
  made.longer = await call(
    'PUT',
    `/api/v1/bookings/${longer.id as string}`,
    { nights: 3, payment_method: card },
    { 'if-match': `"${longer.version as number}"` },
  );
  // Changed to a shorter (cheaper) stay: the difference is refunded.
  const shorter = await call('POST', '/api/v1/bookings', stay(3, '2026-03-20', 3, { payment_method: card }));
  made.shorter = await call(
    'PUT',
    `/api/v1/bookings/${shorter.id as string}`,
    { nights: 1 },
    { 'if-match': `"${shorter.version as number}"` },
  );
  // Cancelled the day before arrival: the policy keeps 20 %.
  const late = await call('POST', '/api/v1/bookings', stay(4, '2026-01-16', 2, { payment_method: card }));
  made.late = await call('POST', `/api/v1/bookings/${late.id as string}/cancel`, { reason: 'plans changed', cancelled_by: 'guest-4' });
  // A no-show keeps the first night.
  const noShow = await call('POST', '/api/v1/bookings', stay(5, '2026-01-15', 2, { payment_method: card }));
  made.noShow = await call('POST', `/api/v1/bookings/${noShow.id as string}/status`, { status: 'NO_SHOW', changed_by: 'front-desk' });
  // Promo codes: one use kept, one given back by a cancellation.
  made.promo = await call('POST', '/api/v1/bookings', stay(6, '2026-04-01', 2, { promo_code: promo, payment_method: card }));
  const promoCancelled = await call('POST', '/api/v1/bookings', stay(7, '2026-04-05', 1, { promo_code: promo, payment_method: card }));
  await call('POST', `/api/v1/bookings/${promoCancelled.id as string}/cancel`, { cancelled_by: 'guest-7' });
  // A stay checked in and completed, a table paid for, and a booking still PENDING (unpaid, HELD).
  const completed = await call('POST', '/api/v1/bookings', stay(8, '2026-01-15', 1, { payment_method: card }));
  await call('POST', `/api/v1/bookings/${completed.id as string}/status`, { status: 'CHECKED_IN' });
  await call('POST', `/api/v1/bookings/${completed.id as string}/status`, { status: 'COMPLETED' });
  // A table (the restaurant has no dining price: nothing to pay), confirmed by the front desk.
  const table = await call('POST', '/api/v1/bookings', {
    ...guest(9),
    venue_id: restaurant.venueId,
    venue_type: 'restaurant',
    booking_date: '2026-02-10',
    booking_time: '19:00',
    party_size: 2,
  });
  made.table = await call('POST', `/api/v1/bookings/${table.id as string}/status`, { status: 'CONFIRMED', changed_by: 'front-desk' });
  made.pending = await call('POST', '/api/v1/bookings', stay(10, '2026-05-01', 1));
  // Outside bookings: a direct /rooms reservation, a retail basket, and a lodging hold still HELD.
  await call('POST', '/rooms/reserve', {
    uuid: randomUUID(),
    room_type_id: hotel.roomTypeId,
    check_in: '2026-06-01',
    check_out: '2026-06-03',
  });
  await call('POST', '/api/v1/holds/retail', { product_id: product, quantity: 2 });
  const stray = await call('POST', '/api/v1/holds/lodging', {
    room_type_id: hotel.roomTypeId,
    check_in: '2026-07-01',
    check_out: '2026-07-02',
  });
  strayHoldId = stray.id as string;
});
afterAll(async () => ctx.close());

describe('innkeeper reconcile over data made through the API', () => {
  it('is clean after every lifecycle flow', async () => {
    expect(made.paid).toMatchObject({ status: 'CONFIRMED', amount_captured: 20_000 });
    expect(made.longer).toMatchObject({ total_price: 30_000, amount_captured: 30_000 });
    expect((made.longer!.metadata as Json).replaced_payment_intents).toHaveLength(1);
    expect(made.shorter).toMatchObject({ total_price: 10_000, amount_captured: 30_000, amount_refunded: 20_000 });
    expect(made.late).toMatchObject({ status: 'CANCELLED', cancellation_fee: 4_000, amount_refunded: 16_000 });
    expect(made.noShow).toMatchObject({ status: 'NO_SHOW', cancellation_fee: 10_000, amount_refunded: 10_000 });
    expect(made.promo).toMatchObject({ promo_code: promo, discount_amount: 2_000 });
    expect(made.table).toMatchObject({ status: 'CONFIRMED' });
    expect(made.pending).toMatchObject({ status: 'PENDING' });
    const report = await reconcileNow(ctx);
    expect(report).toEqual({ problems: [], checks: CHECKS.length });
    await expectReconciled(ctx);
  });

  // Each case: one SQL statement that breaks one thing, the one problem it must cause, and its undo.
  const paidId = () => made.paid!.id as string;
  const paidHold = () => made.paid!.inventory_reservation_id as string;
  const cases: {
    name: string;
    corrupt: () => Promise<unknown>;
    expected: () => { check: (typeof CHECKS)[number]; ids: Record<string, string> };
    undo: () => Promise<unknown>;
  }[] = [
    {
      name: "a night's reserved count bumped",
      corrupt: () =>
        exec(
          sql`update inventory.room_night set reserved = reserved + 1 where room_type_id = ${hotel.roomTypeId} and night = '2026-03-01'`,
        ),
      expected: () => ({ check: 'night-reserved', ids: { room_type_id: hotel.roomTypeId, night: '2026-03-01' } }),
      undo: () =>
        exec(
          sql`update inventory.room_night set reserved = reserved - 1 where room_type_id = ${hotel.roomTypeId} and night = '2026-03-01'`,
        ),
    },
    {
      name: 'a direct reservation nobody logged',
      corrupt: () =>
        exec(sql`update inventory.room_night set reserved = reserved + 1, reserved_direct = reserved_direct + 1
                 where room_type_id = ${hotel.roomTypeId} and night = '2026-06-10'`),
      expected: () => ({ check: 'night-direct', ids: { room_type_id: hotel.roomTypeId, night: '2026-06-10' } }),
      undo: () =>
        exec(sql`update inventory.room_night set reserved = reserved - 1, reserved_direct = reserved_direct - 1
                 where room_type_id = ${hotel.roomTypeId} and night = '2026-06-10'`),
    },
    {
      name: "a stock item's reserved units bumped",
      corrupt: () => exec(sql`update inventory.stock_item set reserved_qty = reserved_qty + 1 where product_id = ${product}`),
      expected: () => ({ check: 'stock-reserved', ids: { item_id: expect.any(String) as string, product_id: product } }),
      undo: () => exec(sql`update inventory.stock_item set reserved_qty = reserved_qty - 1 where product_id = ${product}`),
    },
    {
      name: "a confirmed table's allocation switched off",
      corrupt: () =>
        exec(
          sql`update inventory.table_allocation set active = false, ended_at = ${new Date(START)} where hold_id = ${made.table!.inventory_reservation_id}`,
        ),
      expected: () => ({
        check: 'table-allocation',
        ids: { hold_id: made.table!.inventory_reservation_id as string, table_id: expect.any(String) as string },
      }),
      undo: () =>
        exec(
          sql`update inventory.table_allocation set active = true, ended_at = null where hold_id = ${made.table!.inventory_reservation_id}`,
        ),
    },
    {
      name: 'a stray hold confirmed',
      corrupt: () => exec(sql`update inventory.hold set status = 'CONFIRMED', confirmed_at = ${new Date(START)} where id = ${strayHoldId}`),
      expected: () => ({ check: 'hold-unbooked', ids: { hold_id: strayHoldId } }),
      undo: () => exec(sql`update inventory.hold set status = 'HELD', confirmed_at = null where id = ${strayHoldId}`),
    },
    {
      name: "a confirmed booking's hold left HELD",
      corrupt: () => exec(sql`update inventory.hold set status = 'HELD' where id = ${paidHold()}`),
      expected: () => ({ check: 'booking-hold', ids: { booking_id: paidId(), hold_id: paidHold() } }),
      undo: () => exec(sql`update inventory.hold set status = 'CONFIRMED' where id = ${paidHold()}`),
    },
    {
      name: "a promo code's uses bumped",
      corrupt: () => exec(sql`update pricing.promo_code set uses = uses + 1 where code = ${promo}`),
      expected: () => ({ check: 'promo-uses', ids: { code: promo } }),
      undo: () => exec(sql`update pricing.promo_code set uses = uses - 1 where code = ${promo}`),
    },
    {
      name: 'a booking that forgot its promo code while the use stays taken',
      corrupt: () => exec(sql`update booking.booking set promo_code = null where id = ${made.promo!.id}`),
      expected: () => ({ check: 'promo-redemption', ids: { code: promo, booking_id: made.promo!.id as string } }),
      undo: () => exec(sql`update booking.booking set promo_code = ${promo} where id = ${made.promo!.id}`),
    },
    {
      name: 'a captured payment no booking names',
      corrupt: () => exec(sql`update booking.booking set payment_intent_id = null, amount_captured = 0 where id = ${paidId()}`),
      expected: () => ({ check: 'payment-unattached', ids: { intent_id: made.paid!.payment_intent_id as string, booking_id: paidId() } }),
      undo: () =>
        exec(
          sql`update booking.booking set payment_intent_id = ${made.paid!.payment_intent_id}, amount_captured = 20000 where id = ${paidId()}`,
        ),
    },
    {
      name: "a booking's captured amount changed",
      corrupt: () => exec(sql`update booking.booking set amount_captured = amount_captured + 100 where id = ${paidId()}`),
      expected: () => ({ check: 'booking-payment', ids: { booking_id: paidId() } }),
      undo: () => exec(sql`update booking.booking set amount_captured = amount_captured - 100 where id = ${paidId()}`),
    },
    {
      // The ledger's own triggers refuse this commit, so the statement runs with triggers off, as only a
      // superuser (or a restore) could.
      name: "an intent's refunded amount changed behind its ledger",
      corrupt: () =>
        ctx.database.db.transaction().execute(async (trx) => {
          await sql`set local session_replication_role = replica`.execute(trx);
          await sql`update payment.payment_intent set amount_refunded = 1 where id = ${made.paid!.payment_intent_id}`.execute(trx);
        }),
      expected: () => ({ check: 'payment-ledger', ids: { intent_id: made.paid!.payment_intent_id as string } }),
      undo: () =>
        ctx.database.db.transaction().execute(async (trx) => {
          await sql`set local session_replication_role = replica`.execute(trx);
          await sql`update payment.payment_intent set amount_refunded = 0 where id = ${made.paid!.payment_intent_id}`.execute(trx);
        }),
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('catches %s, and nothing else', async (_name, c) => {
    await c.corrupt();
    const { problems } = await reconcileNow(ctx);
    expect(problems).toEqual([expect.objectContaining(c.expected())]);
    expect(problems[0]!.message.length).toBeGreaterThan(20);
    await c.undo();
    await expectReconciled(ctx);
  });

  it('catches a booking task and a create saga left open past the deadline, and not before', async () => {
    const { rows } = await sql<{ id: number }>`
      select id from booking.task where action = 'release_hold' and booking_id = ${made.late!.id}`.execute(ctx.database.db);
    const taskId = String(rows[0]!.id);
    await exec(sql`update booking.task set done_at = null where id = ${taskId}`);
    const saga = await sql<{ id: string }>`select id from booking.saga where booking_id = ${paidId()}`.execute(ctx.database.db);
    const sagaId = saga.rows[0]!.id;
    await exec(sql`update booking.saga set status = 'running', updated_at = ${ctx.clock.now()} where id = ${sagaId}`);
    try {
      // Work in flight is not a problem until it is late.
      await expectReconciled(ctx);
      expect((await reconcileNow(ctx, { deadlineMs: 0 })).problems.map((p) => p.check)).toEqual(['task-overdue', 'saga-overdue']);
      ctx.clock.advanceMinutes(11);
      const { problems } = await reconcileNow(ctx);
      expect(problems).toEqual([
        expect.objectContaining({ check: 'task-overdue', ids: { task_id: taskId, booking_id: made.late!.id as string } }),
        expect.objectContaining({ check: 'saga-overdue', ids: { saga_id: sagaId, booking_id: paidId() } }),
      ]);
    } finally {
      await exec(sql`update booking.task set done_at = ${ctx.clock.now()} where id = ${taskId}`);
      await exec(sql`update booking.saga set status = 'completed' where id = ${sagaId}`);
      ctx.clock.set(START);
    }
    await expectReconciled(ctx);
  });
});

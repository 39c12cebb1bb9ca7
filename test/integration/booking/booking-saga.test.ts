/**
 * The create saga with payment: a paid booking ends CONFIRMED with its hold confirmed and its
 * payment captured; a declined card leaves no active hold, no uncaptured intent and no CONFIRMED
 * booking, and the client gets a 402 with the processor's reason; a cancellation refunds what the
 * policy allows.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import {
  expectCompensated,
  expectNoSagaRunning,
  expectReconciled,
  guest,
  makeHotel,
  sagaIds,
  sagasOf,
  sagasSince,
} from '../../helpers/booking-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.listen();
});
afterAll(async () => ctx.close());
// Whatever a test refused, no saga may be left running behind it.
afterEach(async () => expectNoSagaRunning(ctx));

type Json = Record<string, unknown>;
const card = (number: string) => ({ card_number: number, exp_month: 12, exp_year: 2031, cvc: '123' });

async function intentsOf(bookingId: string) {
  const { rows } = await sql<{ status: string; amount: number; amount_received: number; amount_refunded: number }>`
    select status, amount, amount_received, amount_refunded from payment.payment_intent where booking_id = ${bookingId}`.execute(
    ctx.database.db,
  );
  return rows;
}

async function holdOf(holdId: string) {
  const { rows } = await sql<{ status: string }>`select status from inventory.hold where id = ${holdId}`.execute(ctx.database.db);
  return rows[0]?.status;
}

async function sagaOf(bookingId: string) {
  const { rows } = await sql<{ status: string; step: string; outcome: string | null }>`
    select status, step, outcome from booking.saga where booking_id = ${bookingId}`.execute(ctx.database.db);
  return rows[0];
}

describe('the create saga with payment', () => {
  it('holds, prices, pays and confirms in one request', async () => {
    const hotel = await makeHotel(ctx, { rooms: 2, price: 20_000 });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-03-01',
        nights: 2,
        party_size: 2,
        room_type_id: hotel.roomTypeId,
        payment_method: card('4242 4242 4242 4242'),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const b = res.json<Json>();
    expect(b).toMatchObject({
      status: 'CONFIRMED',
      payment_status: 'succeeded',
      inventory_status: 'CONFIRMED',
      total_price: 40_000,
      amount_captured: 40_000,
    });
    expect(res.body).not.toContain('4242');
    expect(await holdOf(b.inventory_reservation_id as string)).toBe('CONFIRMED');
    expect(await intentsOf(b.id as string)).toEqual([{ status: 'succeeded', amount: 40_000, amount_received: 40_000, amount_refunded: 0 }]);
    expect(await sagaOf(b.id as string)).toMatchObject({ status: 'completed', step: 'completed' });
    const events = await sql<{
      event_type: string;
    }>`select event_type from booking.outbox_event where aggregate_id = ${b.id} order by seq`.execute(ctx.database.db);
    expect(events.rows.map((e) => e.event_type)).toEqual(['booking.created', 'booking.status_changed', 'booking.confirmed']);
    await expectReconciled(ctx);

    // Cancelling a paid booking under the default policy (free cancellation) refunds it in full.
    const cancelled = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/bookings/${b.id as string}/cancel`,
      payload: { cancelled_by: 'guest-1', reason: 'ill' },
    });
    expect(cancelled.json<Json>()).toMatchObject({ status: 'CANCELLED', amount_refunded: 40_000, cancellation_fee: 0 });
    expect(await intentsOf(b.id as string)).toEqual([
      { status: 'succeeded', amount: 40_000, amount_received: 40_000, amount_refunded: 40_000 },
    ]);
    await expectReconciled(ctx);
  });

  it.each([
    ['4000 0000 0000 0002', 'card_declined'],
    ['4000 0000 0000 9995', 'insufficient_funds'],
  ])(
    'a declined card (%s) leaves no active hold, no uncaptured intent, no confirmed booking: 402 with the reason',
    async (number, code) => {
      const hotel = await makeHotel(ctx, { rooms: 1, price: 15_000 });
      const before = await sagaIds(ctx);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: { 'idempotency-key': `declined-${code}` },
        payload: {
          ...guest(2),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: '2026-03-05',
          nights: 1,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
          payment_method: card(number),
        },
      });
      expect(res.statusCode, res.body).toBe(402);
      expect(res.json<Json>()).toMatchObject({ error: { code: 'PAYMENT_DECLINED', details: { decline_code: code } } });

      const db = ctx.database.db;
      const bookings = await sql<{ id: string; status: string; cancellation_reason: string; inventory_reservation_id: string }>`
      select id, status, cancellation_reason, inventory_reservation_id from booking.booking where venue_id = ${hotel.venueId}`.execute(db);
      expect(bookings.rows).toHaveLength(1);
      const booking = bookings.rows[0]!;
      expect(booking.status).toBe('CANCELLED');
      expect(booking.cancellation_reason).toContain(code);
      expect(await holdOf(booking.inventory_reservation_id)).toBe('RELEASED');
      const active = await sql<{ n: number }>`
      select count(*)::int as n from inventory.hold h join inventory.hold_night n on n.hold_id = h.id
      where n.room_type_id = ${hotel.roomTypeId} and h.status in ('HELD', 'CONFIRMED')`.execute(db);
      expect(active.rows[0]!.n).toBe(0);
      const intents = await intentsOf(booking.id);
      expect(intents.every((i) => i.status === 'canceled' && i.amount_received === 0)).toBe(true);
      // The refusal came after the saga was recorded: its one saga is ended, compensated with the reason.
      const sagas = await sagasOf(ctx, booking.id);
      expect(sagas).toHaveLength(1);
      expectCompensated(sagas, new RegExp(code));
      expect(await sagasSince(ctx, before)).toEqual(sagas);
      await expectReconciled(ctx);

      // The room is free again: the next guest gets it.
      const next = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        payload: {
          ...guest(3),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: '2026-03-05',
          nights: 1,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
          payment_method: card('4242424242424242'),
        },
      });
      expect(next.statusCode).toBe(201);
      // The declined answer is what the key replays.
      const replay = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        headers: { 'idempotency-key': `declined-${code}` },
        payload: {
          ...guest(2),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: '2026-03-05',
          nights: 1,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
          payment_method: card(number),
        },
      });
      expect(replay.statusCode).toBe(402);
      expect(replay.body).toBe(res.body);
      expect(await sagasOf(ctx, booking.id), 'a replayed refusal starts no saga').toEqual(sagas);
    },
  );

  it('never writes a card number anywhere in the database', async () => {
    const { rows } = await sql<{ hit: string }>`
      select table_schema || '.' || table_name as hit from information_schema.columns
      where table_schema in ('booking', 'payment', 'inventory', 'pricing', 'platform') and data_type in ('text', 'jsonb', 'character varying')`.execute(
      ctx.database.db,
    );
    for (const { hit } of rows) {
      const [schema, table] = hit.split('.') as [string, string];
      const found = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.id(schema, table)} t where t::text like '%4242424242424242%' or t::text like '%4242 4242 4242 4242%'`.execute(
        ctx.database.db,
      );
      expect(found.rows[0]!.n, hit).toBe(0);
    }
  });
});

describe('promo codes through the booking saga', () => {
  it('discounts the booking, takes one use, gives it back on cancel, and never oversells the last use', async () => {
    const hotel = await makeHotel(ctx, { rooms: 10, price: 10_000 });
    const code = `SPRING${hotel.venueId.replace(/\D/g, '')}`;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/pricing/promo-codes',
      payload: { code, kind: 'percent', discount_bps: 1000, max_uses: 2 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const book = (n: number) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/bookings',
        payload: {
          ...guest(n),
          venue_id: hotel.venueId,
          venue_type: 'hotel',
          booking_date: '2026-04-01',
          nights: 2,
          party_size: 1,
          room_type_id: hotel.roomTypeId,
          promo_code: code,
          payment_method: card('4242 4242 4242 4242'),
        },
      });
    const first = await book(1);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json<Json>()).toMatchObject({
      base_price: 20_000,
      discount_amount: 2_000,
      total_price: 18_000,
      amount_captured: 18_000,
      promo_code: code,
    });

    // One use left, five guests racing for it: exactly one gets the discount, the others a clear refusal.
    const before = await sagaIds(ctx);
    const race = await Promise.all([2, 3, 4, 5, 6].map(book));
    const won = race.filter((r) => r.statusCode === 201);
    expect(won).toHaveLength(1);
    for (const r of race.filter((x) => x.statusCode !== 201)) {
      expect([400, 409]).toContain(r.statusCode);
      expect(r.json<Json>()).toMatchObject({ error: { code: 'PROMO_CODE_REJECTED' } });
    }
    // Each racer started a saga: the winner's completed, the four refused ones compensated.
    const raced = await sagasSince(ctx, before);
    expect(raced).toHaveLength(5);
    const wonId = won[0]!.json<Json>().id as string;
    expect(raced.filter((s) => s.booking_id === wonId)).toMatchObject([{ status: 'completed' }]);
    const refused = raced.filter((s) => s.booking_id !== wonId);
    expect(refused).toHaveLength(4);
    expectCompensated(refused);
    const uses = async () =>
      (await ctx.app.inject({ method: 'GET', url: `/api/v1/pricing/promo-codes/${code}` })).json<{ uses: number }>().uses;
    expect(await uses()).toBe(2);

    // Cancelling gives the use back (and refunds in full under the default policy).
    const id = first.json<Json>().id as string;
    const cancelled = await ctx.app.inject({ method: 'POST', url: `/api/v1/bookings/${id}/cancel`, payload: { cancelled_by: 'guest-1' } });
    expect(cancelled.json<Json>()).toMatchObject({ status: 'CANCELLED', amount_refunded: 18_000 });
    expect(await uses()).toBe(1);
    await expectReconciled(ctx);
  });
});

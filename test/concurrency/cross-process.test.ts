/**
 * Races between two full platform processes (`innkeeper start`, every service) on ONE PostgreSQL
 * database, as two replicas behind a load balancer would run: no in-process lock can help, only the
 * database.
 *
 * - The last rooms: creates split across both processes for a room type with 5 rooms → exactly 5 are
 *   booked (201), every other answer is 409 NO_AVAILABILITY, and the nights and holds agree.
 * - One idempotency key, the same create sent to both processes at once → exactly one booking (paid
 *   once); every answer is that booking's 201 or 409 IDEMPOTENCY_IN_PROGRESS; a retry replays the 201.
 *
 * PostgreSQL only: a PGlite data directory admits one process.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectConsistent, makeHotel, splitWorld, stay, APPROVED, type SplitWorld } from '../faults/split-world.js';
import { retry, send, type Json } from '../helpers/crash.js';
import type { StartedProcess } from '../helpers/process.js';

const backend = inject('backend');

describe.runIf(backend === 'postgres')('two platform processes on one database', () => {
  let world: SplitWorld;
  let a: StartedProcess;
  let b: StartedProcess;

  beforeAll(async () => {
    world = await splitWorld('xproc');
    // One after the other: start-up is heavy on a shared machine; the race is in the requests.
    a = await world.start([]);
    b = await world.start([]);
  }, 240_000);
  afterAll(async () => {
    await world?.killAll();
    await world?.dispose();
  });

  it('race for the last 5 rooms: exactly 5 creates win, the rest are 409 NO_AVAILABILITY', { timeout: 240_000 }, async () => {
    const hotel = await makeHotel(a.url, 5);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        send(i % 2 === 0 ? a.url : b.url, 'POST', '/api/v1/bookings', stay(hotel, i, 2, '2031-09-01'), {
          'idempotency-key': `last-rooms-${i}`,
        }),
      ),
    );
    const won = answers.filter((r) => r.status === 201);
    expect(won).toHaveLength(5);
    expect(
      answers.filter((r) => r.status !== 201 && !(r.status === 409 && (r.body.error as Json | undefined)?.code === 'NO_AVAILABILITY')),
      'every other answer is 409 NO_AVAILABILITY',
    ).toEqual([]);

    const nights = await world.query<{ night: string; reserved: number; capacity: number }>(
      `select night::text, reserved, capacity from inventory.room_night where room_type_id = $1 and night in ('2031-09-01', '2031-09-02') order by night`,
      [hotel.roomTypeId],
    );
    expect(nights).toEqual([
      { night: '2031-09-01', reserved: 5, capacity: 5 },
      { night: '2031-09-02', reserved: 5, capacity: 5 },
    ]);
    const holds = await world.query<{ id: string }>(
      `select h.id::text from inventory.hold h where h.status in ('HELD', 'CONFIRMED')
       and exists (select 1 from inventory.hold_night hn where hn.hold_id = h.id and hn.room_type_id = $1) order by 1`,
      [hotel.roomTypeId],
    );
    const bookings = await world.query<{ id: string; hold: string }>(
      `select id::text, inventory_reservation_id::text as hold from booking.booking
       where venue_id = $1 and status in ('PENDING', 'CONFIRMED') order by 2`,
      [hotel.venueId],
    );
    expect(bookings.map((x) => x.id).sort()).toEqual(won.map((r) => r.body.id as string).sort());
    expect(holds.map((h) => h.id)).toEqual(bookings.map((x) => x.hold));
    await expectConsistent(world);
  });

  it('one idempotency key sent to both processes at once: one booking, one charge, one answer', { timeout: 240_000 }, async () => {
    const hotel = await makeHotel(a.url, 3);
    const body = stay(hotel, 1, 2, '2031-10-01', APPROVED);
    const headers = { 'idempotency-key': 'one-key-two-processes' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(i % 2 === 0 ? a.url : b.url, 'POST', '/api/v1/bookings', body, headers)),
    );
    const created = answers.filter((r) => r.status === 201);
    expect(created.length, JSON.stringify(answers.map((r) => r.status))).toBeGreaterThan(0);
    const first = created[0]!.body;
    expect(first).toMatchObject({ status: 'CONFIRMED', amount_captured: 20_000 });
    expect(
      answers.filter(
        (r) =>
          !(r.status === 201 && JSON.stringify(r.body) === JSON.stringify(first)) &&
          !(r.status === 409 && (r.body.error as Json | undefined)?.code === 'IDEMPOTENCY_IN_PROGRESS'),
      ),
      'every answer is the one 201 or 409 IDEMPOTENCY_IN_PROGRESS',
    ).toEqual([]);
    for (const base of [a.url, b.url]) {
      const again = await retry(base, 'POST', '/api/v1/bookings', body, headers);
      expect(again).toEqual({ status: 201, body: first });
    }

    const bookings = await world.query<{ id: string }>(`select id::text from booking.booking where venue_id = $1`, [hotel.venueId]);
    expect(bookings.map((x) => x.id)).toEqual([first.id]);
    const intents = await world.query<{ status: string; received: number }>(
      `select status, amount_received::int as received from payment.payment_intent where booking_id = $1`,
      [first.id],
    );
    expect(intents).toEqual([{ status: 'succeeded', received: 20_000 }]);
    const [nights] = await world.query<{ reserved: number }>(
      `select max(reserved)::int as reserved from inventory.room_night where room_type_id = $1`,
      [hotel.roomTypeId],
    );
    expect(nights!.reserved).toBe(1);
    await expectConsistent(world);
  });
});

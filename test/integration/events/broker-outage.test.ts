/**
 * A broker outage loses nothing: with a TCP proxy between Innkeeper and the real RabbitMQ cut off for
 * 60 s (connections dropped, new ones black-holed) while 200 bookings are created and changed, the relay
 * keeps trying with backoff and reconnects by itself; once the proxy forwards again every event reaches
 * a queue bound to `innkeeper.events`, each booking's events in sequence order, and any duplicate
 * carries the same event id.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { guest, makeHotel } from '../../helpers/booking-fixtures.js';
import { bindTestQueue, type TestQueue } from '../../helpers/broker.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

type Json = Record<string, unknown>;
const OUTAGE_MS = 60_000;
const BOOKINGS = 200;

let ctx: TestContext;
let proxy: TcpProxy;
let queue: TestQueue;
// The outage is the broker's; the database back end does not change it. It runs once, on PostgreSQL
// (as deployed), to keep CI's time: a minute of outage plus the load around it.
const backend = inject('backend');

beforeAll(async () => {
  if (backend !== 'postgres') return;
  proxy = await startTcpProxy('127.0.0.1', 5672);
  queue = await bindTestQueue(['booking.#']);
  ctx = await createTestContext({ rabbitmqUrl: `amqp://guest:guest@127.0.0.1:${proxy.port}` });
  await ctx.listen();
  await ctx.events.broker!.check();
});
afterAll(async () => {
  await ctx?.close();
  await queue?.close();
  await proxy?.close();
});

describe.runIf(backend === 'postgres')('the broker cut off for 60 s', () => {
  it(
    'every event of 200 bookings created and changed meanwhile arrives afterwards, in order per booking',
    { timeout: 240_000 },
    async () => {
      const hotel = await makeHotel(ctx, { rooms: BOOKINGS, price: 10_000 });
      // The relay runs as in a server, its clock moving with real time.
      let driving = true;
      const runs: { published: number; paused?: string }[] = [];
      const driver = (async () => {
        while (driving) {
          ctx.clock.advance(100);
          runs.push(await ctx.events.relayNow());
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();

      const cutAt = Date.now();
      proxy.cut();
      const ids: string[] = [];
      for (let start = 0; start < BOOKINGS; start += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, BOOKINGS - start) }, async (_, i) => {
            const n = start + i;
            const res = await ctx.app.inject({
              method: 'POST',
              url: '/api/v1/bookings',
              payload: {
                ...guest(n),
                venue_id: hotel.venueId,
                venue_type: 'hotel',
                booking_date: '2026-03-01',
                nights: 1,
                party_size: 2,
                room_type_id: hotel.roomTypeId,
              },
            });
            expect(res.statusCode, res.body).toBe(201);
            const id = res.json<Json>().id as string;
            const changed = await ctx.app.inject({
              method: 'PUT',
              url: `/api/v1/bookings/${id}`,
              payload: { party_size: 3 },
              headers: { 'if-match': '"1"' },
            });
            expect(changed.statusCode, changed.body).toBe(200);
            const confirmed = await ctx.app.inject({
              method: 'POST',
              url: `/api/v1/bookings/${id}/status`,
              payload: { status: 'CONFIRMED', changed_by: 'desk' },
            });
            expect(confirmed.statusCode, confirmed.body).toBe(200);
            return id;
          }),
        );
        ids.push(...batch);
      }
      const created = new Set(ids);
      // Nothing of these bookings got through while the broker was away.
      expect(queue.received.filter((m) => created.has(m.envelope.aggregate_id))).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));
      expect(queue.received.filter((m) => created.has(m.envelope.aggregate_id))).toEqual([]);
      expect(runs.some((r) => r.paused !== undefined)).toBe(true);
      proxy.restore();

      const { rows } = await sql<{ event_id: string; aggregate_id: string; sequence: number }>`
      select event_id, aggregate_id, sequence from booking.outbox_event where aggregate_id = any(${ids}::text[]) order by seq`.execute(
        ctx.database.db,
      );
      // Each booking: created, updated, status_changed, confirmed.
      expect(rows.length).toBe(BOOKINGS * 4);
      const expected = new Set(rows.map((r) => r.event_id));
      await queue.until(
        (received) =>
          new Set(received.filter((m) => expected.has(m.envelope.event_id)).map((m) => m.envelope.event_id)).size === expected.size,
        90_000,
      );
      driving = false;
      await driver;

      const mine = queue.received.filter((m) => created.has(m.envelope.aggregate_id));
      // None lost, none invented; a duplicate is the same event (same id, same place in its booking's sequence).
      expect(new Set(mine.map((m) => m.envelope.event_id))).toEqual(expected);
      const bySequence = new Map(rows.map((r) => [`${r.aggregate_id}/${r.sequence}`, r.event_id]));
      for (const m of mine) {
        expect(m.messageId).toBe(m.envelope.event_id);
        expect(bySequence.get(`${m.envelope.aggregate_id}/${m.envelope.sequence}`)).toBe(m.envelope.event_id);
      }
      // Per booking, first arrivals in sequence order.
      for (const id of ids) {
        const firsts: number[] = [];
        for (const m of mine) if (m.envelope.aggregate_id === id && !firsts.includes(m.envelope.sequence)) firsts.push(m.envelope.sequence);
        expect(firsts, id).toEqual([1, 2, 3, 4]);
      }
      expect((await ctx.events.relay.lag()).map((l) => [l.outbox, l.unpublished, l.dead, l.oldest_unpublished_ms]).sort()).toEqual([
        ['booking', 0, 0, 0],
        ['inventory', 0, 0, 0],
        ['payment', 0, 0, 0],
      ]);
    },
  );
});

/**
 * Scenario 3, hot contention: 500 clients at once race for the last 50 rooms of one room type (booking
 * creates for the same 2-night stay), and for the last 50 units of one product (retail holds). Time
 * until the race is decided, p99, and exactness: exactly 50 winners, every loser a 409 naming the lack
 * of inventory, and the database agreeing. Baseline: the same race with the captured statements.
 */
import { addDays } from '../../src/platform/dates.js';
import { CAPTURED_NIGHTS } from '../lib/baseline.js';
import { createStayBooking, retailHold } from '../lib/bodies.js';
import { check, noOversell, settledReconciliation, type Check } from '../lib/checks.js';
import type { BenchContext, Row, ScenarioResult } from '../lib/context.js';
import { hotRoomType, stockItem } from '../lib/fixtures.js';
import { burst, HttpClient, outcomeLabel, type BurstResult } from '../lib/http.js';
import { replay, type ReplayResult } from '../lib/replay.js';
import { round } from '../lib/stats.js';

export const RACERS = 500;
export const LAST_UNITS = 50;
const PREBOOKED = 10;

async function nightsOf(ctx: BenchContext, roomTypeId: string): Promise<{ night: string; reserved: number; capacity: number }[]> {
  const { rows } = await ctx.pool.query<{ night: string; reserved: number; capacity: number }>(
    'select night, reserved, capacity from inventory.room_night where room_type_id = $1 and reserved > 0 order by night',
    [roomTypeId],
  );
  return rows;
}

const replayLabel = (r: ReplayResult) => ({ label: r.divergent === 0 ? r.path : `${r.path}, ${r.divergent} statements diverged` });

function raceChecks(name: string, race: BurstResult, winLabel: string, loseLabels: readonly string[]): Check[] {
  const wins = race.outcomes[winLabel] ?? 0;
  const other = Object.entries(race.outcomes).filter(([label]) => label !== winLabel && !loseLabels.includes(label));
  return [
    check(`${name}: exactly ${LAST_UNITS} winners`, wins === LAST_UNITS, `${wins} winners`),
    check(
      `${name}: every loser refused for want of inventory`,
      other.length === 0,
      other.length === 0 ? `${RACERS - wins} × ${loseLabels.join(' / ')}` : other.map(([l, n]) => `${n} × ${l}`).join(', '),
    ),
  ];
}

export async function runContention(ctx: BenchContext): Promise<ScenarioResult> {
  const { booking: bookingPlan, retail: retailPlan } = ctx.plans;
  if (bookingPlan === undefined || retailPlan === undefined) throw new Error('contention needs the captured plans');
  const http = new HttpClient(ctx.platform.url, RACERS);
  const rows: Row[] = [];
  const checks: Check[] = [];
  try {
    const checkIn = addDays(ctx.today, 30);
    const checkOut = addDays(checkIn, CAPTURED_NIGHTS);
    const hot = await hotRoomType(http, {
      venueId: 'bench-hot',
      rooms: LAST_UNITS + PREBOOKED,
      prebooked: PREBOOKED,
      checkIn,
      nights: CAPTURED_NIGHTS,
    });
    const hotDb = await hotRoomType(http, {
      venueId: 'bench-hot-db',
      rooms: LAST_UNITS + PREBOOKED,
      prebooked: PREBOOKED,
      checkIn,
      nights: CAPTURED_NIGHTS,
    });
    await stockItem(http, 'BENCH-HOT', LAST_UNITS);
    await stockItem(http, 'BENCH-HOT-DB', LAST_UNITS);
    await http.warm(RACERS);

    // Rooms, over HTTP.
    ctx.log(`contention: ${RACERS} clients race for the last ${LAST_UNITS} rooms (platform)`);
    let guest = 500_000;
    const {
      value: rooms,
      rss: roomsRss,
      cpu: roomsCpu,
    } = await ctx.measure(() => burst(RACERS, async () => ({ label: outcomeLabel(await http.send(createStayBooking(hot, ++guest))) })));
    // Rooms, the database alone.
    ctx.log(`contention: ${RACERS} clients race for the last ${LAST_UNITS} rooms (database alone)`);
    const { value: roomsDb, cpu: roomsDbCpu } = await ctx.measure(() =>
      burst(RACERS, async () =>
        replayLabel(
          await replay(ctx.baselinePool, bookingPlan, { venueId: hotDb.venueId, roomTypeId: hotDb.roomTypeId, checkIn, checkOut }),
        ),
      ),
    );
    // Stock, over HTTP and alone.
    ctx.log(`contention: ${RACERS} clients race for the last ${LAST_UNITS} units of a product (platform)`);
    const {
      value: stock,
      rss: stockRss,
      cpu: stockCpu,
    } = await ctx.measure(() => burst(RACERS, async () => ({ label: outcomeLabel(await http.send(retailHold('BENCH-HOT'))) })));
    ctx.log(`contention: ${RACERS} clients race for the last ${LAST_UNITS} units of a product (database alone)`);
    const { value: stockDb, cpu: stockDbCpu } = await ctx.measure(() =>
      burst(RACERS, async () => replayLabel(await replay(ctx.baselinePool, retailPlan, { productId: 'BENCH-HOT-DB' }))),
    );

    const row = (variant: string, target: Row['target'], r: BurstResult, extra: Partial<Row>): Row => ({
      scenario: 'hot contention',
      variant,
      target,
      clients: RACERS,
      requests: r.clients,
      throughput: round((r.clients / r.decidedMs) * 1000, 1),
      latency: r.latency,
      decidedMs: r.decidedMs,
      outcomes: r.outcomes,
      ...extra,
    });
    rows.push(
      row(`last ${LAST_UNITS} rooms: POST /api/v1/bookings`, 'platform', rooms, {
        ratio: round(roomsDb.decidedMs / rooms.decidedMs, 3),
        rss: roomsRss,
        cpu: roomsCpu,
      }),
      row(`last ${LAST_UNITS} rooms: the same statements with pg`, 'db-alone', roomsDb, { cpu: roomsDbCpu }),
      row(`last ${LAST_UNITS} units: POST /api/v1/holds/retail`, 'platform', stock, {
        ratio: round(stockDb.decidedMs / stock.decidedMs, 3),
        rss: stockRss,
        cpu: stockCpu,
      }),
      row(`last ${LAST_UNITS} units: the same statements with pg`, 'db-alone', stockDb, { cpu: stockDbCpu }),
    );

    checks.push(
      ...raceChecks('rooms race', rooms, '201', ['409 NO_AVAILABILITY']),
      ...raceChecks('rooms race (database alone)', roomsDb, 'win', ['lose']),
      ...raceChecks('stock race', stock, '201', ['409 INSUFFICIENT_STOCK']),
      ...raceChecks('stock race (database alone)', stockDb, 'win', ['lose']),
    );
    for (const rt of [hot.roomTypeId, hotDb.roomTypeId]) {
      const nights = await nightsOf(ctx, rt);
      const full =
        nights.length === CAPTURED_NIGHTS && nights.every((n) => n.reserved === n.capacity && n.capacity === LAST_UNITS + PREBOOKED);
      checks.push(
        check(`${rt}: every night of the stay exactly full`, full, nights.map((n) => `${n.night} ${n.reserved}/${n.capacity}`).join(', ')),
      );
    }
    const { rows: items } = await ctx.pool.query<{ product_id: string; quantity: number; reserved_qty: number }>(
      `select product_id, quantity, reserved_qty from inventory.stock_item where product_id in ('BENCH-HOT', 'BENCH-HOT-DB') and deleted_at is null`,
    );
    for (const item of items) {
      checks.push(
        check(
          `${item.product_id}: exactly ${LAST_UNITS} units held`,
          item.reserved_qty === LAST_UNITS && item.quantity === LAST_UNITS,
          `${item.reserved_qty}/${item.quantity} held`,
        ),
      );
    }
    checks.push(...(await noOversell(ctx.pool)), ...(await settledReconciliation(ctx.pool)));
    const p99 = Math.max(rooms.latency.p99, stock.latency.p99);
    return {
      name: 'hot contention',
      rows,
      checks,
      notes: [`worst p99 of the two races over HTTP: ${p99} ms (target < 250 ms)`],
    };
  } finally {
    await http.close();
  }
}

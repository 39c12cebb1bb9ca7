/**
 * Scenario 2, booking create end to end: POST /api/v1/bookings for 2-night stays spread over the 1,000
 * room types, 32 concurrent clients; bookings/s and p50/p99. Baseline: the statements the platform
 * issued for one such booking (captured), replayed with pg at the same concurrency on a pool as large
 * as the platform's.
 */
import { addDays } from '../../src/platform/dates.js';
import { CAPTURED_NIGHTS } from '../lib/baseline.js';
import { createStayBooking } from '../lib/bodies.js';
import { check, noOversell, settledReconciliation } from '../lib/checks.js';
import type { BenchContext, Row, ScenarioResult } from '../lib/context.js';
import { closedLoop, HttpClient, outcomeLabel, summary } from '../lib/http.js';
import { Rng } from '../lib/random.js';
import { replay } from '../lib/replay.js';
import { round } from '../lib/stats.js';

export const BOOKING_CLIENTS = 32;

function randomStay(ctx: BenchContext, rng: Rng) {
  const rt = rng.pick(ctx.hotels.roomTypes);
  const checkIn = addDays(ctx.today, rng.int(1, 330));
  return { venueId: rt.venueId, roomTypeId: rt.id, checkIn, nights: CAPTURED_NIGHTS, checkOut: addDays(checkIn, CAPTURED_NIGHTS) };
}

export async function runBookingCreate(ctx: BenchContext): Promise<ScenarioResult> {
  const plan = ctx.plans.booking;
  if (plan === undefined) throw new Error('booking create needs the captured plan');
  const http = new HttpClient(ctx.platform.url, BOOKING_CLIENTS);
  const rows: Row[] = [];
  try {
    ctx.log(`booking create: platform, ${BOOKING_CLIENTS} clients`);
    const rng = new Rng(2);
    let guest = 0;
    const {
      value: platform,
      rss,
      cpu,
    } = await ctx.measure(() =>
      closedLoop({
        clients: BOOKING_CLIENTS,
        durationMs: ctx.durations.bookingS * 1000,
        warmupMs: ctx.durations.warmupS * 1000,
        op: async () => {
          const res = await http.send(createStayBooking(randomStay(ctx, rng), ++guest));
          return { kind: 'create', label: outcomeLabel(res), ok: res.status === 201 || outcomeLabel(res) === '409 NO_AVAILABILITY' };
        },
      }),
    );

    ctx.log(`booking create: database alone, ${BOOKING_CLIENTS} clients`);
    const brng = new Rng(3);
    const { value: db, cpu: dbCpu } = await ctx.measure(() =>
      closedLoop({
        clients: BOOKING_CLIENTS,
        durationMs: ctx.durations.bookingS * 1000,
        warmupMs: ctx.durations.warmupS * 1000,
        op: async () => {
          const s = randomStay(ctx, brng);
          const r = await replay(ctx.baselinePool, plan, {
            venueId: s.venueId,
            roomTypeId: s.roomTypeId,
            checkIn: s.checkIn,
            checkOut: s.checkOut,
          });
          return {
            kind: 'create',
            label: r.divergent === 0 ? r.path : `${r.path}, ${r.divergent} statements diverged`,
            ok: r.divergent === 0,
          };
        },
      }),
    );

    const ratio = round(platform.throughput / db.throughput, 3);
    rows.push(
      {
        scenario: 'booking create',
        variant: 'POST /api/v1/bookings, 2-night stays over 1,000 room types',
        target: 'platform',
        clients: BOOKING_CLIENTS,
        requests: platform.completed,
        throughput: platform.throughput,
        latency: platform.latency,
        ratio,
        rss,
        cpu,
        outcomes: platform.outcomes,
      },
      {
        scenario: 'booking create',
        variant: `the same ${plan.win.statements.length} statements with pg`,
        target: 'db-alone',
        clients: BOOKING_CLIENTS,
        requests: db.completed,
        throughput: db.throughput,
        latency: db.latency,
        cpu: dbCpu,
        outcomes: db.outcomes,
      },
    );
    const checks = [
      check(
        'booking create: every answer 201 (or 409 NO_AVAILABILITY)',
        platform.unexpected === 0 && platform.completed > 0,
        platform.unexpected === 0 ? `${platform.completed} bookings` : `${platform.unexpected} unexpected: ${summary(platform.outcomes)}`,
        'answers',
      ),
      check(
        'booking create baseline: every replay ran as captured (same row counts)',
        db.unexpected === 0 && db.completed > 0,
        db.unexpected === 0 ? `${db.completed} replays` : `${db.unexpected} unexpected: ${summary(db.outcomes)}`,
        'answers',
      ),
      ...(await noOversell(ctx.pool)),
      ...(await settledReconciliation(ctx.pool)),
    ];
    return {
      name: 'booking create',
      rows,
      checks,
      notes: [`platform at ${(ratio * 100).toFixed(0)}% of the database alone (target ≥ 50%)`],
    };
  } finally {
    await http.close();
  }
}

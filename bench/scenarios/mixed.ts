/**
 * Scenario 4, a mixed day: 32 clients, each request drawn as 80% searches (lodging by hotel 50%, by
 * city 15%, dining 15%), 15% booking creates (stays of 1–7 nights), 2.5% updates (PUT with If-Match:
 * a note, or a new length of stay that is re-held) and 2.5% cancels, each client updating and
 * cancelling only its own bookings. Throughput, p99 per kind, and the reconciliation at the end.
 */
import { addDays } from '../../src/platform/dates.js';
import { cancelBooking, createStayBooking, updateBooking } from '../lib/bodies.js';
import { check, noOversell, settledReconciliation } from '../lib/checks.js';
import type { BenchContext, Row, ScenarioResult } from '../lib/context.js';
import { closedLoop, HttpClient, outcomeLabel, summary, type HttpResponse, type Outcome } from '../lib/http.js';
import { Rng } from '../lib/random.js';
import { searchVariants } from './search.js';

export const MIXED_CLIENTS = 32;

interface Owned {
  readonly id: string;
  version: number;
  nights: number;
}

export async function runMixed(ctx: BenchContext): Promise<ScenarioResult> {
  const http = new HttpClient(ctx.platform.url, MIXED_CLIENTS);
  const [byHotel, byCity, dining] = searchVariants(ctx);
  const owned: Owned[][] = Array.from({ length: MIXED_CLIENTS }, () => []);
  const rngs = Array.from({ length: MIXED_CLIENTS }, (_, i) => new Rng(4000 + i));
  let guest = 700_000;

  const create = async (w: number, rng: Rng): Promise<Outcome> => {
    const rt = rng.pick(ctx.hotels.roomTypes);
    const nights = rng.int(1, 7);
    const res = await http.send(
      createStayBooking({ venueId: rt.venueId, roomTypeId: rt.id, checkIn: addDays(ctx.today, rng.int(1, 330)), nights }, ++guest),
    );
    if (res.status === 201) owned[w]!.push({ id: res.json.id as string, version: res.json.version as number, nights });
    return { kind: 'create', label: outcomeLabel(res), ok: res.status === 201 || outcomeLabel(res) === '409 NO_AVAILABILITY' };
  };
  const search = async (rng: Rng, r: number): Promise<Outcome> => {
    const variant = r < 0.5 ? byHotel! : r < 0.65 ? byCity! : dining!;
    const res = await http.send(variant.request(rng));
    return { kind: r < 0.65 ? 'search lodging' : 'search dining', label: outcomeLabel(res), ok: res.status === 200 };
  };

  try {
    ctx.log(`mixed day: ${MIXED_CLIENTS} clients for ${ctx.durations.mixedS} s`);
    const {
      value: r,
      rss,
      cpu,
    } = await ctx.measure(() =>
      closedLoop({
        clients: MIXED_CLIENTS,
        durationMs: ctx.durations.mixedS * 1000,
        warmupMs: ctx.durations.warmupS * 1000,
        op: async (w) => {
          const rng = rngs[w]!;
          const roll = rng.next();
          if (roll < 0.8) return search(rng, roll);
          const mine = owned[w]!;
          if (roll < 0.95 || mine.length === 0) return create(w, rng);
          const i = rng.int(0, mine.length - 1);
          const b = mine[i]!;
          let res: HttpResponse;
          if (roll < 0.975) {
            const moves = rng.next() < 0.5;
            const nights = (b.nights % 7) + 1;
            res = await http.send(updateBooking(b.id, b.version, moves ? { nights } : { note: `late arrival ${rng.int(1, 99)}` }));
            if (res.status === 200) {
              b.version = res.json.version as number;
              if (moves) b.nights = nights;
            }
            const label = outcomeLabel(res);
            return { kind: moves ? 'update stay' : 'update note', label, ok: res.status === 200 || label === '409 NO_AVAILABILITY' };
          }
          res = await http.send(cancelBooking(b.id));
          if (res.status === 200) mine.splice(i, 1);
          return { kind: 'cancel', label: outcomeLabel(res), ok: res.status === 200 };
        },
      }),
    );
    const rows: Row[] = [
      {
        scenario: 'mixed day',
        variant: 'all requests',
        target: 'platform',
        clients: MIXED_CLIENTS,
        requests: r.completed,
        throughput: r.throughput,
        latency: r.latency,
        rss,
        cpu,
        outcomes: r.outcomes,
      },
      ...Object.entries(r.byKind).map(([kind, k]): Row => ({
        scenario: 'mixed day',
        variant: kind,
        target: 'platform',
        clients: MIXED_CLIENTS,
        requests: k.count,
        throughput: k.throughput,
        latency: k.latency,
        outcomes: Object.fromEntries(Object.entries(r.outcomes).filter(([label]) => label.startsWith(`${kind} `))),
      })),
    ];
    const checks = [
      check(
        'mixed day: every answer expected',
        r.unexpected === 0 && r.completed > 0,
        r.unexpected === 0 ? `${r.completed} requests` : `${r.unexpected} unexpected: ${summary(r.outcomes)}`,
        'answers',
      ),
      ...(await noOversell(ctx.pool)),
      ...(await settledReconciliation(ctx.pool)),
    ];
    return { name: 'mixed day', rows, checks, notes: [] };
  } finally {
    await http.close();
  }
}

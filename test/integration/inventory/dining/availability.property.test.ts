/**
 * Slot availability against an in-memory model: random tables (some deactivated on the way), buffers,
 * slot lengths and pacing; random holds, releases, confirmations and clock moves (so that some holds
 * expire). After every step, the slots of a random party, area and seating length must be exactly
 * what the model says: the slot list, `tables_free` (fitting active tables with no live seating
 * overlapping the slot's window and turn buffer), `covers_left` and `available`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { availability, confirm, everyDay, newDiningVenue, postHold, release, type AvailabilityReply } from './dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const DATE = '2026-01-15'; // London, GMT: local time = UTC; the clock starts that morning, so slots start passing
const OPENS = 12 * 60;
const CLOSES = 23 * 60;
const at = (m: number) => Date.parse(`${DATE}T00:00:00Z`) + m * 60_000;
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const AREAS = ['main', 'terrace'] as const;

type Command =
  | { kind: 'hold'; party: number; slot: number; duration: number; ttl: number }
  | { kind: 'release'; pick: number }
  | { kind: 'confirm'; pick: number }
  | { kind: 'toggle'; pick: number }
  | { kind: 'advance'; seconds: number };

interface Query {
  party: number;
  area: (typeof AREAS)[number] | undefined;
  duration: number;
}

const query: fc.Arbitrary<Query> = fc.record({
  party: fc.integer({ min: 1, max: 8 }),
  area: fc.constantFrom(undefined, ...AREAS),
  duration: fc.constantFrom(30, 60, 90, 120),
});

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      party: fc.integer({ min: 1, max: 7 }),
      slot: fc.nat({ max: 40 }),
      duration: fc.constantFrom(30, 60, 90, 120),
      ttl: fc.constantFrom(60, 900, 3600),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('toggle' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 30, max: 1800 }) }) },
);

const tableSpec = fc
  .record({ min: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 5 }), area: fc.constantFrom(...AREAS) })
  .map((t) => ({ min_seats: t.min, max_seats: t.min + t.extra, area: t.area }));

interface ModelTable {
  id: string;
  min: number;
  max: number;
  area: string;
  active: boolean;
}
interface ModelSeating {
  id: string;
  tableId: string;
  party: number;
  /** The table is blocked for [from, to): the seating and its turn buffer. */
  from: number;
  to: number;
  status: 'HELD' | 'CONFIRMED' | 'RELEASED';
  expiresAt: number;
}

describe('slot availability (property)', () => {
  it('counts free tables, covers left and availability per slot exactly as a reference model does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(tableSpec, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(0, 15, 30),
        fc.constantFrom(15, 30),
        fc.option(fc.integer({ min: 3, max: 12 }), { nil: null }),
        fc.array(fc.tuple(command, query), { minLength: 5, maxLength: 25 }),
        async (specs, buffer, slotMinutes, pacing, steps) => {
          ctx.clock.set(`${DATE}T11:00:00Z`);
          const made = await newDiningVenue(ctx, {
            settings: {
              hours: everyDay(hhmm(OPENS), hhmm(CLOSES)),
              slot_minutes: slotMinutes,
              buffer_minutes: buffer,
              ...(pacing === null ? {} : { pacing_covers: pacing }),
            },
            tables: specs.map((t, i) => ({ name: `T${i}`, ...t })),
          });
          const tables: ModelTable[] = made.tables.map((t) => ({
            id: t.id,
            min: t.min_seats,
            max: t.max_seats,
            area: t.area,
            active: true,
          }));
          const seatings: ModelSeating[] = [];
          const now = () => ctx.clock.now().getTime();
          const live = (s: ModelSeating) => s.status === 'CONFIRMED' || (s.status === 'HELD' && s.expiresAt > now());

          const check = async (q: Query): Promise<void> => {
            const res = await availability(ctx, {
              venue_id: made.venueId,
              date: DATE,
              party_size: q.party,
              duration_minutes: q.duration,
              ...(q.area === undefined ? {} : { area: q.area }),
            });
            const fitting = tables.filter(
              (t) => t.active && t.min <= q.party && q.party <= t.max && (q.area === undefined || t.area === q.area),
            );
            if (fitting.length === 0) {
              expect(res.statusCode, res.body).toBe(422);
              return;
            }
            expect(res.statusCode, res.body).toBe(200);
            const expected = [];
            for (let m = OPENS; m + q.duration <= CLOSES; m += slotMinutes) {
              const start = at(m);
              if (start < now()) continue;
              const blockedUntil = start + (q.duration + buffer) * 60_000;
              const busy = fitting.filter((t) =>
                seatings.some((s) => live(s) && s.tableId === t.id && s.from < blockedUntil && start < s.to),
              );
              const covers = seatings
                .filter((s) => live(s) && s.from >= start && s.from < start + slotMinutes * 60_000)
                .reduce((sum, s) => sum + s.party, 0);
              const tablesFree = fitting.length - busy.length;
              const coversLeft = pacing === null ? null : Math.max(0, pacing - covers);
              expected.push({
                time: hhmm(m),
                start: new Date(start).toISOString(),
                end: new Date(start + q.duration * 60_000).toISOString(),
                available: tablesFree > 0 && (coversLeft === null || q.party <= coversLeft),
                tables_free: tablesFree,
                covers_left: coversLeft,
              });
            }
            expect(res.json<AvailabilityReply>().slots).toEqual(expected);
          };

          for (const [c, q] of steps) {
            switch (c.kind) {
              case 'hold': {
                // A seating on the venue's grid that ends by closing time and has not started.
                const m = OPENS + (c.slot % (Math.floor((CLOSES - OPENS - c.duration) / slotMinutes) + 1)) * slotMinutes;
                if (at(m) < now()) break;
                const res = await postHold(ctx, {
                  venue_id: made.venueId,
                  date: DATE,
                  time: hhmm(m),
                  party_size: c.party,
                  duration_minutes: c.duration,
                  ttl_seconds: c.ttl,
                });
                // Refusals (taken, pacing, no active table seats the party) are the hold tests' business.
                expect([201, 409, 422], res.body).toContain(res.statusCode);
                if (res.statusCode === 201) {
                  const body = res.json<{ id: string; details: { table_id: string } }>();
                  seatings.push({
                    id: body.id,
                    tableId: body.details.table_id,
                    party: c.party,
                    from: at(m),
                    to: at(m) + (c.duration + buffer) * 60_000,
                    status: 'HELD',
                    expiresAt: now() + c.ttl * 1000,
                  });
                }
                break;
              }
              case 'release': {
                if (seatings.length === 0) break;
                const s = seatings[c.pick % seatings.length]!;
                expect((await release(ctx, s.id)).statusCode).toBe(200);
                if (live(s)) s.status = 'RELEASED';
                break;
              }
              case 'confirm': {
                if (seatings.length === 0) break;
                const s = seatings[c.pick % seatings.length]!;
                const res = await confirm(ctx, s.id);
                expect(res.statusCode, res.body).toBe(live(s) ? 200 : 409);
                if (live(s)) s.status = 'CONFIRMED';
                break;
              }
              case 'toggle': {
                const t = tables[c.pick % tables.length]!;
                const res = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/tables/${t.id}`, payload: { active: !t.active } });
                expect(res.statusCode, res.body).toBe(200);
                t.active = !t.active;
                break;
              }
              case 'advance':
                ctx.clock.advance(c.seconds * 1000);
                break;
            }
            await check(q);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

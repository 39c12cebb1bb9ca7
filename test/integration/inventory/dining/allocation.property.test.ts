/**
 * Table allocation against an in-memory model: random tables, parties, times, durations, releases,
 * confirmations and clock moves. After every step: no table is double-booked, a party is refused only
 * when no fitting table is free for its whole window, and a granted party gets the best free fit.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { confirm, doubleBookings, everyDay, newDiningVenue, postHold, release } from './dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const DATE = '2026-01-20'; // London, GMT: local time = UTC
const TIMES = Array.from({ length: 7 }, (_, i) => 18 * 60 + i * 30); // 18:00 … 21:00: a busy evening
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const at = (m: number) => Date.parse(`${DATE}T00:00:00Z`) + m * 60_000;

type Command =
  | { kind: 'hold'; party: number; time: number; duration: number; ttl: number }
  | { kind: 'release'; pick: number }
  | { kind: 'confirm'; pick: number }
  | { kind: 'advance'; seconds: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      party: fc.integer({ min: 1, max: 7 }),
      time: fc.constantFrom(...TIMES),
      duration: fc.constantFrom(60, 90, 120),
      ttl: fc.constantFrom(60, 900),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 30, max: 600 }) }) },
);

const tableSpec = fc
  .record({ min: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 5 }), area: fc.constantFrom('main', 'terrace') })
  .map((t) => ({ min_seats: t.min, max_seats: t.min + t.extra, area: t.area }));

interface ModelTable {
  id: string;
  min: number;
  max: number;
}
interface ModelHold {
  id: string;
  tableId: string;
  from: number;
  to: number;
  status: 'HELD' | 'CONFIRMED' | 'RELEASED';
  expiresAt: number;
}

describe('table allocation (property)', () => {
  it('never double-books, never refuses a party a fitting table is free for, and picks the best fit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(tableSpec, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(0, 15, 30),
        fc.array(command, { minLength: 10, maxLength: 30 }),
        async (specs, buffer, commands) => {
          ctx.clock.set('2026-01-15T12:00:00Z');
          const made = await newDiningVenue(ctx, {
            settings: { hours: everyDay('12:00', '23:00'), slot_minutes: 30, buffer_minutes: buffer },
            tables: specs.map((t, i) => ({ name: `T${i}`, ...t })),
          });
          const tables: ModelTable[] = made.tables.map((t) => ({ id: t.id, min: t.min_seats, max: t.max_seats }));
          const largest = Math.max(...tables.map((t) => t.max));
          const holds: ModelHold[] = [];
          const live = (h: ModelHold) => h.status === 'CONFIRMED' || (h.status === 'HELD' && h.expiresAt > ctx.clock.now().getTime());

          for (const c of commands) {
            switch (c.kind) {
              case 'hold': {
                const from = at(c.time);
                const to = from + (c.duration + buffer) * 60_000;
                const fitting = tables.filter((t) => t.min <= c.party && c.party <= t.max);
                const free = fitting
                  .filter((t) => !holds.some((h) => live(h) && h.tableId === t.id && h.from < to && from < h.to))
                  .sort((a, b) => a.max - b.max || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
                const res = await postHold(ctx, {
                  venue_id: made.venueId,
                  date: DATE,
                  time: hhmm(c.time),
                  party_size: c.party,
                  duration_minutes: c.duration,
                  ttl_seconds: c.ttl,
                });
                if (c.party > largest) {
                  expect(res.statusCode).toBe(422);
                  expect(res.json().error.code).toBe('PARTY_TOO_LARGE');
                } else if (fitting.length === 0) {
                  expect(res.statusCode).toBe(422);
                  expect(res.json().error.code).toBe('PARTY_SIZE_NOT_SEATED');
                } else if (free.length === 0) {
                  expect(res.statusCode, res.body).toBe(409);
                  expect(res.json().error.code).toBe('NO_TABLE_AVAILABLE');
                } else {
                  expect(res.statusCode, `refused while ${free.length} fitting table(s) are free: ${res.body}`).toBe(201);
                  const body = res.json<{ id: string; details: { table_id: string; start: string } }>();
                  expect(body.details.table_id).toBe(free[0]!.id);
                  expect(body.details.start).toBe(new Date(from).toISOString());
                  holds.push({
                    id: body.id,
                    tableId: body.details.table_id,
                    from,
                    to,
                    status: 'HELD',
                    expiresAt: ctx.clock.now().getTime() + c.ttl * 1000,
                  });
                }
                break;
              }
              case 'release': {
                if (holds.length === 0) break;
                const h = holds[c.pick % holds.length]!;
                const res = await release(ctx, h.id);
                expect(res.statusCode).toBe(200);
                if (h.status !== 'RELEASED' && live(h)) h.status = 'RELEASED';
                break;
              }
              case 'confirm': {
                if (holds.length === 0) break;
                const h = holds[c.pick % holds.length]!;
                const res = await confirm(ctx, h.id);
                if (live(h)) {
                  expect(res.statusCode).toBe(200);
                  h.status = 'CONFIRMED';
                } else {
                  expect(res.statusCode).toBe(409);
                }
                break;
              }
              case 'advance':
                ctx.clock.advance(c.seconds * 1000);
                break;
            }
            expect(await doubleBookings(ctx)).toEqual([]);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

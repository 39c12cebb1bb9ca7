/** Slot availability: hours, durations, buffers, closed dates and pacing, and it matches what holds can take. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { availability, everyDay, type AvailabilityReply, newDiningVenue, postHold, release, tablesOf } from './dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const DATE = '2026-01-20';
const TWO_SERVICES = [...everyDay('12:00', '15:00'), ...everyDay('18:00', '23:00')];

async function slotsOf(q: Record<string, string | number>): Promise<AvailabilityReply> {
  const res = await availability(ctx, q);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<AvailabilityReply>();
}

/** Every slot shown available can be held (and every other one is refused), tried one at a time. */
async function expectHoldsMatch(venueId: string, date: string, party: number, extra: Record<string, string | number> = {}): Promise<void> {
  const a = await slotsOf({ venue_id: venueId, date, party_size: party, ...extra });
  for (const slot of a.slots) {
    const res = await postHold(ctx, { venue_id: venueId, date, time: slot.time, party_size: party, ...extra });
    expect(res.statusCode, `${slot.time}: ${res.body}`).toBe(slot.available ? 201 : 409);
    if (res.statusCode === 201) {
      expect(res.json().details).toMatchObject({ start: slot.start, end: slot.end });
      expect((await release(ctx, res.json<{ id: string }>().id)).statusCode).toBe(200);
    }
  }
}

describe('slot availability', () => {
  it('lists the seatings of both services that end by closing time', async () => {
    const { venueId } = await newDiningVenue(ctx, { settings: { hours: TWO_SERVICES }, tables: tablesOf(2, 4) });
    const a = await slotsOf({ venue_id: venueId, date: DATE, party_size: 2 });
    expect(a).toMatchObject({
      venue_id: venueId,
      date: DATE,
      time_zone: 'Europe/London',
      party_size: 2,
      duration_minutes: 120,
      closed: false,
    });
    expect(a.slots.map((s) => s.time)).toEqual([
      '12:00', '12:15', '12:30', '12:45', '13:00',
      '18:00', '18:15', '18:30', '18:45', '19:00', '19:15', '19:30', '19:45', '20:00', '20:15', '20:30', '20:45', '21:00',
    ]); // prettier-ignore
    expect(a.slots[0]).toEqual({
      time: '12:00',
      start: '2026-01-20T12:00:00.000Z',
      end: '2026-01-20T14:00:00.000Z',
      available: true,
      tables_free: 2,
      covers_left: null,
    });
    // A shorter seating fits later slots.
    const short = await slotsOf({ venue_id: venueId, date: DATE, party_size: 2, duration_minutes: 60 });
    expect(short.duration_minutes).toBe(60);
    expect(short.slots.at(-1)!.time).toBe('22:00');
  });

  it('counts free tables per slot around held seatings, with the turn buffer', async () => {
    const { venueId } = await newDiningVenue(ctx, { settings: { hours: TWO_SERVICES, buffer_minutes: 15 }, tables: tablesOf(2, 4) });
    await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 4 });
    // The 19:00 party (120 min) blocks its table for [19:00, 21:15); a 45-minute seating blocks [start, start + 60).
    const a = await slotsOf({ venue_id: venueId, date: DATE, party_size: 2, duration_minutes: 45 });
    const free = Object.fromEntries(a.slots.map((s) => [s.time, s.tables_free]));
    expect(free['16:30']).toBeUndefined(); // between services
    expect(free['18:00']).toBe(2); // 18:00–18:45, turned by 19:00
    expect(free['18:15']).toBe(1); // its buffer would run into the 19:00 party
    expect(free['19:00']).toBe(1);
    expect(free['21:00']).toBe(1); // still being turned
    expect(free['21:15']).toBe(2);
    await expectHoldsMatch(venueId, DATE, 2, { duration_minutes: 45 });
    await expectHoldsMatch(venueId, DATE, 2, { duration_minutes: 90 });
  });

  it('omits slots that have started, shows closed dates, and treats expired holds as free', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      settings: { hours: TWO_SERVICES, closed_dates: ['2026-01-22'] },
      tables: tablesOf(1, 4),
    });
    ctx.clock.set('2026-01-15T12:20:00Z');
    const today = await slotsOf({ venue_id: venueId, date: '2026-01-15', party_size: 2 });
    expect(today.slots[0]!.time).toBe('12:30');
    const yesterday = await slotsOf({ venue_id: venueId, date: '2026-01-14', party_size: 2 });
    expect(yesterday.slots).toEqual([]);
    const closed = await slotsOf({ venue_id: venueId, date: '2026-01-22', party_size: 2 });
    expect(closed).toMatchObject({ closed: true, slots: [] });

    const held = await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2, ttl_seconds: 30 });
    expect(held.statusCode).toBe(201);
    const busy = await slotsOf({ venue_id: venueId, date: DATE, party_size: 2 });
    expect(busy.slots.find((s) => s.time === '19:00')).toMatchObject({ available: false, tables_free: 0 });
    ctx.clock.advance(31_000);
    const freed = await slotsOf({ venue_id: venueId, date: DATE, party_size: 2 });
    expect(freed.slots.find((s) => s.time === '19:00')).toMatchObject({ available: true, tables_free: 1 });
    // …and a hold can indeed take it (the expired hold is reclaimed first).
    expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 2 })).statusCode).toBe(201);
  });

  it('shows pacing: covers left per slot, and a slot full of covers is not available', async () => {
    const { venueId } = await newDiningVenue(ctx, { settings: { hours: TWO_SERVICES, pacing_covers: 8 }, tables: tablesOf(4, 4) });
    await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 4 });
    await postHold(ctx, { venue_id: venueId, date: DATE, time: '19:00', party_size: 3 });
    const a = await slotsOf({ venue_id: venueId, date: DATE, party_size: 2 });
    expect(a.slots.find((s) => s.time === '19:00')).toMatchObject({ available: false, tables_free: 2, covers_left: 1 });
    expect(a.slots.find((s) => s.time === '19:15')).toMatchObject({ available: true, tables_free: 2, covers_left: 8 });
    const one = await slotsOf({ venue_id: venueId, date: DATE, party_size: 1 });
    expect(one.slots.find((s) => s.time === '19:00')).toMatchObject({ available: true, covers_left: 1 });
    await expectHoldsMatch(venueId, DATE, 2);
    await expectHoldsMatch(venueId, DATE, 1);
  });

  it('matches what holds can take, slot by slot, for a busy mixed room', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      settings: { hours: TWO_SERVICES, buffer_minutes: 15, durations: [{ max_party: 2, minutes: 90 }] },
      tables: [...tablesOf(2, 2, 'S'), ...tablesOf(2, 4, 'M'), { name: 'L1', min_seats: 5, max_seats: 8, area: 'terrace' }],
    });
    const bookings: [string, number][] = [
      ['12:00', 2], ['12:30', 4], ['13:00', 6], ['18:00', 2], ['18:00', 2], ['18:30', 4], ['19:30', 3], ['20:00', 7], ['21:00', 1],
    ]; // prettier-ignore
    for (const [time, party] of bookings) {
      const r = await postHold(ctx, { venue_id: venueId, date: DATE, time, party_size: party });
      expect(r.statusCode, `${time} × ${party}: ${r.body}`).toBe(201);
    }
    for (const party of [1, 2, 4, 6]) await expectHoldsMatch(venueId, DATE, party);
    await expectHoldsMatch(venueId, DATE, 2, { area: 'main' });

    // tables_free is exact: that many parties can sit at once, and no more.
    const a = await slotsOf({ venue_id: venueId, date: DATE, party_size: 3 });
    for (const slot of a.slots.filter((_, i) => i % 4 === 0)) {
      const taken: string[] = [];
      for (let i = 0; i < slot.tables_free; i++) {
        const r = await postHold(ctx, { venue_id: venueId, date: DATE, time: slot.time, party_size: 3 });
        expect(r.statusCode, `${slot.time} #${i}`).toBe(201);
        taken.push(r.json<{ id: string }>().id);
      }
      expect((await postHold(ctx, { venue_id: venueId, date: DATE, time: slot.time, party_size: 3 })).statusCode).toBe(409);
      for (const id of taken) await release(ctx, id);
    }
  });

  it('answers a cafe with its one-hour default', async () => {
    const { venueId } = await newDiningVenue(ctx, {
      type: 'cafe',
      settings: { hours: everyDay('08:00', '10:00'), slot_minutes: 30 },
      tables: tablesOf(1, 2),
    });
    const a = await slotsOf({ venue_id: venueId, date: DATE, party_size: 2 });
    expect(a.duration_minutes).toBe(60);
    expect(a.slots.map((s) => s.time)).toEqual(['08:00', '08:30', '09:00']);
  });
});

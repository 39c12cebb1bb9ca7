/** Dining settings and tables over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { availability, newDiningVenue, postHold, type AvailabilityReply } from './dining-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

describe('dining settings', () => {
  it('answers defaults until set: restaurant 120 min, cafe 60 min, no opening hours', async () => {
    const r = await newDiningVenue(ctx, { settings: null });
    const c = await newDiningVenue(ctx, { type: 'cafe', settings: null });
    const rs = await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${r.venueId}/dining-settings` });
    expect(rs.json()).toEqual({
      venue_id: r.venueId,
      venue_type: 'restaurant',
      time_zone: 'Europe/London',
      configured: false,
      slot_minutes: 15,
      default_duration_minutes: 120,
      durations: [],
      buffer_minutes: 0,
      pacing_covers: null,
      hours: [],
      closed_dates: [],
      updated_at: null,
    });
    const cs = await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${c.venueId}/dining-settings` });
    expect(cs.json()).toMatchObject({ venue_type: 'cafe', default_duration_minutes: 60, configured: false });
  });

  it('replaces settings as a whole, lunch and dinner and a late service included', async () => {
    const { venueId } = await newDiningVenue(ctx, { settings: null });
    const url = `/api/v1/venues/${venueId}/dining-settings`;
    const body = {
      slot_minutes: 30,
      default_duration_minutes: 150,
      durations: [
        { max_party: 6, minutes: 150 },
        { max_party: 2, minutes: 90 },
      ],
      buffer_minutes: 15,
      pacing_covers: 20,
      hours: [
        { weekday: 'fri', opens: '12:00', closes: '14:30' },
        { weekday: 'fri', opens: '18:00', closes: '01:00' },
        { weekday: 'sat', opens: '18:00', closes: '00:00' },
        { weekday: 'sun', opens: '00:00', closes: '24:00' },
      ],
      closed_dates: ['2026-12-25', '2026-12-24'],
    };
    const put = await ctx.app.inject({ method: 'PUT', url, payload: body });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      configured: true,
      slot_minutes: 30,
      default_duration_minutes: 150,
      durations: [
        { max_party: 2, minutes: 90 },
        { max_party: 6, minutes: 150 },
      ],
      buffer_minutes: 15,
      pacing_covers: 20,
      hours: [
        { weekday: 'fri', opens: '12:00', closes: '14:30' },
        { weekday: 'fri', opens: '18:00', closes: '01:00' },
        { weekday: 'sat', opens: '18:00', closes: '24:00' },
        { weekday: 'sun', opens: '00:00', closes: '24:00' },
      ],
      closed_dates: ['2026-12-24', '2026-12-25'],
      updated_at: '2026-01-15T12:00:00.000Z',
    });
    const get = await ctx.app.inject({ method: 'GET', url });
    expect(get.json()).toEqual(put.json());

    const smaller = await ctx.app.inject({
      method: 'PUT',
      url,
      payload: { hours: [{ weekday: 'mon', opens: '09:00', closes: '17:00' }], pacing_covers: null },
    });
    expect(smaller.json()).toMatchObject({
      slot_minutes: 15,
      default_duration_minutes: 120,
      durations: [],
      buffer_minutes: 0,
      pacing_covers: null,
      hours: [{ weekday: 'mon', opens: '09:00', closes: '17:00' }],
      closed_dates: [],
    });
  });
});

describe('tables', () => {
  it('adds, lists, changes and deactivates tables; a deactivated table takes no new seating', async () => {
    const { venueId } = await newDiningVenue(ctx);
    const add = (payload: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: `/api/v1/venues/${venueId}/tables`, payload });
    const t1 = await add({ name: 'T1', max_seats: 4 });
    expect(t1.statusCode).toBe(201);
    expect(t1.json()).toMatchObject({ venue_id: venueId, name: 'T1', min_seats: 1, max_seats: 4, area: 'main', active: true });
    const t2 = await add({ name: 'P1', min_seats: 2, max_seats: 6, area: 'terrace' });
    expect(t2.statusCode).toBe(201);

    const list = await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${venueId}/tables` });
    expect(list.json<{ tables: { name: string }[] }>().tables.map((t) => t.name)).toEqual(['T1', 'P1']); // by area, then name

    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/tables/${t1.json().id}`,
      payload: { max_seats: 2, area: 'bar', name: 'B1' },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ name: 'B1', max_seats: 2, area: 'bar' });

    const off = await ctx.app.inject({ method: 'POST', url: `/api/v1/tables/${t1.json().id}/deactivate` });
    expect(off.json().active).toBe(false);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${venueId}/tables` })).json().tables).toHaveLength(1);
    const all = await ctx.app.inject({ method: 'GET', url: `/api/v1/venues/${venueId}/tables?include_inactive=true` });
    expect(all.json().tables).toHaveLength(2);

    // Only the terrace table (2–6) is active now: a party of 2 gets it, a party of 1 is never seated.
    const hold = await postHold(ctx, { venue_id: venueId, date: '2026-01-20', time: '19:00', party_size: 2 });
    expect(hold.json().details.table_id).toBe(t2.json().id);
    expect((await postHold(ctx, { venue_id: venueId, date: '2026-01-20', time: '19:00', party_size: 1 })).statusCode).toBe(422);
    const a = await availability(ctx, { venue_id: venueId, date: '2026-01-20', party_size: 2 });
    expect(a.json<AvailabilityReply>().slots.find((s) => s.time === '19:00')!.tables_free).toBe(0);

    // Back in service through PATCH.
    const on = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/tables/${t1.json().id}`, payload: { active: true } });
    expect(on.json().active).toBe(true);
    expect((await postHold(ctx, { venue_id: venueId, date: '2026-01-20', time: '19:00', party_size: 1 })).statusCode).toBe(201);
  });

  it('documents every dining route in the OpenAPI document', async () => {
    const doc = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of [
      '/api/v1/venues/{venue_id}/dining-settings',
      '/api/v1/venues/{venue_id}/tables',
      '/api/v1/tables/{table_id}',
      '/api/v1/tables/{table_id}/deactivate',
      '/api/v1/availability/dining',
      '/api/v1/holds/dining',
    ]) {
      expect(paths).toContain(p);
    }
  });
});

/**
 * A guest's rights over their data, end to end: export (everything held, for the staff who hold it),
 * erasure (refused while a booking is not over; then no trace of the guest's name, email or phone in
 * any table — SQL over every schema — nor in the logs of the run), and the audit trail that records
 * both and cannot be changed or emptied through SQL.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { adminHeaders, makeHotel, type Hotel } from '../../helpers/booking-fixtures.js';

const NAME = 'Wilhelmina Tarquin-Abernethy';
const EMAIL = 'w.tarquin-abernethy@example.org';
const PHONE = '+44 131 496 0812';
const OTHER = { name: 'Bartholomew Keel', email: 'b.keel@example.org', phone: '+44 131 496 0999' };
const card = { card_number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' };

type Json = Record<string, unknown>;
let ctx: TestContext;
let hotel: Hotel;
let admin: Record<string, string>;
let logs = '';

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  ctx = await createTestContext({ auth: true, logStream });
  await ctx.listen();
  hotel = await makeHotel(ctx, { rooms: 5, price: 10_000, organization: 'org-rights' });
  admin = await adminHeaders(ctx);
});
afterAll(async () => ctx.close());

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: Json, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({ method, url, payload, headers });
  return { status: res.statusCode, body: res.json<Json>() };
}
const bearer = async (claims: Record<string, unknown>) => ({
  authorization: `Bearer ${(await ctx.tokens!.sign(claims as never, 3600)).token}`,
});

async function everyTableAsText(): Promise<string[]> {
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(ctx.database.db);
  const out: string[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ row: string }>`select r::text as row from ${sql.id(t.schema, t.name)} r`.execute(ctx.database.db);
    for (const r of rows) out.push(`${t.schema}.${t.name}: ${r.row}`);
  }
  return out;
}

const stay = (date: string, who: { name: string; email: string; phone: string }, guestId: string) => ({
  guest_id: guestId,
  venue_id: hotel.venueId,
  venue_type: 'hotel',
  booking_date: date,
  nights: 1,
  party_size: 1,
  room_type_id: hotel.roomTypeId,
  guest_name: who.name,
  guest_email: who.email,
  guest_phone: who.phone,
  special_requests: `quiet room for ${who.name}`,
  payment_method: card,
});

describe("a guest's data", () => {
  const guestId = 'guest-rights-1';
  let first: Json;
  let second: Json;
  let kept: Json;

  it('is exported whole to an admin or the owning business, and to nobody else', async () => {
    first = (
      await call('POST', '/api/v1/bookings', stay('2026-03-01', { name: NAME, email: EMAIL, phone: PHONE }, guestId), {
        ...admin,
        'idempotency-key': 'r-1',
      })
    ).body;
    second = (
      await call('POST', '/api/v1/bookings', stay('2026-04-01', { name: NAME, email: EMAIL, phone: PHONE }, guestId), {
        ...admin,
        'idempotency-key': 'r-2',
      })
    ).body;
    kept = (await call('POST', '/api/v1/bookings', stay('2026-03-01', OTHER, 'guest-rights-2'), { ...admin, 'idempotency-key': 'r-3' }))
      .body;
    expect([first.status, second.status, kept.status]).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);

    const exported = await call('GET', `/api/v1/guests/${guestId}/data`, undefined, admin);
    expect(exported.status).toBe(200);
    const bookings = exported.body.bookings as { booking: Json; history: Json[] }[];
    expect(bookings.map((b) => b.booking.id).sort()).toEqual([first.id, second.id].sort());
    expect(bookings.every((b) => b.booking.guest_email === EMAIL && b.booking.guest_name === NAME && b.history.length >= 2)).toBe(true);
    const owner = await call(
      'GET',
      `/api/v1/guests/${guestId}/data`,
      undefined,
      await bearer({ sub: 'mgr', role: 'business', org: 'org-rights' }),
    );
    expect(owner.status).toBe(200);
    const stranger = await call(
      'GET',
      `/api/v1/guests/${guestId}/data`,
      undefined,
      await bearer({ sub: 'x', role: 'business', org: 'org-else' }),
    );
    expect(stranger.status).toBe(404);
    const guest = await call('GET', `/api/v1/guests/${guestId}/data`, undefined, await bearer({ sub: guestId, role: 'guest' }));
    expect(guest.status).toBe(403);
  });

  it('is not erased while a booking is not over; once cancelled, every trace goes and the accounts stay', async () => {
    const refused = await call('POST', `/api/v1/guests/${guestId}/erase`, undefined, admin);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'GUEST_HAS_ACTIVE_BOOKINGS' } });
    expect(((refused.body.error as Json).details as { booking_ids: string[] }).booking_ids.sort()).toEqual([first.id, second.id].sort());

    for (const b of [first, second]) {
      const c = await call('POST', `/api/v1/bookings/${b.id as string}/cancel`, { cancelled_by: 'guest', reason: 'moving abroad' }, admin);
      expect(c.status).toBe(200);
    }
    const before = (await call('GET', `/api/v1/bookings/${first.id as string}`, undefined, admin)).body;
    const historyBefore = (await call('GET', `/api/v1/bookings/${first.id as string}/history`, undefined, admin)).body;

    const erased = await call(
      'POST',
      `/api/v1/guests/${guestId}/erase`,
      undefined,
      await bearer({ sub: 'mgr', role: 'business', org: 'org-rights' }),
    );
    expect(erased.status).toBe(200);
    expect((erased.body.erased_bookings as string[]).sort()).toEqual([first.id, second.id].sort());
    const again = await call('POST', `/api/v1/guests/${guestId}/erase`, undefined, admin);
    expect(again.body).toMatchObject({ erased_bookings: [], already_erased: 2 });

    const rows = await everyTableAsText();
    const traces = rows.filter((r) =>
      [NAME, EMAIL, PHONE, 'Tarquin', 'Abernethy', '4960812'].some((n) => r.toLowerCase().includes(n.toLowerCase())),
    );
    expect(traces).toEqual([]);
    // Sealed values are gone too, not only the plain ones: the erased rows hold no ciphertext of the guest.
    const { rows: stored } = await sql<{ guest_name: string; guest_email: string | null; special_requests: string | null }>`
      select guest_name, guest_email, special_requests from booking.booking where guest_id = ${guestId}`.execute(ctx.database.db);
    expect(stored).toEqual([
      { guest_name: '[erased]', guest_email: null, special_requests: null },
      { guest_name: '[erased]', guest_email: null, special_requests: null },
    ]);
    // The stored answers of the creates no longer carry the guest (a replay answers with the marker).
    const replay = await call('POST', '/api/v1/bookings', stay('2026-03-01', { name: NAME, email: EMAIL, phone: PHONE }, guestId), {
      ...admin,
      'idempotency-key': 'r-1',
    });
    expect(replay.body.guest_name).toBe('[erased]');
    // Ids, dates, amounts and history stay; another guest's booking is untouched.
    const after = (await call('GET', `/api/v1/bookings/${first.id as string}`, undefined, admin)).body;
    expect({
      ...after,
      guest_name: before.guest_name,
      guest_email: before.guest_email,
      guest_phone: before.guest_phone,
      special_requests: before.special_requests,
      version: before.version,
      updated_at: before.updated_at,
    }).toEqual(before);
    expect([after.guest_name, after.guest_email, after.guest_phone]).toEqual(['[erased]', null, null]);
    expect((await call('GET', `/api/v1/bookings/${first.id as string}/history`, undefined, admin)).body).toEqual(historyBefore);
    const other = (await call('GET', `/api/v1/bookings/${kept.id as string}`, undefined, admin)).body;
    expect([other.guest_name, other.guest_email, other.guest_phone]).toEqual([OTHER.name, OTHER.email, OTHER.phone]);
    // Exported after the erasure: the bookings are there, the guest is not.
    const exported = await call('GET', `/api/v1/guests/${guestId}/data`, undefined, admin);
    expect(exported.status).toBe(200);
    expect((exported.body.bookings as unknown[]).length).toBe(2);
    for (const n of [NAME, EMAIL, PHONE, 'Tarquin']) expect(JSON.stringify(exported.body)).not.toContain(n);
    // Nor did the guest's data reach the logs of the run, at trace level.
    expect(logs.length).toBeGreaterThan(1000);
    for (const n of [NAME, EMAIL, PHONE]) expect(logs).not.toContain(n);
  });

  it('the audit trail records the export, the erasure and bulk reads, for admins only, and SQL cannot change it', async () => {
    const trail = await call('GET', '/api/v1/audit?limit=50', undefined, admin);
    expect(trail.status).toBe(200);
    const events = trail.body.events as Json[];
    const of = (action: string) => events.filter((e) => e.action === action);
    expect(of('guest.data_exported').map((e) => [e.actor_role, e.object_id])).toEqual([
      ['admin', guestId],
      ['business', guestId],
      ['admin', guestId],
    ]);
    expect(of('guest.erased').map((e) => [e.actor, e.object_id, (e.details as Json).bookings])).toEqual([
      ['fixture-admin', guestId, 0],
      ['mgr', guestId, 2],
    ]);
    expect(JSON.stringify(events)).not.toContain(EMAIL);
    // The cancellations refunded both payments: each refund decision is in the trail, by the booking service.
    const refunds = of('payment.refunded');
    expect(refunds).toHaveLength(2);
    expect(refunds.every((e) => e.actor_role === 'service' && (e.details as Json).amount === 10_000)).toBe(true);
    await call('GET', `/api/v1/bookings?guest_email=${encodeURIComponent(OTHER.email)}`, undefined, admin);
    const searched = (await call('GET', '/api/v1/audit?action=bookings.read_in_bulk', undefined, admin)).body.events as Json[];
    expect(searched[0]).toMatchObject({
      actor: 'fixture-admin',
      object_id: 'search',
      details: { by_email: true, by_phone: false, bookings: 1 },
    });
    expect((await call('GET', '/api/v1/audit', undefined, await bearer({ sub: 'mgr', role: 'business', org: 'org-rights' }))).status).toBe(
      403,
    );

    const count = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from platform.audit_event`.execute(ctx.database.db)).rows[0]!.n);
    const n = await count();
    await expect(sql`update platform.audit_event set actor = 'someone else'`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from platform.audit_event`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate platform.audit_event`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
    expect(await count()).toBe(n);
  });
});

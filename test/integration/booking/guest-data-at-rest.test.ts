/**
 * Guest data at rest: after creates, changes, replays, refusals and a cancel, no table of any schema
 * holds a guest's name, email or phone (nor the guest token a create answers with) as plain text —
 * read with SQL, as someone with a copy of the database would. The API still shows each value to
 * whoever may see it; staff find bookings by exact email or phone, and a guest finds a booking by
 * reference and email.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { adminHeaders, makeHotel, type Hotel } from '../../helpers/booking-fixtures.js';

const NAME = 'Philippa Quartermaine-Oyelaran';
const EMAIL = 'philippa.quartermaine@example.net';
const PHONE = '+44 161 496 0731';
const NEW_NAME = 'Philippa Q. Oyelaran';
const NEW_EMAIL = 'p.oyelaran@example.com';
const NEW_PHONE = '+353 1 555 0199';
const card = { card_number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' };

type Json = Record<string, unknown>;
let ctx: TestContext;
let hotel: Hotel;
let admin: Record<string, string>;

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  await ctx.listen();
  hotel = await makeHotel(ctx, { rooms: 5, price: 10_000, organization: 'org-rest' });
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

/** Every row of every table in every schema but the catalogs, as text. */
async function everyTableAsText(): Promise<{ table: string; text: string }[]> {
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(ctx.database.db);
  const out: { table: string; text: string }[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ row: string }>`select r::text as row from ${sql.id(t.schema, t.name)} r`.execute(ctx.database.db);
    for (const r of rows) out.push({ table: `${t.schema}.${t.name}`, text: r.row });
  }
  return out;
}

function plainIn(rows: readonly { table: string; text: string }[], needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const { table, text } of rows) {
    const lower = text.toLowerCase();
    for (const n of needles) if (lower.includes(n.toLowerCase())) found.push(`${table}: ${n}`);
  }
  return found;
}

describe('guest data at rest', () => {
  let booking: Json;
  let guestToken: string;

  it('is sealed in every table after a create, a replay, changes, a refusal and a cancel', async () => {
    const body = {
      venue_id: hotel.venueId,
      venue_type: 'hotel',
      booking_date: '2026-03-01',
      nights: 2,
      party_size: 2,
      room_type_id: hotel.roomTypeId,
      guest_name: NAME,
      guest_email: EMAIL,
      guest_phone: PHONE,
      special_requests: 'a ground-floor room, please: Philippa walks with a stick',
      payment_method: card,
    };
    const created = await call('POST', '/api/v1/bookings', body, { 'idempotency-key': 'rest-create-1' });
    expect(created.status).toBe(201);
    booking = created.body;
    guestToken = booking.guest_token as string;
    expect(guestToken).toMatch(/^ey/);
    expect([booking.guest_name, booking.guest_email, booking.guest_phone]).toEqual([NAME, EMAIL, PHONE]);

    // The replay comes from the stored answer: opened again, identical (the guest token included).
    const replay = await call('POST', '/api/v1/bookings', body, { 'idempotency-key': 'rest-create-1' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(booking);

    const guest = { authorization: `Bearer ${guestToken}` };
    const id = booking.id as string;
    const changed = await call(
      'PUT',
      `/api/v1/bookings/${id}`,
      {
        guest_name: NEW_NAME,
        guest_email: NEW_EMAIL,
        guest_phone: NEW_PHONE,
        nights: 3,
        expected_version: booking.version,
        payment_method: card,
      },
      { ...guest, 'idempotency-key': 'rest-change-1' },
    );
    expect(changed.status).toBe(200);
    expect([changed.body.guest_name, changed.body.guest_email, changed.body.guest_phone]).toEqual([NEW_NAME, NEW_EMAIL, NEW_PHONE]);
    // A refused change (stale version) stores its refusal under its key.
    const refused = await call(
      'PUT',
      `/api/v1/bookings/${id}`,
      { guest_name: NAME, expected_version: 1 },
      { ...guest, 'idempotency-key': 'rest-change-2' },
    );
    expect(refused.status).toBe(409);
    // A second booking, cancelled.
    const other = await call('POST', '/api/v1/bookings', { ...body, booking_date: '2026-04-01' }, { 'idempotency-key': 'rest-create-2' });
    expect(other.status).toBe(201);
    const cancelled = await call(
      'POST',
      `/api/v1/bookings/${other.body.id as string}/cancel`,
      { reason: 'plans changed', cancelled_by: 'guest' },
      { authorization: `Bearer ${other.body.guest_token as string}` },
    );
    expect(cancelled.status).toBe(200);

    const rows = await everyTableAsText();
    expect(rows.some((r) => r.table === 'booking.booking')).toBe(true);
    expect(rows.some((r) => r.table === 'booking.idempotency_key')).toBe(true);
    expect(rows.some((r) => r.table === 'booking.saga')).toBe(true);
    const needles = [
      NAME,
      EMAIL,
      PHONE,
      NEW_NAME,
      NEW_EMAIL,
      NEW_PHONE,
      'Quartermaine',
      'Oyelaran',
      '4960731',
      '5550199',
      'walks with a stick',
    ];
    expect(plainIn(rows, needles)).toEqual([]);
    expect(plainIn(rows, [guestToken, other.body.guest_token as string])).toEqual([]);
    // The columns hold sealed values naming their key; the indexes are 64 hex digits.
    const { rows: stored } = await sql<{ guest_name: string; guest_email: string; guest_email_index: string; guest_phone_index: string }>`
      select guest_name, guest_email, guest_email_index, guest_phone_index from booking.booking where id = ${id}`.execute(ctx.database.db);
    expect(stored[0]!.guest_name).toMatch(/^pii1\.k1\.[\w-]{16}\.[\w-]+$/);
    expect(stored[0]!.guest_email).toMatch(/^pii1\.k1\./);
    expect(stored[0]!.guest_email_index).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]!.guest_phone_index).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is shown to the guest, the venue’s organization and an admin, and hidden from others', async () => {
    const id = booking.id as string;
    const asGuest = await call('GET', `/api/v1/bookings/${id}`, undefined, { authorization: `Bearer ${guestToken}` });
    expect([asGuest.body.guest_name, asGuest.body.guest_email, asGuest.body.guest_phone]).toEqual([NEW_NAME, NEW_EMAIL, NEW_PHONE]);
    const asOwner = await call('GET', `/api/v1/bookings/${id}`, undefined, await bearer({ sub: 'm', role: 'business', org: 'org-rest' }));
    expect(asOwner.body.guest_email).toBe(NEW_EMAIL);
    expect((await call('GET', `/api/v1/bookings/${id}`, undefined, admin)).body.guest_phone).toBe(NEW_PHONE);
    const stranger = await call('GET', `/api/v1/bookings/${id}`, undefined, await bearer({ sub: 'x', role: 'business', org: 'org-other' }));
    expect(stranger.status).toBe(404);
    expect(JSON.stringify(stranger.body)).not.toContain(NEW_EMAIL);
  });

  it('staff find bookings by the exact email or phone however it is typed; others find none', async () => {
    const search = async (query: string, headers: Record<string, string>) => call('GET', `/api/v1/bookings?${query}`, undefined, headers);
    const byEmail = await search(`guest_email=${encodeURIComponent('  P.OYELARAN@Example.COM ')}`, admin);
    // The first booking has the new email; the second kept the old one.
    expect(byEmail.status).toBe(400); // surrounding spaces are not an email: refused, not guessed at
    const exact = await search(`guest_email=${encodeURIComponent('P.Oyelaran@EXAMPLE.com')}`, admin);
    expect(exact.status).toBe(200);
    expect((exact.body.bookings as Json[]).map((b) => b.id)).toEqual([booking.id]);
    expect(exact.body.total).toBe(1);
    const old = await search(`guest_email=${encodeURIComponent(EMAIL)}`, admin);
    expect(old.body.total).toBe(1);
    expect((old.body.bookings as Json[])[0]!.id).not.toBe(booking.id);
    const byPhone = await search(`guest_phone=${encodeURIComponent('00353 (1) 555-0199')}`, admin);
    expect((byPhone.body.bookings as Json[]).map((b) => b.id)).toEqual([booking.id]);
    const owner = await search(
      `guest_email=${encodeURIComponent(NEW_EMAIL)}`,
      await bearer({ sub: 'm', role: 'business', org: 'org-rest' }),
    );
    expect(owner.body.total).toBe(1);
    const stranger = await search(
      `guest_email=${encodeURIComponent(NEW_EMAIL)}`,
      await bearer({ sub: 'x', role: 'business', org: 'org-other' }),
    );
    expect(stranger.status).toBe(200);
    expect(stranger.body.total).toBe(0);
    expect((await search(`guest_email=${encodeURIComponent(NEW_EMAIL)}`, { authorization: `Bearer ${guestToken}` })).status).toBe(403);
    expect((await search(`guest_email=nobody%40example.com`, admin)).body.total).toBe(0);
  });

  it('a guest finds a booking by reference and email, with a token to manage it; a wrong pair is a 404', async () => {
    const reference = booking.booking_reference as string;
    const found = await call('POST', '/api/v1/bookings/lookup', { reference, email: 'p.oyelaran@EXAMPLE.com' });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(booking.id);
    expect(found.body.guest_name).toBe(NEW_NAME);
    const token = found.body.guest_token as string;
    const managed = await call('GET', `/api/v1/bookings/${booking.id as string}`, undefined, { authorization: `Bearer ${token}` });
    expect(managed.status).toBe(200);
    const wrongEmail = await call('POST', '/api/v1/bookings/lookup', { reference, email: EMAIL });
    const wrongReference = await call('POST', '/api/v1/bookings/lookup', { reference: 'BR-20260101-ZZZZZZ', email: NEW_EMAIL });
    expect([wrongEmail.status, wrongReference.status]).toEqual([404, 404]);
    // Which half was wrong is not told.
    expect(wrongEmail.body).toEqual(wrongReference.body);
  });
});

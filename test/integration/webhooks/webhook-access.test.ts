/**
 * Who manages which webhook endpoints, and who receives which events, with access control on: a
 * business user creates, reads, changes and deletes only its organization's endpoints (another's is
 * a 404, like a missing one) and those endpoints receive only events of its organization's venues; an
 * admin's endpoint without an organization receives every event; guests and anonymous callers are
 * refused, and a user narrowed to some venues creates none and finds none.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/platform/events/envelope.js';
import { guest } from '../../helpers/booking-fixtures.js';
import type { TestContext } from '../../helpers/context.js';
import { caller, hotel, must, type Caller } from '../access/access-http.js';
import { deliverNow, startReceiver, webhookContext, type Json, type Receiver } from './webhook-fixtures.js';

let ctx: TestContext;
let admin: Caller, bizA: Caller, bizA1: Caller, bizB: Caller, guestCaller: Caller, anonymous: Caller;
let venueA: { venueId: string; roomTypeId: string };
let venueB: { venueId: string; roomTypeId: string };
const receivers: Record<'a' | 'b' | 'all', Receiver> = {} as never;
const endpoints: Record<'a' | 'b' | 'all', string> = {} as never;

beforeAll(async () => {
  ctx = await webhookContext({ allowPrivate: true }, { auth: true });
  const sign = async (claims: Parameters<NonNullable<TestContext['tokens']>['sign']>[0]) =>
    caller(ctx, (await ctx.tokens!.sign(claims, 24 * 3600)).token);
  admin = await sign({ sub: 'staff-admin', role: 'admin' });
  venueA = await hotel(admin, 'org-a');
  venueB = await hotel(admin, 'org-b');
  bizA = await sign({ sub: 'user-a', role: 'business', org: 'org-a' });
  bizA1 = await sign({ sub: 'user-a1', role: 'business', org: 'org-a', venues: [venueA.venueId] });
  bizB = await sign({ sub: 'user-b', role: 'business', org: 'org-b' });
  guestCaller = await sign({ sub: 'guest-1', role: 'guest' });
  anonymous = caller(ctx, undefined);
  for (const k of ['a', 'b', 'all'] as const) receivers[k] = await startReceiver(ctx.clock, `/${k}`);
});
afterAll(async () => {
  for (const r of Object.values(receivers)) await r?.close();
  await ctx?.close();
});

describe('managing endpoints', () => {
  it('refuses anonymous callers (401) and guests (403); a business user narrowed to venues creates none (403)', async () => {
    const body = { url: 'http://127.0.0.1:9/x' };
    expect((await anonymous.call('POST', '/api/v1/webhooks/endpoints', body)).status).toBe(401);
    expect((await anonymous.call('GET', '/api/v1/webhooks/endpoints')).status).toBe(401);
    expect((await guestCaller.call('POST', '/api/v1/webhooks/endpoints', body)).status).toBe(403);
    expect((await guestCaller.call('GET', '/api/v1/webhooks/endpoints')).status).toBe(403);
    const narrowed = await bizA1.call('POST', '/api/v1/webhooks/endpoints', body);
    expect(narrowed).toMatchObject({ status: 403, body: { error: { code: 'WEBHOOK_SCOPE_REFUSED' } } });
    expect(await bizA1.call('GET', '/api/v1/webhooks/endpoints')).toEqual({ status: 200, body: { endpoints: [] } });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from webhook.endpoint`.execute(ctx.database.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('gives a business user its organization’s endpoints only', async () => {
    const a = await must(bizA, 201, 'POST', '/api/v1/webhooks/endpoints', { url: receivers.a.url, event_types: ['booking.created'] });
    const b = await must(bizB, 201, 'POST', '/api/v1/webhooks/endpoints', { url: receivers.b.url, event_types: ['booking.created'] });
    const all = await must(admin, 201, 'POST', '/api/v1/webhooks/endpoints', { url: receivers.all.url, event_types: ['booking.created'] });
    expect(a).toMatchObject({ organization_id: 'org-a', status: 'enabled' });
    expect(b).toMatchObject({ organization_id: 'org-b' });
    expect(all).toMatchObject({ organization_id: null });
    endpoints.a = a.id as string;
    endpoints.b = b.id as string;
    endpoints.all = all.id as string;
    receivers.a.secrets = [a.secret as string];
    receivers.b.secrets = [b.secret as string];
    receivers.all.secrets = [all.secret as string];

    // A business user cannot claim another organization.
    const other = await bizA.call('POST', '/api/v1/webhooks/endpoints', { url: receivers.a.url, organization_id: 'org-b' });
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'WEBHOOK_SCOPE_REFUSED' } } });

    expect(await bizA1.call('GET', `/api/v1/webhooks/endpoints/${a.id as string}`)).toMatchObject({ status: 404 });
    const ids = (c: Caller) => c.call('GET', '/api/v1/webhooks/endpoints').then((r) => (r.body.endpoints as Json[]).map((e) => e.id));
    expect(await ids(bizA)).toEqual([endpoints.a]);
    expect(await ids(bizB)).toEqual([endpoints.b]);
    expect(await ids(admin)).toEqual([endpoints.a, endpoints.b, endpoints.all]);

    // Another organization's endpoint is not found, whatever the operation; nothing changes.
    for (const [method, url, payload] of [
      ['GET', `/api/v1/webhooks/endpoints/${endpoints.b}`, undefined],
      ['PATCH', `/api/v1/webhooks/endpoints/${endpoints.b}`, { status: 'disabled' }],
      ['DELETE', `/api/v1/webhooks/endpoints/${endpoints.b}`, undefined],
      ['POST', `/api/v1/webhooks/endpoints/${endpoints.b}/rotate-secret`, undefined],
      ['GET', `/api/v1/webhooks/endpoints/${endpoints.b}/deliveries`, undefined],
      ['GET', `/api/v1/webhooks/endpoints/${endpoints.all}`, undefined],
    ] as const) {
      const res = await bizA.call(method, url, payload);
      expect(res, `${method} ${url}`).toMatchObject({ status: 404, body: { error: { code: 'WEBHOOK_ENDPOINT_NOT_FOUND' } } });
    }
    expect(await must(bizB, 200, 'GET', `/api/v1/webhooks/endpoints/${endpoints.b}`)).toMatchObject({ status: 'enabled' });

    const { rows } = await sql<{ action: string; actor: string }>`
      select action, actor from platform.audit_event where action like 'webhook_endpoint.%' order by id`.execute(ctx.database.db);
    expect(rows).toEqual([
      { action: 'webhook_endpoint.created', actor: 'user-a' },
      { action: 'webhook_endpoint.created', actor: 'user-b' },
      { action: 'webhook_endpoint.created', actor: 'staff-admin' },
    ]);
  });
});

describe('receiving events', () => {
  it('sends an organization’s endpoints only its venues’ events, and an admin’s every event', async () => {
    const bookIn = async (venue: { venueId: string; roomTypeId: string }, n: number) =>
      (
        await must(admin, 201, 'POST', '/api/v1/bookings', {
          ...guest(n),
          venue_id: venue.venueId,
          venue_type: 'hotel',
          booking_date: '2026-04-01',
          nights: 1,
          party_size: 1,
          room_type_id: venue.roomTypeId,
        })
      ).id as string;
    const atA = await bookIn(venueA, 1);
    const atB = await bookIn(venueB, 2);
    await ctx.events.relayNow();
    await deliverNow(ctx);

    const bookingsOf = (r: Receiver) => r.received.map((x) => (JSON.parse(x.body) as EventEnvelope).payload.booking_id);
    expect(bookingsOf(receivers.a)).toEqual([atA]);
    expect(bookingsOf(receivers.b)).toEqual([atB]);
    expect(new Set(bookingsOf(receivers.all))).toEqual(new Set([atA, atB]));
    for (const r of Object.values(receivers)) for (const x of r.received) expect(x.verifiedWith).toEqual(r.secrets);

    // Deliveries are read, and retried, within the same ownership.
    const history = await must(bizA, 200, 'GET', `/api/v1/webhooks/endpoints/${endpoints.a}/deliveries`);
    const [delivery] = history.deliveries as Json[];
    expect(delivery).toMatchObject({ status: 'delivered', event_type: 'booking.created' });
    const retryByB = await bizB.call('POST', `/api/v1/webhooks/deliveries/${delivery!.id as string}/retry`);
    expect(retryByB).toMatchObject({ status: 404, body: { error: { code: 'WEBHOOK_DELIVERY_NOT_FOUND' } } });
    expect((await bizA.call('POST', `/api/v1/webhooks/deliveries/${delivery!.id as string}/retry`)).status).toBe(202);
  });
});

/**
 * Server-side request forgery: without WEBHOOK_ALLOW_PRIVATE, an endpoint whose host is, or resolves
 * to, a private, loopback, link-local, unique-local or unspecified address (IPv4, IPv6, IPv4-mapped)
 * is refused with 422 WEBHOOK_URL_PRIVATE at creation and on change; and a name that resolved to a
 * public address when checked but to a loopback one when connecting (DNS rebinding) is refused at
 * connect time: the receiver sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../../helpers/context.js';
import { makeHotel, guest } from '../../helpers/booking-fixtures.js';
import { deliverNow, deliveriesOf, startReceiver, webhookContext, type Json, type Receiver } from './webhook-fixtures.js';

/** What the "DNS" answers when an endpoint is created or changed. */
const dns: Record<string, string[]> = {
  'public.example': ['93.184.216.34'],
  'mixed.example': ['93.184.216.34', '10.0.0.7'],
  'v6-local.example': ['2606:4700::1111', 'fd12::1'],
  'mapped.example': ['::ffff:169.254.169.254'],
  // The rebinding name: public when checked, loopback (the real resolver's answer) when connecting.
  localhost: ['93.184.216.34'],
};

let ctx: TestContext;
let receiver: Receiver;

beforeAll(async () => {
  ctx = await webhookContext({
    allowPrivate: false,
    resolve: async (host) => {
      const answer = dns[host];
      if (answer === undefined) throw new Error('ENOTFOUND');
      return answer;
    },
  });
  receiver = await startReceiver(ctx.clock);
});
afterAll(async () => {
  await receiver?.close();
  await ctx?.close();
});

const create = async (url: string) => {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url } });
  return { status: res.statusCode, body: res.json<Json>() };
};

describe('creating or changing an endpoint', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://127.1.2.3/hook',
    'http://10.1.2.3/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://0.0.0.0/hook',
    'http://100.64.0.1/hook',
    'http://[::1]/hook',
    'http://[::]/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:10.0.0.1]/hook',
    'http://mixed.example/hook',
    'http://v6-local.example/hook',
    'https://mapped.example/hook',
    'http://localhost.:1/hook',
  ])('refuses %s with 422 WEBHOOK_URL_PRIVATE', async (url) => {
    if (url.includes('localhost.')) dns['localhost.'] = ['127.0.0.1'];
    const res = await create(url);
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'WEBHOOK_URL_PRIVATE' } } });
  });

  it('refuses what is not an http(s) URL, and a host that does not resolve', async () => {
    for (const url of ['ftp://public.example/x', 'file:///etc/passwd', 'http://user:pw@public.example/x', 'not a url']) {
      expect(await create(url), url).toMatchObject({ status: 422, body: { error: { code: 'WEBHOOK_URL_INVALID' } } });
    }
    expect(await create('http://nowhere.example/x')).toMatchObject({ status: 422, body: { error: { code: 'WEBHOOK_URL_UNRESOLVABLE' } } });
  });

  it('accepts a public host, and refuses changing it to a private one (the endpoint keeps its URL)', async () => {
    const ok = await create('https://public.example/hook');
    expect(ok.status).toBe(201);
    const id = ok.body.id as string;
    const patch = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/endpoints/${id}`, payload: { url: 'http://[::1]:81/' } });
    expect(patch.statusCode).toBe(422);
    expect(patch.json<Json>()).toMatchObject({ error: { code: 'WEBHOOK_URL_PRIVATE' } });
    const read = await ctx.app.inject({ method: 'GET', url: `/api/v1/webhooks/endpoints/${id}` });
    expect(read.json<Json>().url).toBe('https://public.example/hook');
    await ctx.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/endpoints/${id}` });
  });
});

describe('connecting', () => {
  it('refuses a name that resolves to loopback when connecting, though it was public when checked', async () => {
    const port = new URL(receiver.url).port;
    const created = await create(`http://localhost:${port}/hook`);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const hotel = await makeHotel(ctx);
    const booking = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {
        ...guest(1),
        venue_id: hotel.venueId,
        venue_type: 'hotel',
        booking_date: '2026-05-01',
        nights: 1,
        party_size: 1,
        room_type_id: hotel.roomTypeId,
      },
    });
    expect(booking.statusCode).toBe(201);
    await ctx.events.relayNow();
    const run = await deliverNow(ctx);
    expect(run.claimed).toBeGreaterThan(0);
    expect(run.delivered).toBe(0);
    expect(receiver.received).toHaveLength(0);
    const rows = await deliveriesOf(ctx, id);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: null });
      expect(row.last_error).toMatch(/non-public address/);
    }
  });
});

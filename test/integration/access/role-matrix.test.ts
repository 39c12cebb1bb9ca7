/**
 * The role matrix, generated from the route table: every route × {no token, guest, business of one
 * organization, business of another, admin, service} answers as the route's declared roles say —
 * 401 without a token unless the route is public or open to anonymous callers, 403 for a role it does
 * not list, and past the access check (any other answer) otherwise. Ownership (404 for another
 * owner's object) is tested per object kind in the other files of this folder.
 *
 * Also: which routes are public is a closed list, so a new route cannot become public by forgetting
 * its roles; and a service process behind the gateway refuses anonymous callers the gateway did not forward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import type { Claims } from '../../../src/platform/auth/tokens.js';
import type { RouteAccess } from '../../../src/platform/http/app.js';

type Caller = { readonly name: string; readonly claims: Claims | undefined };
const CALLERS: readonly Caller[] = [
  { name: 'no token', claims: undefined },
  { name: 'guest', claims: { sub: 'guest-1', role: 'guest' } },
  { name: 'business (org-a)', claims: { sub: 'manager-a', role: 'business', org: 'org-a' } },
  { name: 'business (org-b)', claims: { sub: 'manager-b', role: 'business', org: 'org-b', venues: ['v-1'] } },
  { name: 'admin', claims: { sub: 'root', role: 'admin' } },
  { name: 'service', claims: { sub: 'innkeeper-service', role: 'service' } },
];

/** Routes anyone may call without a token: operations, keys, and what a guest needs to find a room. */
const PUBLIC = [
  'GET /health',
  'GET /ready',
  'GET /.well-known/jwks.json',
  'GET /api/v1/venues',
  'GET /api/v1/venues/:venue_id',
  'GET /api/v1/availability/lodging',
  'GET /api/v1/availability/dining',
  'GET /api/v1/venues/:venue_id/room-types',
  'GET /api/v1/room-types/:room_type_id',
  'GET /api/v1/room-types/:room_type_id/stay-rules',
  'OPTIONS *', // CORS preflights (the allow-list decides)
  'GET /', // the seed-001 gateway's greeting
];

/** The gateway's seed-001 forwards: open at the gateway, the booking service they reach checks the caller. */
const isGatewayForward = (r: RouteAccess) => r.url === '/booking' || r.url === '/booking/*';

let ctx: TestContext;
const tokens = new Map<string, string>();
beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  await ctx.listen();
  for (const c of CALLERS) if (c.claims !== undefined) tokens.set(c.name, (await ctx.tokens!.sign(c.claims, 3600)).token);
});
afterAll(async () => ctx.close());

const probeUrl = (url: string) => url.replace(/:[a-z_]+/g, 'probe-id');

async function send(route: RouteAccess, caller: Caller) {
  const token = tokens.get(caller.name);
  const res = await ctx.app.inject({
    method: route.method as 'GET',
    url: probeUrl(route.url),
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
  });
  return { status: res.statusCode, body: res.body, challenge: String(res.headers['www-authenticate'] ?? '') };
}

function expected(route: RouteAccess, caller: Caller): 'allow' | 401 | 403 {
  if (route.roles === undefined) return 'allow';
  if (caller.claims === undefined) return route.anonymous ? 'allow' : 401;
  return route.roles.includes(caller.claims.role) ? 'allow' : 403;
}

describe('every route × every kind of caller', () => {
  it('the route table is the whole API, and only the listed routes are public', () => {
    const table = ctx.app.routeTable;
    expect(table.length).toBeGreaterThan(100);
    const open = table.filter((r) => r.roles === undefined && !isGatewayForward(r)).map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([...PUBLIC].sort());
    // The compatibility surfaces take a service or admin token (or an API key), never nothing.
    for (const r of table.filter((x) => /^\/(rooms|inventory|bookings|api\/inventory)\b/.test(x.url))) {
      expect(r.roles, `${r.method} ${r.url}`).toEqual(['service', 'admin']);
    }
  });

  it('answers 401, 403 or lets through exactly as each route declares', async () => {
    const wrong: string[] = [];
    let checked = 0;
    const routes = ctx.app.routeTable.filter((r) => !isGatewayForward(r));
    for (const route of routes) {
      for (const caller of CALLERS) {
        const want = expected(route, caller);
        const got = await send(route, caller);
        checked++;
        const ok =
          want === 'allow'
            ? got.status !== 401 && got.status !== 403
            : got.status === want && (want !== 401 || got.challenge.startsWith('Bearer'));
        if (!ok)
          wrong.push(`${route.method} ${route.url} as ${caller.name}: expected ${want}, got ${got.status} ${got.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(routes.length * CALLERS.length);
  });

  it('the seed-001 forwards reach a booking service that checks the caller as /bookings does', async () => {
    const none = await ctx.app.inject({ method: 'GET', url: '/booking/probe-id' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ detail: 'A valid bearer token or API key is required.' });
    const guest = await ctx.app.inject({
      method: 'DELETE',
      url: '/booking/probe-id',
      headers: { authorization: `Bearer ${tokens.get('guest')!}` },
    });
    expect(guest.statusCode).toBe(403);
    const admin = await ctx.app.inject({
      method: 'GET',
      url: '/booking/probe-id',
      headers: { authorization: `Bearer ${tokens.get('admin')!}` },
    });
    expect(admin.statusCode).toBe(404);
    expect(admin.json()).toEqual({ detail: 'Booking not found' });
  });

  it('payment and pricing administration are never guest-callable', () => {
    const guestReach = ctx.app.routeTable.filter(
      (r) =>
        (r.url.startsWith('/api/v1/payments') || (r.url.startsWith('/api/v1/pricing') && !/\/(quote|cancellation-fee)$/.test(r.url))) &&
        (r.roles === undefined || r.roles.includes('guest') || r.anonymous),
    );
    expect(guestReach.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });
});

describe('a service process behind the gateway (not a public entry)', () => {
  let split: TestContext;
  beforeAll(async () => {
    split = await createTestContext({ auth: true, publicEntry: false, services: ['booking'] });
  });
  afterAll(async () => split.close());

  it('refuses an anonymous caller even on routes open to anonymous guests, unless the gateway forwards it', async () => {
    const direct = await split.app.inject({ method: 'POST', url: '/api/v1/bookings', payload: {} });
    expect(direct.statusCode).toBe(401);
    const forwarded = await split.deps.gatewayAuthorization!(undefined);
    expect(forwarded).toMatch(/^Bearer /);
    const through = await split.app.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      payload: {},
      headers: { authorization: forwarded! },
    });
    expect(through.statusCode).toBe(400); // past access control: the empty body fails validation
    expect(through.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    // The forwarding token vouches for an anonymous caller only: it opens nothing beyond what anonymous callers may do.
    const me = await split.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: forwarded! } });
    expect(me.statusCode).toBe(401);
    const list = await split.app.inject({ method: 'GET', url: '/api/v1/bookings/guest/g', headers: { authorization: forwarded! } });
    expect(list.statusCode).toBe(401);
    // A caller's own token passes through the gateway unchanged.
    const own = (await split.tokens!.sign({ sub: 'g', role: 'guest' }, 600)).token;
    expect(await split.deps.gatewayAuthorization!(`Bearer ${own}`)).toBe(`Bearer ${own}`);
  });
});

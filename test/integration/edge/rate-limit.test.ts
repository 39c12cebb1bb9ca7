/**
 * Rate limits in one process (memory store): each group's budget, 429 answers with the platform's
 * error body (or the compatibility surfaces' `{"detail"}`) and the draft-standard headers, separate
 * counters per group and per caller (address, or identity), the exempt operational routes, and
 * RATE_LIMIT=off. The window is ten minutes, so no test here can straddle a window on a slow machine.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../../src/platform/auth/identity.js';
import type { ServiceModule } from '../../../src/platform/http/app.js';
import { loadEdgeConfig } from '../../../src/platform/http/edge.config.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

const WINDOW_MS = 600_000;
const BUDGETS = { login: 2, booking: 3, search: 4, default: 5 };

/**
 * Stands in for the auth hook: `x-test-identity: role:sub[:trusted|:api-key]` (or `gateway`: an anonymous
 * caller the gateway forwarded) becomes `request.identity` for
 * this module's routes (under /api/v1/edge-test), set in onRequest as the real hook will be.
 */
const identityModule: ServiceModule = {
  name: 'edge-test',
  title: 'Identity stand-in for the edge tests',
  migrations: { schema: 'edge_test', migrations: {} },
  register: async (app) => {
    app.addHook('onRequest', async (request) => {
      const raw = request.headers['x-test-identity'];
      if (typeof raw !== 'string') {
        request.identity = null;
        return;
      }
      if (raw === 'gateway') {
        // An anonymous caller the gateway forwarded.
        request.identity = null;
        request.throughGateway = true;
        return;
      }
      const [role, sub, via] = raw.split(':');
      request.identity = {
        role: role as Identity['role'],
        sub: sub!,
        via: via === 'trusted' ? 'trusted' : via === 'api-key' ? 'api-key' : 'token',
      };
    });
    app.get('/api/v1/edge-test/whoami', async (request) => ({ sub: request.identity?.sub ?? null }));
  },
};

function expectLimited(res: LightMyRequestResponse, group: keyof typeof BUDGETS): number {
  expect(res.statusCode).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
  expect(res.headers['ratelimit-limit']).toBe(String(BUDGETS[group]));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-reset']).toBe(String(retryAfter));
  expect(res.json()).toEqual({
    error: {
      code: 'RATE_LIMITED',
      message: `Too many requests; retry after ${retryAfter} seconds.`,
      details: { group, limit: BUDGETS[group], retry_after_seconds: retryAfter },
    },
  });
  return retryAfter;
}

function expectCounted(res: LightMyRequestResponse, group: keyof typeof BUDGETS, remaining: number): void {
  expect(res.statusCode).not.toBe(429);
  expect(res.headers['ratelimit-limit']).toBe(String(BUDGETS[group]));
  expect(res.headers['ratelimit-remaining']).toBe(String(remaining));
  expect(res.headers['retry-after']).toBeUndefined();
}

describe('rate limits (memory store)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      extraModules: [identityModule],
      edge: loadEdgeConfig({
        RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
        RATE_LIMIT_LOGIN: String(BUDGETS.login),
        RATE_LIMIT_BOOKING: String(BUDGETS.booking),
        RATE_LIMIT_SEARCH: String(BUDGETS.search),
        RATE_LIMIT_DEFAULT: String(BUDGETS.default),
      }),
    });
  });
  afterAll(async () => ctx?.close());

  /** Every test is its own caller (its own address), so the counters of one never reach another. */
  const from = (remoteAddress: string) => ({
    get: (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers, remoteAddress }),
    post: (url: string, payload: unknown = {}, headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url, payload: payload as object, headers, remoteAddress }),
  });

  it('login: the budget is allowed, the next one is 429 with the error body and headers, whatever the route answers', async () => {
    const caller = from('10.1.0.1');
    for (let i = 0; i < BUDGETS.login; i++) {
      const res = await caller.post('/api/v1/auth/token', { username: 'a', password: 'b' });
      expectCounted(res, 'login', BUDGETS.login - 1 - i);
    }
    expectLimited(await caller.post('/api/v1/auth/token', { username: 'a', password: 'b' }), 'login');
    // The other groups keep their own counters.
    expectCounted(await caller.get('/api/v1/venues'), 'default', BUDGETS.default - 1);
    expectCounted(await caller.post('/api/v1/bookings', {}), 'booking', BUDGETS.booking - 1);
    expectCounted(await caller.get('/api/v1/availability/lodging?location=Nowhere&check_in=2026-03-01&check_out=2026-03-02'), 'search', 3);
  });

  it('booking: POST /api/v1/bookings, /bookings/ and /booking share one budget; reads of bookings are not in it', async () => {
    const caller = from('10.1.0.2');
    expectCounted(await caller.post('/api/v1/bookings', {}), 'booking', 2);
    expectCounted(await caller.post('/bookings/', {}), 'booking', 1);
    expectCounted(await caller.post('/booking/', {}), 'booking', 0);
    expectLimited(await caller.post('/api/v1/bookings', { anything: true }), 'booking');
    expectCounted(await caller.get('/api/v1/bookings'), 'default', BUDGETS.default - 1);
  });

  it('a second caller (another address) has its own budget', async () => {
    const first = from('10.1.0.3');
    const second = from('10.1.0.4');
    for (let i = 0; i < BUDGETS.booking; i++) expectCounted(await first.post('/api/v1/bookings', {}), 'booking', BUDGETS.booking - 1 - i);
    expectLimited(await first.post('/api/v1/bookings', {}), 'booking');
    expectCounted(await second.post('/api/v1/bookings', {}), 'booking', BUDGETS.booking - 1);
  });

  it('search: the canonical surface answers the error body; /rooms (compatibility) answers {"detail"} with the same headers', async () => {
    const caller = from('10.1.0.5');
    expectCounted(await caller.post('/api/v1/pricing/quote', {}), 'search', 3);
    expectCounted(await caller.post('/api/v1/bookings/availability/check', {}), 'search', 2);
    const listed = await caller.get('/rooms');
    expect(listed.statusCode).toBe(200);
    expectCounted(listed, 'search', 1);
    expectCounted(await caller.get('/rooms/search'), 'search', 0);

    const compat = await caller.get('/rooms');
    expect(compat.statusCode).toBe(429);
    const retryAfter = Number(compat.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(compat.headers['ratelimit-limit']).toBe(String(BUDGETS.search));
    expect(compat.headers['ratelimit-remaining']).toBe('0');
    expect(compat.json()).toEqual({ detail: `Too many requests; retry after ${retryAfter} seconds.` });

    expectLimited(await caller.get('/api/v1/availability/lodging?location=Nowhere&check_in=2026-03-01&check_out=2026-03-02'), 'search');
  });

  it('the other compatibility surfaces answer {"detail"} too (/bookings, /inventory, /api/inventory), never their own 4xx mapping', async () => {
    const caller = from('10.1.0.6');
    for (let i = 0; i < BUDGETS.default; i++) expect((await caller.get('/api/v1/venues')).statusCode).toBe(200);
    for (const url of ['/bookings/', '/inventory/adjust', '/api/inventory']) {
      const res = await caller.get(url);
      expect(res.statusCode, url).toBe(429);
      expect(res.json(), url).toEqual({ detail: `Too many requests; retry after ${res.headers['retry-after']} seconds.` });
    }
    // An unknown path counts too (a forwarded or mistyped call is not a way around the limit).
    expectLimited(await caller.get('/no/such/path'), 'default');
  });

  it('health, readiness and the docs are never limited and carry no rate-limit headers', async () => {
    const caller = from('10.1.0.7');
    for (let i = 0; i < BUDGETS.default + 3; i++) {
      for (const url of ['/health', '/docs/json']) {
        const res = await caller.get(url);
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['ratelimit-limit'], url).toBeUndefined();
      }
    }
    expectCounted(await caller.get('/api/v1/venues'), 'default', BUDGETS.default - 1);
  });

  it('an identified caller is counted by identity: one budget across addresses, and another identity has its own', async () => {
    const alice = { 'x-test-identity': 'guest:alice' };
    for (let i = 0; i < BUDGETS.default; i++) {
      const res = await from(`10.2.0.${i + 1}`).get('/api/v1/edge-test/whoami', alice);
      expect(res.json()).toEqual({ sub: 'alice' });
      expectCounted(res, 'default', BUDGETS.default - 1 - i);
    }
    expectLimited(await from('10.2.0.99').get('/api/v1/edge-test/whoami', alice), 'default');
    // Same address as the refused call, another identity: its own budget.
    const bob = await from('10.2.0.99').get('/api/v1/edge-test/whoami', { 'x-test-identity': 'guest:bob' });
    expect(bob.json()).toEqual({ sub: 'bob' });
    expectCounted(bob, 'default', BUDGETS.default - 1);
    // The same subject under another role is another caller.
    expectCounted(await from('10.2.0.99').get('/api/v1/edge-test/whoami', { 'x-test-identity': 'business:alice' }), 'default', 4);
    // And the address itself, anonymous, still has its whole budget.
    expectCounted(await from('10.2.0.99').get('/api/v1/edge-test/whoami'), 'default', BUDGETS.default - 1);
  });

  it('traffic inside the deployment is not limited: service tokens and anonymous callers the gateway forwards; a service API key is', async () => {
    const inside = from('10.4.0.1');
    for (const identity of ['service:innkeeper-service', 'gateway']) {
      for (let i = 0; i < BUDGETS.default + 2; i++) {
        const res = await inside.get('/api/v1/edge-test/whoami', { 'x-test-identity': identity });
        expect(res.statusCode, identity).toBe(200);
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
    }
    const outside = from('10.4.0.2');
    for (let i = 0; i < BUDGETS.default; i++)
      await outside.get('/api/v1/edge-test/whoami', { 'x-test-identity': 'service:channel:api-key' });
    expectLimited(await outside.get('/api/v1/edge-test/whoami', { 'x-test-identity': 'service:channel:api-key' }), 'default');
  });

  it('a trusted identity (INNKEEPER_AUTH=off) is counted by address, not as one shared admin', async () => {
    const trusted = { 'x-test-identity': 'admin:trusted:trusted' };
    const first = from('10.3.0.1');
    for (let i = 0; i < BUDGETS.default; i++) await first.get('/api/v1/edge-test/whoami', trusted);
    expectLimited(await first.get('/api/v1/edge-test/whoami', trusted), 'default');
    expectCounted(await from('10.3.0.2').get('/api/v1/edge-test/whoami', trusted), 'default', BUDGETS.default - 1);
  });
});

describe('RATE_LIMIT=off', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ edge: loadEdgeConfig({ RATE_LIMIT: 'off', RATE_LIMIT_DEFAULT: '1', RATE_LIMIT_LOGIN: '1' }) });
  });
  afterAll(async () => ctx?.close());

  it('limits nothing and sends no rate-limit headers', async () => {
    for (let i = 0; i < 5; i++) {
      const venues = await ctx.app.inject({ method: 'GET', url: '/api/v1/venues' });
      expect(venues.statusCode).toBe(200);
      expect(venues.headers['ratelimit-limit']).toBeUndefined();
      const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: {} });
      expect(login.statusCode).not.toBe(429);
      expect(login.headers['ratelimit-remaining']).toBeUndefined();
    }
  });
});

/**
 * Two organizations for the inventory ownership tests: `org-a` owns venues A and A2, `org-b` owns
 * venue B, all created by an admin over HTTP. The callers: each organization's business user, a
 * business user of org-a narrowed (by `venues`) to A2 only, an admin, a service, a guest.
 */
import { expect } from 'vitest';
import type { TestContext } from '../../helpers/context.js';

export type Caller = 'ownerA' | 'ownerB' | 'narrowedA2' | 'admin' | 'service' | 'guest' | 'anonymous';

export interface World {
  readonly ctx: TestContext;
  readonly tokens: Readonly<Record<Exclude<Caller, 'anonymous'>, string>>;
}

export async function world(ctx: TestContext): Promise<World> {
  const sign = async (claims: Parameters<NonNullable<TestContext['tokens']>['sign']>[0]) => (await ctx.tokens!.sign(claims, 3600)).token;
  return {
    ctx,
    tokens: {
      ownerA: await sign({ sub: 'alice', role: 'business', org: 'org-a' }),
      ownerB: await sign({ sub: 'bob', role: 'business', org: 'org-b' }),
      narrowedA2: await sign({ sub: 'anna', role: 'business', org: 'org-a', venues: ['a2'] }),
      admin: await sign({ sub: 'root', role: 'admin' }),
      service: await sign({ sub: 'booking', role: 'service' }),
      guest: await sign({ sub: 'guest-1', role: 'guest' }),
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let keys = 0;

/** One HTTP call as `caller` (writes carry a fresh Idempotency-Key, which some routes require). */
export async function call(w: World, caller: Caller, method: string, url: string, payload?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (caller !== 'anonymous') headers.authorization = `Bearer ${w.tokens[caller]}`;
  if (method !== 'GET') headers['idempotency-key'] = `access-test-${++keys}`;
  const res = await w.ctx.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: res.statusCode, body: res.body === '' ? null : res.json() };
}

/** Asserts the status, showing the body when it differs. */
export function expectStatus(answer: Answer, status: number, code?: string): void {
  expect({ status: answer.status, body: answer.body }).toMatchObject({
    status,
    ...(code !== undefined ? { body: { error: { code } } } : {}),
  });
}

/** The three venues of one type: A and A2 of org-a, B of org-b. */
export async function venuesOf(w: World, type: 'hotel' | 'restaurant' | 'cafe' | 'retail'): Promise<{ a: string; a2: string; b: string }> {
  const ids = { a: 'a', a2: 'a2', b: 'b' };
  for (const [id, org] of [
    [ids.a, 'org-a'],
    [ids.a2, 'org-a'],
    [ids.b, 'org-b'],
  ] as const) {
    const res = await call(w, 'admin', 'POST', '/api/v1/venues', {
      id,
      organization_id: org,
      type,
      name: `${type} ${id}`,
      time_zone: 'Europe/London',
    });
    expectStatus(res, 201);
  }
  return ids;
}

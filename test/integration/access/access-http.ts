/**
 * What the access tests share: an app with access control on, listening (the pricing and payment
 * services ask inventory over HTTP which venues an organization has), callers with their own tokens,
 * and venues of two organizations created through the inventory API by an administrator.
 */
import type { TestContext } from '../../helpers/context.js';
import { createTestContext } from '../../helpers/context.js';

export type Json = Record<string, unknown>;

export interface Answer {
  readonly status: number;
  readonly body: Json;
}

export interface Caller {
  /** The bearer token (undefined: no Authorization header). */
  readonly token: string | undefined;
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<Answer>;
}

export interface World {
  readonly ctx: TestContext;
  /** Organization A has venues a1 and a2, organization B venue b1. */
  readonly venues: { readonly a1: string; readonly a2: string; readonly b1: string };
  readonly admin: Caller;
  readonly service: Caller;
  /** Business users of A (every venue), of A narrowed to a1 only, and of B. */
  readonly bizA: Caller;
  readonly bizA1: Caller;
  readonly bizB: Caller;
  readonly guest: Caller;
  readonly anonymous: Caller;
}

let seq = 0;

export function caller(ctx: TestContext, token: string | undefined): Caller {
  return {
    token,
    call: async (method, url, payload) => {
      const res = await ctx.app.inject({
        method,
        url,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload: payload as Json }),
      });
      return { status: res.statusCode, body: res.body === '' ? {} : res.json<Json>() };
    },
  };
}

/** Calls and insists on the status (a set-up step that must work). */
export async function must(c: Caller, status: number, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const res = await c.call(method, url, payload);
  if (res.status !== status) throw new Error(`${method} ${url} → ${res.status} (wanted ${status}): ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function hotel(admin: Caller, organization: string, price = 10_000): Promise<{ venueId: string; roomTypeId: string }> {
  const venueId = `${organization}-hotel-${process.pid}-${++seq}`;
  await must(admin, 201, 'POST', '/api/v1/venues', {
    id: venueId,
    organization_id: organization,
    type: 'hotel',
    name: `Hotel of ${organization}`,
    location: 'London',
    time_zone: 'Europe/London',
    currency: 'GBP',
  });
  const roomTypeId = `${venueId}-STD`;
  await must(admin, 201, 'POST', `/api/v1/venues/${venueId}/room-types`, {
    id: roomTypeId,
    name: 'Standard Rooms',
    capacity_adults: 4,
    price,
    total_quantity: 5,
  });
  return { venueId, roomTypeId };
}

export async function world(): Promise<World> {
  const ctx = await createTestContext({ auth: true });
  await ctx.listen();
  const tokens = ctx.tokens!;
  const sign = async (claims: Parameters<typeof tokens.sign>[0]) => caller(ctx, (await tokens.sign(claims, 24 * 3600)).token);
  const admin = await sign({ sub: 'staff-admin', role: 'admin' });
  // One after the other: the verifier reads its keys on the first token it sees, and a token arriving
  // while that first read is under way is refused (platform/auth/tokens.ts, reported).
  const a1 = await hotel(admin, 'org-a');
  const a2 = await hotel(admin, 'org-a');
  const b1 = await hotel(admin, 'org-b');
  return {
    ctx,
    venues: { a1: a1.venueId, a2: a2.venueId, b1: b1.venueId },
    admin,
    service: await sign({ sub: 'booking', role: 'service' }),
    bizA: await sign({ sub: 'user-a', role: 'business', org: 'org-a' }),
    bizA1: await sign({ sub: 'user-a1', role: 'business', org: 'org-a', venues: [a1.venueId] }),
    bizB: await sign({ sub: 'user-b', role: 'business', org: 'org-b' }),
    guest: await sign({ sub: 'guest-1', role: 'guest' }),
    anonymous: caller(ctx, undefined),
  };
}

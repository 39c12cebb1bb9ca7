/**
 * Price and policy changes are in the audit trail: every write of the pricing administration (rate
 * plans, cancellation policies, … — one route factory) records who changed what, in the same
 * transaction; a refused change records nothing, and a replay under its Idempotency-Key records once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { makeHotel, type Hotel } from '../../helpers/booking-fixtures.js';

type Json = Record<string, unknown>;
let ctx: TestContext;
let hotel: Hotel;
let owner: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  ctx = await createTestContext({ auth: true });
  await ctx.listen();
  hotel = await makeHotel(ctx, { organization: 'org-price' });
  owner = { authorization: `Bearer ${(await ctx.tokens!.sign({ sub: 'price-manager', role: 'business', org: 'org-price' }, 3600)).token}` };
  admin = { authorization: `Bearer ${(await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 3600)).token}` };
});
afterAll(async () => ctx.close());

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({ method, url, payload, headers });
  return { status: res.statusCode, body: res.body === '' ? {} : res.json<Json>() };
}

describe('pricing changes in the audit trail', () => {
  it('records each create, update and delete with its actor and object; refusals and replays add nothing', async () => {
    const body = { venue_id: hotel.venueId, room_type_id: hotel.roomTypeId, name: 'Flexible', base_price: 15_000, currency: 'GBP' };
    const plan = await call('POST', '/api/v1/pricing/rate-plans', body, { ...owner, 'idempotency-key': 'plan-1' });
    expect(plan.status).toBe(201);
    const replay = await call('POST', '/api/v1/pricing/rate-plans', body, { ...owner, 'idempotency-key': 'plan-1' });
    expect(replay.body).toEqual(plan.body);
    const planId = plan.body.id as string;
    expect((await call('PATCH', `/api/v1/pricing/rate-plans/${planId}`, { base_price: 16_000 }, owner)).status).toBe(200);
    // Refused: another organization's plan is not found; a bad currency is a 400.
    const stranger = {
      authorization: `Bearer ${(await ctx.tokens!.sign({ sub: 'other', role: 'business', org: 'org-other' }, 3600)).token}`,
    };
    expect((await call('PATCH', `/api/v1/pricing/rate-plans/${planId}`, { base_price: 1 }, stranger)).status).toBe(404);
    expect((await call('POST', '/api/v1/pricing/rate-plans', { ...body, currency: 'gbp' }, owner)).status).toBe(400);
    const policy = await call(
      'POST',
      '/api/v1/pricing/cancellation-policies',
      {
        venue_id: hotel.venueId,
        name: 'Strict',
        free_until_hours: 48,
        late_fee: { kind: 'percent', rate_bps: 5_000 },
        no_show_fee: { kind: 'percent', rate_bps: 10_000 },
      },
      owner,
    );
    expect(policy.status).toBe(201);
    const policyId = policy.body.id as string;
    expect((await call('DELETE', `/api/v1/pricing/cancellation-policies/${policyId}`, undefined, admin)).status).toBe(204);

    const trail = await call('GET', '/api/v1/audit?action=pricing.changed', undefined, admin);
    expect(trail.status).toBe(200);
    const events = (trail.body.events as Json[]).map((e) => [
      e.actor,
      e.actor_role,
      (e.details as Json).operation,
      e.object_type,
      e.object_id,
    ]);
    expect(events).toEqual([
      ['root', 'admin', 'cancellation_policy.delete', 'cancellation_policy', policyId],
      ['price-manager', 'business', 'cancellation_policy.create', 'cancellation_policy', policyId],
      ['price-manager', 'business', 'rate_plan.update', 'rate_plan', planId],
      ['price-manager', 'business', 'rate_plan.create', 'rate_plan', planId],
    ]);
  });
});

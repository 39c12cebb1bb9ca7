/**
 * Claiming deliveries: two workers running at once (two processes' jobs) send each due delivery once
 * — the claim skips rows another worker holds and leases what it takes — and a delivery claimed by a
 * worker that died mid-call is sent again once its lease has run out, not before; an endpoint deleted
 * while its delivery is in flight leaves nothing behind and fails no run.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claimDue, insertDeliveries } from '../../../src/services/webhooks/webhook.repository.js';
import { deliverDue, LEASE_MS } from '../../../src/services/webhooks/webhook.delivery.js';
import type { WebhookContext } from '../../../src/services/webhooks/webhook.service.js';
import type { WebhookDb } from '../../../src/services/webhooks/webhook.tables.js';
import type { TestContext } from '../../helpers/context.js';
import { deliveriesOf, startReceiver, webhookContext, type Receiver } from './webhook-fixtures.js';

let ctx: TestContext;
let receiver: Receiver;
let worker: WebhookContext;
let endpointId: string;

beforeAll(async () => {
  ctx = await webhookContext();
  receiver = await startReceiver(ctx.clock);
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: receiver.url } });
  endpointId = res.json<{ id: string }>().id;
  receiver.secrets = [res.json<{ secret: string }>().secret];
  // A second worker over the same database, as another replica's job would be.
  worker = {
    db: ctx.database.db as WebhookDb,
    clock: ctx.clock,
    pii: ctx.deps.pii,
    venues: { organizationOf: async () => null },
    urlPolicy: { allowPrivate: true },
    log: { info: () => undefined, warn: () => undefined },
  };
});
afterAll(async () => {
  await receiver?.close();
  await ctx?.close();
});

const event = (n: number) => ({
  event_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  event_type: 'test.ping',
  payload: { n },
  timestamp: ctx.clock.now().toISOString(),
  source: 'test',
  version: '1.0',
  aggregate_id: 'agg',
  sequence: n,
});

it('two workers at once send each due delivery exactly once', async () => {
  const events = Array.from({ length: 12 }, (_, i) => event(i + 1));
  await insertDeliveries(
    worker.db,
    events.map((e) => ({ endpointId, eventId: e.event_id, eventType: e.event_type, envelope: e, at: ctx.clock.now() })),
  );
  const runs = await Promise.all([deliverDue(worker), deliverDue(worker), deliverDue(worker)]);
  expect(runs.reduce((n, r) => n + r.claimed, 0)).toBe(12);
  expect(runs.reduce((n, r) => n + r.delivered, 0)).toBe(12);
  expect(receiver.received).toHaveLength(12);
  expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(events.map((e) => e.event_id)));
  for (const r of receiver.received) expect(r.verifiedWith).toEqual(receiver.secrets);
  expect((await deliveriesOf(ctx, endpointId)).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
});

it('a delivery whose worker died mid-call is sent again when its lease runs out, not before', async () => {
  const e = event(100);
  await insertDeliveries(worker.db, [{ endpointId, eventId: e.event_id, eventType: e.event_type, envelope: e, at: ctx.clock.now() }]);
  const before = receiver.received.length;
  // A worker claims it and dies: nothing is sent, nothing settled.
  const now = ctx.clock.now();
  expect(await claimDue(worker.db, now, new Date(now.getTime() + LEASE_MS), 20)).toHaveLength(1);

  expect(await deliverDue(worker)).toMatchObject({ claimed: 0 });
  ctx.clock.advance(LEASE_MS - 1);
  expect(await deliverDue(worker)).toMatchObject({ claimed: 0 });
  ctx.clock.advance(1);
  expect(await deliverDue(worker)).toMatchObject({ claimed: 1, delivered: 1 });
  expect(receiver.received.length - before).toBe(1);
  expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(e.event_id);
});

it('an endpoint deleted while its delivery is in flight leaves nothing behind, and the run does not fail', async () => {
  const e = event(200);
  await insertDeliveries(worker.db, [{ endpointId, eventId: e.event_id, eventType: e.event_type, envelope: e, at: ctx.clock.now() }]);
  const before = receiver.received.length;
  receiver.beforeAnswer = async () => {
    receiver.beforeAnswer = undefined;
    const res = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/endpoints/${endpointId}` });
    expect(res.statusCode).toBe(204);
  };
  expect(await deliverDue(worker)).toEqual({ claimed: 1, delivered: 0, retrying: 0, failed: 0, disabled: 0 });
  expect(receiver.received.length - before).toBe(1);
  expect(await deliveriesOf(ctx, endpointId)).toEqual([]);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from webhook.delivery_attempt`.execute(ctx.database.db);
  expect(rows[0]!.n).toBe(0); // the endpoint's history went with it
});

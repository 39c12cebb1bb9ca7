/**
 * Endpoint secrets are sealed with the PII keys: after a new key goes first, every secret (and a
 * rotated-out one still signing) is resealed under it, the old key then seals nothing, and the
 * delivery job — with the old key retired — still signs with the same secrets.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withNewCurrentKey, withoutKeys } from '../../../src/platform/pii/pii-keys.js';
import { PiiVault } from '../../../src/platform/pii/pii-vault.js';
import { deliverDue } from '../../../src/services/webhooks/webhook.delivery.js';
import { insertDeliveries } from '../../../src/services/webhooks/webhook.repository.js';
import { resealWebhookSecrets, webhookSecretKeyUse } from '../../../src/services/webhooks/webhook.rotation.js';
import type { WebhookDb } from '../../../src/services/webhooks/webhook.tables.js';
import type { TestContext } from '../../helpers/context.js';
import { startReceiver, webhookContext, type Receiver } from './webhook-fixtures.js';

let ctx: TestContext;
let receiver: Receiver;

beforeAll(async () => {
  ctx = await webhookContext();
  receiver = await startReceiver(ctx.clock);
});
afterAll(async () => {
  await receiver?.close();
  await ctx?.close();
});

it('reseals every secret under the new key; deliveries are still signed with the same secrets once the old key is gone', async () => {
  const db = ctx.database.db as WebhookDb;
  const created = await ctx.app.inject({ method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: receiver.url } });
  const { id, secret: first } = created.json<{ id: string; secret: string }>();
  const rotated = await ctx.app.inject({ method: 'POST', url: `/api/v1/webhooks/endpoints/${id}/rotate-secret` });
  const second = rotated.json<{ secret: string }>().secret;
  receiver.secrets = [first, second];

  const oldRing = ctx.deps.pii.ring;
  expect(await webhookSecretKeyUse(db)).toEqual([{ keyId: oldRing.current.id, values: 2 }]);

  const newRing = withNewCurrentKey(oldRing);
  const vault = new PiiVault(newRing);
  expect(await resealWebhookSecrets(db, vault)).toEqual({ scanned: 1, resealed: 1 });
  expect(await webhookSecretKeyUse(db)).toEqual([{ keyId: newRing.current.id, values: 2 }]);
  expect(await resealWebhookSecrets(db, vault)).toEqual({ scanned: 0, resealed: 0 }); // again: nothing left

  // Only the new key from now on: the old one is retired.
  const retired = new PiiVault(withoutKeys(newRing, new Set([oldRing.current.id])));
  const { rows } = await sql<{ secret: string }>`select secret from webhook.endpoint where id = ${id}`.execute(db);
  expect(rows[0]!.secret).not.toContain(second.slice('whsec_'.length));
  const event = {
    event_id: '00000000-0000-4000-8000-0000000000aa',
    event_type: 'test.ping',
    payload: {},
    timestamp: ctx.clock.now().toISOString(),
    source: 'test',
    version: '1.0',
    aggregate_id: 'agg',
    sequence: 1,
  };
  await insertDeliveries(db, [
    { endpointId: id, eventId: event.event_id, eventType: event.event_type, envelope: event, at: ctx.clock.now() },
  ]);
  const run = await deliverDue({
    db,
    clock: ctx.clock,
    pii: retired,
    venues: { organizationOf: async () => null },
    urlPolicy: { allowPrivate: true },
    log: { info: () => undefined, warn: () => undefined },
  });
  expect(run).toMatchObject({ claimed: 1, delivered: 1 });
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0]!.verifiedWith).toEqual([first, second]);
});

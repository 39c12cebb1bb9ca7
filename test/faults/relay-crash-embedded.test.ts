/**
 * The relay killed between handing an event over and marking it published, on the embedded default
 * (no broker: the relay hands events to the in-process consumers). The webhooks consumer had already
 * scheduled the delivery when the process died (SIGKILL at `relay:published`); restarted, the relay
 * hands the same event over again once the claim's lease runs out, the consumer's inbox skips it, and
 * the receiver gets the booking's webhook once, verified with the `standardwebhooks` package. Then
 * `innkeeper events replay --endpoint` sends it again with the same webhook-id.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { systemClock } from '../../src/platform/clock.js';
import type { ManualClock } from '../../src/platform/clock.js';
import { crashWorld, send, type CrashWorld, type Json } from '../helpers/crash.js';
import { runCli } from '../helpers/process.js';
import { startReceiver, type Receiver } from '../integration/webhooks/webhook-fixtures.js';

const backend = inject('backend');
let world: CrashWorld;
let receiver: Receiver;

beforeAll(async () => {
  world = await crashWorld(backend);
  // A real process runs on the real clock; the receiver verifies timestamps against it.
  receiver = await startReceiver(systemClock as unknown as ManualClock);
});
afterEach(async () => world.killAll());
afterAll(async () => {
  await receiver?.close();
  await world?.dispose();
});

async function waitFor(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const webhookIds = (type: string) =>
  receiver.received.filter((r) => (JSON.parse(r.body) as Json).event_type === type).map((r) => r.headers['webhook-id']);

describe('the relay killed mid-hand-over on the embedded default', () => {
  it(
    'hands the event over again after a restart; the webhook consumer schedules it once; the receiver gets it once',
    { timeout: 180_000 },
    async () => {
      const env = { WEBHOOK_ALLOW_PRIVATE: '1', EVENTS_LEASE_MS: '2000' };
      const crashing = await world.start({ ...env, INNKEEPER_FAULT_CRASH_AFTER: 'relay:published' });
      const endpoint = await send(crashing.url, 'POST', '/api/v1/webhooks/endpoints', { url: receiver.url, event_types: ['booking.*'] });
      expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
      receiver.secrets = [endpoint.body.secret as string];
      const venue = `embedded-crash-${backend}`;
      expect(
        (
          await send(crashing.url, 'POST', '/api/v1/venues', {
            id: venue,
            organization_id: 'org-test',
            type: 'hotel',
            name: 'Crash Hotel',
            location: 'London',
            time_zone: 'Europe/London',
            currency: 'GBP',
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await send(crashing.url, 'POST', `/api/v1/venues/${venue}/room-types`, {
            id: `${venue}-STD`,
            name: 'Standard',
            capacity_adults: 2,
            price: 10_000,
            total_quantity: 5,
          })
        ).status,
      ).toBe(201);
      await send(crashing.url, 'POST', '/api/v1/bookings', {
        guest_id: 'g-1',
        guest_name: 'Ada Guest',
        guest_email: 'ada@example.com',
        venue_id: venue,
        venue_type: 'hotel',
        booking_date: '2027-03-01',
        nights: 1,
        party_size: 2,
        room_type_id: `${venue}-STD`,
      }).catch(() => undefined);
      const died = await new Promise<string | null>((resolve) => {
        if (crashing.child.exitCode !== null || crashing.child.signalCode !== null) resolve(crashing.child.signalCode);
        crashing.child.once('exit', (_code, signal) => resolve(signal));
      });
      expect(died, crashing.output()).toBe('SIGKILL');

      const before = await world.read(async ({ db }) => {
        const event = await sql<{ event_id: string; published_at: Date | null }>`
        select event_id, published_at from booking.outbox_event where event_type = 'booking.created'`.execute(db);
        const deliveries = await sql<{ event_id: string }>`select event_id from webhook.delivery`.execute(db);
        return { event: event.rows, deliveries: deliveries.rows };
      });
      expect(before.event).toHaveLength(1);
      const eventId = before.event[0]!.event_id;
      // The consumer had scheduled the delivery; the outbox did not record the hand-over.
      expect(before.event[0]!.published_at).toBeNull();
      expect(before.deliveries.map((d) => d.event_id)).toEqual([eventId]);

      const restarted = await world.start(env);
      await waitFor('the webhook', () => webhookIds('booking.created').length >= 1);
      // Long enough for the lease to run out, the republish, and any second delivery.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(webhookIds('booking.created')).toEqual([eventId]);
      expect(receiver.received.every((r) => r.verifiedWith.length === 1)).toBe(true);
      expect((await restarted.stop()).code, restarted.output()).toBe(0);
      const after = await world.read(async ({ db }) => {
        const event = await sql<{
          published_at: Date | null;
        }>`select published_at from booking.outbox_event where event_id = ${eventId}`.execute(db);
        const deliveries = await sql<{ n: number }>`select count(*)::int as n from webhook.delivery where event_id = ${eventId}`.execute(
          db,
        );
        const inbox = await sql<{ n: number }>`select count(*)::int as n from webhook.inbox where event_id = ${eventId}`.execute(db);
        return { published: event.rows[0]?.published_at ?? null, deliveries: deliveries.rows[0]!.n, inbox: inbox.rows[0]!.n };
      });
      expect(after.published).not.toBeNull();
      expect(after).toMatchObject({ deliveries: 1, inbox: 1 });

      // An operator's replay to this endpoint: the same webhook-id again.
      const replay = await runCli(
        [
          'events',
          'replay',
          ...world.cli.args,
          '--from',
          '2000-01-01T00:00:00Z',
          '--type',
          'booking.created',
          '--endpoint',
          endpoint.body.id as string,
        ],
        world.cli.env,
      );
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stdout).toMatch(/^1 deliveries scheduled to endpoint/);
      const again = await world.start(env);
      await waitFor('the replayed webhook', () => webhookIds('booking.created').length >= 2);
      expect(webhookIds('booking.created')).toEqual([eventId, eventId]);
      await again.stop();
    },
  );
});

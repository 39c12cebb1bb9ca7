/**
 * The relay killed between a publish and its mark (SIGKILL at `relay:published`, a real process on
 * the real RabbitMQ): the broker has the event but the outbox still calls it unpublished. Restarted,
 * the relay publishes it again once the dead process's claim runs out — the same event id — and an
 * inbox consumer applies it once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { bindTestQueue, deleteConsumerQueues, RABBITMQ_URL, recorder, type Recorder, type TestQueue } from '../helpers/broker.js';
import { crashWorld, send, type CrashWorld } from '../helpers/crash.js';

const backend = inject('backend');
let world: CrashWorld;
let queue: TestQueue;
let inboxSide: TestContext;
let consumer: Recorder;

beforeAll(async () => {
  world = await crashWorld(backend);
  queue = await bindTestQueue(['booking.#']);
  // The inbox consumer lives in another process (this one), on its own quorum queue.
  inboxSide = await createTestContext({
    rabbitmqUrl: RABBITMQ_URL,
    consumers: async (database, clock) => [(consumer = await recorder(database, clock, { eventTypes: ['booking.#'] }))],
  });
  await inboxSide.events.broker!.check();
});
afterEach(async () => world.killAll());
afterAll(async () => {
  await inboxSide?.close();
  await queue?.close();
  if (consumer !== undefined) await deleteConsumerQueues([consumer.name]);
  await world?.dispose();
});

async function waitFor(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the relay killed between publishing an event and marking it published', () => {
  it('publishes it again after a restart with the same id, and the inbox consumer applies it once', { timeout: 180_000 }, async () => {
    const env = { RABBITMQ_URL, EVENTS_LEASE_MS: '2000' };
    const crashing = await world.start({ ...env, INNKEEPER_FAULT_CRASH_AFTER: 'relay:published' });
    const venue = `relay-crash-${backend}`;
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
    // The booking commits with its event; the relay publishes it within 100 ms and dies before the mark.
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

    const booking = await world.read(async ({ db }) => {
      const { rows } = await sql<{ aggregate_id: string; event_id: string; published_at: Date | null }>`
        select aggregate_id, event_id, published_at from booking.outbox_event where event_type = 'booking.created'`.execute(db);
      return rows;
    });
    expect(booking).toHaveLength(1);
    const { aggregate_id: id, event_id: eventId } = booking[0]!;
    // The broker has it once; the outbox does not know.
    await queue.until((received) => received.some((m) => m.envelope.event_id === eventId));
    expect(booking[0]!.published_at).toBeNull();
    expect(queue.received.filter((m) => m.envelope.event_id === eventId)).toHaveLength(1);

    const restarted = await world.start(env);
    await waitFor('the republish', () => queue.received.filter((m) => m.envelope.event_id === eventId).length >= 2);
    const copies = queue.received.filter((m) => m.envelope.aggregate_id === id && m.envelope.event_type === 'booking.created');
    expect(copies.map((m) => [m.messageId, m.envelope.event_id, m.envelope.sequence])).toEqual([
      [eventId, eventId, 1],
      [eventId, eventId, 1],
    ]);
    await waitFor('the inbox consumer', async () => (await consumer.applied()).some((e) => e.event_id === eventId));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await consumer.applied()).filter((e) => e.event_id === eventId)).toHaveLength(1);
    const stopped = await restarted.stop();
    expect(stopped.code, restarted.output()).toBe(0);
    const after = await world.read(async ({ db }) => {
      const { rows } = await sql<{
        published_at: Date | null;
      }>`select published_at from booking.outbox_event where event_id = ${eventId}`.execute(db);
      return rows[0];
    });
    expect(after?.published_at).not.toBeNull();
  });
});

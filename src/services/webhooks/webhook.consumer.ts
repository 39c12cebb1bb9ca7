/**
 * The `webhooks` event consumer: every event (`#`) becomes one pending delivery per enabled endpoint
 * whose event types match it and whose organization owns the event's venue (an endpoint without an
 * organization — an administrator's — receives every event). The venue's owner is asked of the
 * inventory service before the transaction opens; the deliveries and the inbox row are written in
 * one transaction (applyOnce), so a redelivered event schedules nothing twice.
 */
import { topicMatches, type EventEnvelope } from '../../platform/events/envelope.js';
import { applyOnce, type EventConsumer } from '../../platform/events/inbox.js';
import * as repo from './webhook.repository.js';
import type { WebhookContext } from './webhook.service.js';

export const CONSUMER_NAME = 'webhooks';

/** The venue an event is about, when its payload names one. */
function venueOf(event: EventEnvelope): string | undefined {
  const venue = event.payload.venue_id;
  return typeof venue === 'string' && venue !== '' ? venue : undefined;
}

export function webhookConsumer(ctx: Pick<WebhookContext, 'db' | 'clock' | 'venues'>): EventConsumer {
  return {
    name: CONSUMER_NAME,
    eventTypes: ['#'],
    handle: async (event) => {
      const venue = venueOf(event);
      const organization = venue === undefined ? null : await ctx.venues.organizationOf(venue);
      const at = ctx.clock.now();
      await applyOnce(ctx.db, 'webhook', CONSUMER_NAME, event, at, async (trx) => {
        const endpoints = (await repo.candidateEndpoints(trx, organization)).filter((e) =>
          e.eventTypes.some((pattern) => topicMatches(pattern, event.event_type)),
        );
        await repo.insertDeliveries(
          trx,
          endpoints.map((e) => ({
            endpointId: e.id,
            eventId: event.event_id,
            eventType: event.event_type,
            envelope: { ...event },
            at,
          })),
        );
      });
    },
  };
}

/**
 * Replays events to one endpoint (for `innkeeper events replay --endpoint ID`): each envelope becomes a
 * pending delivery due now, sent like any other, with the same `webhook-id` (the event's id) so that a
 * receiver deduplicating by it ignores what it already has. An event already pending for the endpoint
 * is not scheduled twice. The endpoint must exist; a disabled one receives nothing until enabled.
 */
import type { Clock } from '../../platform/clock.js';
import type { EventEnvelope } from '../../platform/events/envelope.js';
import { webhookError } from './webhook.errors.js';
import * as repo from './webhook.repository.js';
import type { WebhookDb } from './webhook.tables.js';

export async function replayToEndpoint(
  deps: { readonly db: WebhookDb; readonly clock: Clock },
  endpointId: string,
  events: readonly EventEnvelope[],
): Promise<{ readonly scheduled: number }> {
  const at = deps.clock.now();
  const ids = await deps.db.transaction().execute(async (trx) => {
    const endpoint = await repo.findEndpoint(trx, endpointId, { kind: 'all' });
    if (endpoint === undefined) throw webhookError('WEBHOOK_ENDPOINT_NOT_FOUND');
    return repo.insertDeliveries(
      trx,
      events.map((event) => ({ endpointId, eventId: event.event_id, eventType: event.event_type, envelope: { ...event }, at })),
    );
  });
  return { scheduled: ids.length };
}

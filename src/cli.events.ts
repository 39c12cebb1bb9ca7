/**
 * `innkeeper events status | replay`: the outboxes' lag and dead events, and sending stored events
 * again (same ids: receivers deduplicate). Without --endpoint a replay marks the events unpublished and
 * the relay of a running platform publishes them; with --endpoint it schedules webhook deliveries of
 * them to that endpoint alone.
 */
import { sql } from 'kysely';
import type { Clock } from './platform/clock.js';
import type { Database } from './platform/db/database.js';
import { topicMatches } from './platform/events/envelope.js';
import { deadEvents, outboxLag, outboxSchemas, replayEvents, selectEvents } from './platform/events/outbox-admin.js';
import { replayToEndpoint } from './services/webhooks/webhook.replay.js';
import type { WebhookDb } from './services/webhooks/webhook.tables.js';

export class EventsUsageError extends Error {}

export const EVENTS_USAGE = 'innkeeper events status [--json] | replay --from T [--to T2] [--type a,b] [--endpoint ID]';

function instant(option: string, raw: string | boolean | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const at = typeof raw === 'string' ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new EventsUsageError(`${option} must be an ISO 8601 instant such as 2026-12-01T00:00:00Z (got ${JSON.stringify(raw)})`);
  return at;
}

export async function eventsStatus(database: Database, now: Date, json: boolean, print: (line: string) => void): Promise<void> {
  const outboxes = await outboxSchemas(database.db);
  const lag = await outboxLag(database.db, outboxes, now);
  const dead = await deadEvents(database.db, outboxes);
  if (json) {
    print(JSON.stringify({ outboxes: lag, dead }));
    return;
  }
  for (const l of lag) {
    print(`${l.outbox}: ${l.unpublished} unpublished (oldest ${Math.round(l.oldest_unpublished_ms / 1000)} s), ${l.dead} dead`);
  }
  for (const d of dead) {
    print(`dead ${d.outbox} ${d.event_type} ${d.event_id} (aggregate ${d.aggregate_id}, ${d.attempts} tries): ${d.last_error ?? ''}`);
  }
}

export interface ReplayOptions {
  readonly from?: string | boolean | undefined;
  readonly to?: string | boolean | undefined;
  readonly type?: string | boolean | undefined;
  readonly endpoint?: string | boolean | undefined;
}

export async function eventsReplay(database: Database, clock: Clock, options: ReplayOptions, print: (line: string) => void): Promise<void> {
  const from = instant('--from', options.from);
  if (from === undefined) throw new EventsUsageError(`replay needs --from T\nusage: ${EVENTS_USAGE}`);
  const to = instant('--to', options.to);
  if (to !== undefined && to.getTime() <= from.getTime()) throw new EventsUsageError('--to must be after --from');
  const types =
    typeof options.type === 'string'
      ? options.type
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '')
      : undefined;
  if (typeof options.endpoint === 'string') {
    await replayToOneEndpoint(database, clock, options.endpoint, { from, to, types }, print);
    return;
  }
  const counts = await replayEvents(database.db, await outboxSchemas(database.db), { from, to, types });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  print(
    `${total} events marked for publishing again (${Object.entries(counts)
      .map(([o, n]) => `${o}: ${n}`)
      .join(', ')}); a running platform's relay sends them with their ids`,
  );
}

/**
 * Schedules deliveries of the stored events to one webhook endpoint: only those it would have been sent
 * (its event types; its organization's venues, unless it is an administrator's endpoint).
 */
async function replayToOneEndpoint(
  database: Database,
  clock: Clock,
  endpointId: string,
  selection: { from: Date; to?: Date | undefined; types?: string[] | undefined },
  print: (line: string) => void,
): Promise<void> {
  const { rows } = await sql<{ organization_id: string | null; event_types: string[] | string }>`
    select organization_id, event_types from webhook.endpoint where id::text = ${endpointId}`.execute(database.db);
  const endpoint = rows[0];
  if (endpoint === undefined) throw new EventsUsageError(`no webhook endpoint ${JSON.stringify(endpointId)}`);
  const patterns = (typeof endpoint.event_types === 'string' ? JSON.parse(endpoint.event_types) : endpoint.event_types) as string[];
  let venues: Set<string> | undefined;
  if (endpoint.organization_id !== null) {
    const owned = await sql<{ id: string }>`select id from inventory.venue where organization_id = ${endpoint.organization_id}`.execute(
      database.db,
    );
    venues = new Set(owned.rows.map((v) => v.id));
  }
  const events = (await selectEvents(database.db, await outboxSchemas(database.db), selection)).filter((e) => {
    if (!patterns.some((p) => topicMatches(p, e.event_type))) return false;
    if (venues === undefined) return true;
    const venue = e.payload.venue_id;
    return typeof venue === 'string' && venues.has(venue);
  });
  const { scheduled } = await replayToEndpoint({ db: database.db as WebhookDb, clock }, endpointId, events);
  print(
    `${scheduled} deliveries scheduled to endpoint ${endpointId} (${events.length} events matched); a running platform's webhooks.deliver job sends them`,
  );
}

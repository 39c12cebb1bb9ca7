/**
 * The event envelope every service publishes (seed 004's, plus what delivery needs): `event_id` is what
 * receivers deduplicate by, `aggregate_id` + `sequence` order one aggregate's events (1, 2, 3, … per
 * aggregate, assigned by the outbox when the event is written).
 */
import { randomUUID } from 'node:crypto';

export const EVENT_VERSION = '1.0';

export interface EventEnvelope {
  readonly event_id: string;
  readonly event_type: string;
  readonly payload: Record<string, unknown>;
  readonly timestamp: string;
  readonly source: string;
  readonly version: string;
  readonly aggregate_id: string;
  readonly sequence: number;
}

/** An event before the outbox gives it its place in its aggregate's sequence. */
export type NewEvent = Omit<EventEnvelope, 'sequence'>;

export function newEvent(source: string, type: string, aggregateId: string, payload: Record<string, unknown>, at: Date): NewEvent {
  return {
    event_id: randomUUID(),
    event_type: type,
    payload,
    timestamp: at.toISOString(),
    source,
    version: EVENT_VERSION,
    aggregate_id: aggregateId,
  };
}

/** Whether a routing key matches an AMQP topic pattern (`*` one word, `#` zero or more words). */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') return match(i + 1, j) || (j < k.length && match(i, j + 1));
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

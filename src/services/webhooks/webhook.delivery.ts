/**
 * The delivery worker (job `webhooks.deliver`): claims due deliveries (a lease in the claiming
 * statement, rows other workers hold skipped), sends each outside any transaction, then records the
 * attempt and its outcome in a short transaction: 2xx delivered; otherwise retried on the schedule of
 * webhook.model.ts, failed after the last try. A 410 Gone disables the endpoint at once and cancels
 * its pending deliveries; an endpoint failing without a success for three days is disabled likewise.
 */
import type { Job } from '../../platform/jobs/scheduler.js';
import { DISABLE_AFTER_FAILING_MS, retryDelayMs } from './webhook.model.js';
import * as repo from './webhook.repository.js';
import { send, type SendResult } from './webhook.sender.js';
import { signatureHeader } from './webhook.signing.js';
import { SECRET_FIELD, type WebhookContext } from './webhook.service.js';

/** How long a claimed delivery is held (clock time) before another worker may take it again. */
export const LEASE_MS = 60_000;
const BATCH = 20;

export interface DeliverOptions {
  readonly random?: () => number;
  readonly timeoutMs?: number;
}

export interface DeliverRun {
  readonly claimed: number;
  readonly delivered: number;
  readonly retrying: number;
  readonly failed: number;
  readonly disabled: number;
}

async function attempt(ctx: WebhookContext, d: repo.ClaimedDelivery, options: DeliverOptions): Promise<SendResult> {
  const now = ctx.clock.now();
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify(d.envelope);
  const secrets = [ctx.pii.open(SECRET_FIELD, d.secret)];
  if (d.previousSecret !== null && d.previousSecretExpiresAt !== null && d.previousSecretExpiresAt.getTime() > now.getTime()) {
    secrets.push(ctx.pii.open(SECRET_FIELD, d.previousSecret));
  }
  return send({
    url: d.url,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Innkeeper-Webhooks/1',
      'webhook-id': d.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, d.eventId, timestamp, body),
    },
    allowPrivate: ctx.urlPolicy.allowPrivate,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

type Settled = 'delivered' | 'retrying' | 'failed' | 'stale';

async function settle(
  ctx: WebhookContext,
  d: repo.ClaimedDelivery,
  result: SendResult,
  options: DeliverOptions,
): Promise<{ settled: Settled; disabled: boolean }> {
  const at = ctx.clock.now();
  const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
  const gone = result.status === 410;
  const record: repo.AttemptRecord = {
    deliveryId: d.id,
    at,
    statusCode: result.status,
    durationMs: result.durationMs,
    error: result.error,
  };
  const delay = ok || gone ? undefined : retryDelayMs(d.attempts + 1, options.random);
  const outcome: repo.AttemptOutcome = ok
    ? { kind: 'delivered' }
    : delay === undefined
      ? { kind: 'failed' }
      : { kind: 'retry', nextAttemptAt: new Date(at.getTime() + delay) };
  return ctx.db.transaction().execute(async (trx) => {
    await repo.insertAttempt(trx, record);
    if (!(await repo.settleDelivery(trx, record, outcome))) return { settled: 'stale' as const, disabled: false };
    const settled: Settled = outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'retrying' : 'failed';
    if (ok) {
      await repo.markHealthy(trx, d.endpointId);
      return { settled, disabled: false };
    }
    if (gone) {
      const cancelled = await repo.disableEndpoint(trx, d.endpointId, 'the receiver answered 410 Gone', at);
      ctx.log.warn({ endpoint_id: d.endpointId, cancelled }, 'webhook endpoint disabled: the receiver answered 410 Gone');
      return { settled, disabled: true };
    }
    const since = await repo.markFailing(trx, d.endpointId, at);
    if (since !== undefined && at.getTime() - since.getTime() >= DISABLE_AFTER_FAILING_MS) {
      const cancelled = await repo.disableEndpoint(trx, d.endpointId, `failing continuously since ${since.toISOString()}`, at);
      ctx.log.warn(
        { endpoint_id: d.endpointId, failing_since: since.toISOString(), cancelled },
        'webhook endpoint disabled: every delivery failed for three days',
      );
      return { settled, disabled: true };
    }
    return { settled, disabled: false };
  });
}

/** One run: claims due deliveries and attempts each once (in parallel, up to one batch). */
export async function deliverDue(ctx: WebhookContext, options: DeliverOptions = {}): Promise<DeliverRun> {
  const now = ctx.clock.now();
  const claimed = await repo.claimDue(ctx.db, now, new Date(now.getTime() + LEASE_MS), BATCH);
  const outcomes = await Promise.all(
    claimed.map(async (d) => {
      try {
        return await settle(ctx, d, await attempt(ctx, d, options), options);
      } catch (err) {
        // Its lease runs out and it is tried again; the other deliveries of the run are not held up.
        ctx.log.warn({ err, delivery_id: d.id }, 'webhook delivery could not be recorded; it will be tried again');
        return { settled: 'stale' as const, disabled: false };
      }
    }),
  );
  const count = (s: Settled) => outcomes.filter((o) => o.settled === s).length;
  return {
    claimed: claimed.length,
    delivered: count('delivered'),
    retrying: count('retrying'),
    failed: count('failed'),
    disabled: outcomes.filter((o) => o.disabled).length,
  };
}

export function deliveryJob(ctx: WebhookContext, options: DeliverOptions = {}): Job {
  return {
    name: 'webhooks.deliver',
    description: 'sends due webhook deliveries (signed, retried with backoff)',
    schedule: { everyMs: 1000 },
    run: async () => ({ ...(await deliverDue(ctx, options)) }),
  };
}

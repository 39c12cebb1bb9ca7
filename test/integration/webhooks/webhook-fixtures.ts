/**
 * What the webhook tests share: a real HTTP receiver on a local port that verifies every delivery with
 * the `standardwebhooks` package (as a receiver would, its "now" being the platform's injected clock),
 * and an app whose webhooks service may reach that local receiver (allowPrivate, as
 * WEBHOOK_ALLOW_PRIVATE=1 does).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { ManualClock } from '../../../src/platform/clock.js';
import type { ServiceName } from '../../../src/platform/config.js';
import { SERVICES } from '../../../src/services/index.js';
import { webhooksServiceModule, type WebhooksServiceOptions } from '../../../src/services/webhooks/webhooks.service-module.js';
import { createTestContext, type TestContext, type TestContextOptions } from '../../helpers/context.js';

export type Json = Record<string, unknown>;

export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Which of the receiver's secrets verified the delivery (empty: none did). */
  readonly verifiedWith: readonly string[];
  /** The status the receiver answered. */
  readonly answered: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** The secrets the receiver checks signatures with. */
  secrets: string[];
  /** The status to answer the n-th request (0-based); 204 by default. */
  respond: (n: number) => number;
  /** Awaited before each answer (e.g. to change something while a delivery is in flight). */
  beforeAnswer: (() => Promise<void>) | undefined;
  close(): Promise<void>;
}

export async function startReceiver(clock: ManualClock, path = '/hook'): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    secrets: [],
    respond: () => 204,
    beforeAnswer: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      await receiver.beforeAnswer?.();
      const body = Buffer.concat(chunks).toString('utf8');
      const verifiedWith = receiver.secrets.filter((secret) => {
        const realNow = Date.now;
        Date.now = () => clock.now().getTime();
        try {
          new Webhook(secret).verify(body, req.headers as Record<string, string>);
          return true;
        } catch {
          return false;
        } finally {
          Date.now = realNow;
        }
      });
      const answered = receiver.respond(received.length);
      received.push({ headers: req.headers, body, verifiedWith, answered });
      res.statusCode = answered;
      if (answered >= 300 && answered < 400) res.setHeader('location', 'http://127.0.0.1:9/elsewhere');
      res.end(answered >= 400 ? 'nope' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  Object.assign(receiver, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}` });
  return receiver;
}

/** An app with every service, its webhooks service built with `options` (allowPrivate by default). */
export async function webhookContext(
  options: WebhooksServiceOptions = { allowPrivate: true },
  context: TestContextOptions = {},
): Promise<TestContext> {
  const names = (Object.keys(SERVICES) as ServiceName[]).filter((n) => n !== 'webhooks');
  const ctx = await createTestContext({ ...context, services: names, extraModules: [webhooksServiceModule(options)] });
  await ctx.listen();
  return ctx;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
}

export async function deliveriesOf(ctx: TestContext, endpointId: string): Promise<DeliveryRow[]> {
  const { rows } = await sql<DeliveryRow>`
    select id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, last_status, last_error
    from webhook.delivery where endpoint_id = ${endpointId} order by seq`.execute(ctx.database.db);
  return rows;
}

/** Runs the delivery job once and returns its summary. */
export async function deliverNow(ctx: TestContext): Promise<Json> {
  const run = await ctx.deps.scheduler.runNow('webhooks.deliver');
  if (run.error !== undefined) throw new Error(`webhooks.deliver failed: ${run.error}`);
  return run.result ?? {};
}

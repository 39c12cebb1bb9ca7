/**
 * Route-level idempotency for operations that call other services: takes the key (header
 * `Idempotency-Key`, or the body's `idempotency_key`) before any side effect, replays a finished
 * answer, refuses a different request under the same key (422) or one still running (409), and stores
 * the answer — a refusal (4xx) included. A 5xx or a crash leaves nothing stored: the key is freed, or
 * taken over after `takeOverAfterMs` with the same resource id, so the retry resumes the same work.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { AnyDB } from '../db/database.js';
import { abandonKey, beginKey, completeKey } from '../db/idempotency.js';
import { AppError } from '../errors.js';
import { errorBody } from './error-handler.js';

export interface IdempotencyStore {
  readonly db: AnyDB;
  readonly schema: string;
  readonly clock: Clock;
  readonly ttlMs: number;
  readonly takeOverAfterMs?: number;
}

export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && fromHeader !== '') return fromHeader;
  const body = request.body as { idempotency_key?: unknown } | undefined;
  return typeof body?.idempotency_key === 'string' ? body.idempotency_key : undefined;
}

export async function idempotentReply(
  store: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: string,
  run: (resourceId: string) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>,
): Promise<FastifyReply> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) {
    const result = await run(randomUUID());
    return reply
      .headers(result.headers ?? {})
      .status(result.status)
      .send(result.body);
  }
  // Scoped per principal and operation (auth arrives with the gateway; until then every caller is anonymous).
  const scope = `anonymous:${operation}`;
  const fingerprintOf = { method: request.method, url: request.url.split('?')[0], query: request.query, body: request.body };
  const begun = await beginKey(store.db, store.schema, {
    scope,
    key,
    request: fingerprintOf,
    now: store.clock.now(),
    ttlMs: store.ttlMs,
    resourceId: randomUUID(),
    takeOverAfterMs: store.takeOverAfterMs ?? 30_000,
  });
  if (begun.kind === 'replay') {
    return reply.header('idempotent-replayed', 'true').status(begun.response.status).send(begun.response.body);
  }
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run(begun.resourceId ?? randomUUID());
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await completeKey(store.db, store.schema, scope, key, { status: err.status, body: errorBody(err) });
    } else {
      await abandonKey(store.db, store.schema, scope, key);
    }
    throw err;
  }
  await completeKey(store.db, store.schema, scope, key, { status: result.status, body: result.body });
  return reply
    .headers(result.headers ?? {})
    .status(result.status)
    .send(result.body);
}

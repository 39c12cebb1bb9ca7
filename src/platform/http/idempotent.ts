/**
 * The route edge of once-only operations (platform/idempotency): which key the caller sent, and how a
 * once-only answer is sent — a replayed one, a replayed refusal included, says so in the
 * `idempotent-replayed: true` header.
 *
 * `idempotentReply` is the route-level form for operations that call other services (booking's
 * sagas): takes the key (header `Idempotency-Key`, or the body's `idempotency_key`) before any side
 * effect (saga-key.ts), replays a finished answer, refuses a different request under the same key
 * (422) or one still running (409), and stores the answer — a refusal (4xx) included. A 5xx or a
 * crash leaves nothing stored: the key is freed, or — after a crash, or a failure in doubt (work left
 * for recovery, in-doubt.ts) — taken over after `takeOverAfterMs` with the same resource id, so the
 * retry resumes the same work.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { AnyDB } from '../db/database.js';
import { isInDoubt } from '../idempotency/in-doubt.js';
import { wasReplayed, type Answer } from '../idempotency/once.js';
import { abandonKey, beginKey, completeKey, refuseKey } from '../idempotency/saga-key.js';
import { AppError } from '../errors.js';
import type { JsonProtection } from '../pii/sealed-json.js';

export interface IdempotencyStore {
  readonly db: AnyDB;
  readonly schema: string;
  readonly clock: Clock;
  readonly ttlMs: number;
  readonly takeOverAfterMs?: number;
  /** Applied to stored answers on their way to the table and back (guest data sealed). */
  readonly protect?: JsonProtection;
}

/** The `Idempotency-Key` header, or the body's `idempotency_key`. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const fromHeader = headerKeyOf(request);
  if (fromHeader !== undefined) return fromHeader;
  const body = request.body as { idempotency_key?: unknown } | undefined;
  return typeof body?.idempotency_key === 'string' ? body.idempotency_key : undefined;
}

/** The `Idempotency-Key` header alone (undefined when absent or empty). */
export function headerKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key === undefined || key === '' ? undefined : key;
}

/** Sends a once-only use-case's answer as rendered (for surfaces whose contract does not announce replays). */
export function sendAnswer<R>(reply: FastifyReply, answer: Answer<R>): FastifyReply {
  return reply.status(answer.status).send(answer.body);
}

/** Sends a once-only use-case's answer; a replayed answer or refusal carries `idempotent-replayed: true`. */
export async function sendOnce<R>(reply: FastifyReply, run: () => Promise<Answer<R>>): Promise<FastifyReply> {
  let answer: Answer<R>;
  try {
    answer = await run();
  } catch (err) {
    if (wasReplayed(err)) void reply.header('idempotent-replayed', 'true');
    throw err;
  }
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  return sendAnswer(reply, answer);
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
  const ref = { schema: store.schema, scope: `anonymous:${operation}`, key, protect: store.protect };
  return sendOnce(reply, async (): Promise<Answer<unknown>> => {
    const begun = await beginKey(store, {
      scope: ref.scope,
      key,
      request: { method: request.method, url: request.url.split('?')[0], query: request.query, body: request.body },
      resourceId: randomUUID(),
      takeOverAfterMs: store.takeOverAfterMs ?? 30_000,
    });
    if (begun.kind === 'replay') return begun.answer;
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run(begun.resourceId ?? randomUUID());
    } catch (err) {
      if (err instanceof AppError && err.status < 500) await refuseKey(store.db, ref, err);
      // A failure in doubt left work to finish: the key stays taken, so a retry resumes that work
      // (after takeOverAfterMs) instead of starting it again.
      else if (!isInDoubt(err)) await abandonKey(store.db, ref);
      throw err;
    }
    await completeKey(store.db, ref, { status: result.status, body: result.body });
    void reply.headers(result.headers ?? {});
    return { status: result.status, body: result.body, replayed: false };
  });
}

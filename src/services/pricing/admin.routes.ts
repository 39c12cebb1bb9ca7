/**
 * How a pricing route meets its use-case: `output` says how the answer is wanted (rendered, with its
 * status, once per Idempotency-Key) and `send` replies with it. The administration routes are
 * generated from one descriptor per resource (admin/resources.routes.ts); the quote routes use these
 * two as well.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Answer, Output } from './pricing.context.js';

/** How a route wants its use-case's answer: rendered, with `status`, once per Idempotency-Key. */
export function output<T, B>(request: FastifyRequest, operation: string, status: number, render: (value: T) => B): Output<T, B> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return {
    render,
    status,
    once:
      key === undefined || key === ''
        ? undefined
        : {
            // Scoped per principal and operation (auth arrives with the gateway; until then every caller is anonymous).
            scope: `anonymous:pricing.${operation}`,
            key,
            request: { method: request.method, url: request.url.split('?')[0], body: request.body ?? null },
          },
  };
}

export function send<B>(reply: FastifyReply, answer: Answer<B>): FastifyReply {
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  return answer.status === 204 ? reply.status(204).send(null) : reply.status(answer.status).send(answer.body);
}

/**
 * How a pricing route meets its use-case: `output` says how the answer is wanted (rendered, with its
 * status, once per Idempotency-Key) and `send` replies with it. The administration routes are
 * generated from one descriptor per resource (admin/resources.routes.ts); the quote routes use these
 * two as well.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '../../platform/auth/identity.js';
import type { Answer, Output } from './pricing.context.js';

/**
 * Whose keys an Idempotency-Key lives among. A business user's (or a guest's) are its own: another
 * organization sending the same key must never be answered with this one's stored result. Admin and
 * service callers see every venue, so they keep the one space keys had before access control
 * (`anonymous`): a retry that straddles an upgrade still finds its key.
 */
function principalOf(identity: Identity | null): string {
  if (identity === null || identity.role === 'admin' || identity.role === 'service') return 'anonymous';
  return `${identity.role}:${identity.org ?? ''}:${identity.sub}`;
}

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
            scope: `${principalOf(request.identity)}:pricing.${operation}`,
            key,
            request: { method: request.method, url: request.url.split('?')[0], body: request.body ?? null },
          },
  };
}

export function send<B>(reply: FastifyReply, answer: Answer<B>): FastifyReply {
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  return answer.status === 204 ? reply.status(204).send(null) : reply.status(answer.status).send(answer.body);
}

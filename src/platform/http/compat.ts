/**
 * Rendering for the compatibility surfaces (/rooms, /inventory, /bookings, /api/inventory), which keep
 * the FastAPI-style bodies their contracts name: `{"detail": "…"}` (or an object), and for a request
 * that fails validation, 422 with `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.
 * A surface maps the failure kinds it knows to its own status and detail; anything else renders from
 * the registry's status and message.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors.js';
import { logFailure, toAppError, validationIssues } from './error-handler.js';

export interface DetailResponse {
  readonly status: number;
  readonly detail: unknown;
}

/** Maps a known failure to this surface's status and detail; undefined falls back to the default. */
export type DetailMapper = (err: AppError) => DetailResponse | undefined;

export function detailErrorHandler(map: DetailMapper = () => undefined) {
  return async function handler(this: unknown, err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const validation = (err as { validation?: unknown }).validation;
    if (validation !== undefined) {
      const issues = validationIssues(err as Parameters<typeof validationIssues>[0]);
      request.log.info({ issues }, 'request failed validation');
      await reply.status(422).send({
        detail: issues.map((i) => ({
          loc: [
            i.location === 'querystring' ? 'query' : i.location === 'params' ? 'path' : i.location,
            ...(i.path ? i.path.split('.') : []),
          ],
          msg: i.message,
          type: 'value_error',
        })),
      });
      return;
    }
    const appError = toAppError(err);
    logFailure(request, err, appError);
    if (appError.status >= 500) {
      await reply.status(appError.status).send({ detail: appError.status === 500 ? 'Internal Server Error' : appError.message });
      return;
    }
    // Who may call is the platform's answer on every surface: 401, 403 and 429 keep their status.
    const mapped = [401, 403, 429].includes(appError.status) ? undefined : map(appError);
    await reply.status(mapped?.status ?? appError.status).send({ detail: mapped?.detail ?? appError.message });
  };
}

/** Who may call the compatibility surfaces: their seed services had no authentication; here they take a service or admin token, or an API key. */
export const COMPAT_ROLES = ['service', 'admin'] as const;

/** Declares COMPAT_ROLES on every route registered in this scope after the call (a route may declare its own). */
export function compatAccess(scope: { addHook(name: 'onRoute', hook: (route: { config?: unknown }) => void): unknown }): void {
  scope.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { roles?: readonly string[] };
    route.config = { ...config, roles: config.roles ?? COMPAT_ROLES };
  });
}

/**
 * Access control in one place: an `onRequest` hook (registered at the root, so it runs before every
 * route and every other hook) that
 *   1. identifies the caller from `Authorization: Bearer …` or `X-API-Key` (a bad one is a 401 whatever
 *      the route: a client that sends credentials learns they are wrong);
 *   2. enforces the route's `config.roles`: none → a public route (health, docs, keys, the gateway's
 *      forwards, which the owning service checks); an anonymous caller → 401 unless the route says
 *      `anonymous` and this process is a public entry (runs the gateway) or the gateway vouches for
 *      the caller; a role not listed → 403.
 * Ownership is not decided here but in each query, from `scopeOf(request.identity)`.
 * With INNKEEPER_AUTH=off every caller is a trusted admin.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../http/roles.js';
import { findLiveApiKey } from './api-keys.repository.js';
import { authError } from './auth.errors.js';
import type { AuthDB } from './auth.tables.js';
import type { Identity } from './identity.js';
import { TokenRefused, type TokenService } from './tokens.js';

export interface AccessOptions {
  readonly tokens: TokenService;
  readonly db: AuthDB;
  /** The process answers anonymous callers itself (it runs the gateway); otherwise only through the gateway. */
  readonly publicEntry: boolean;
}

/** Every caller when INNKEEPER_AUTH=off. */
export const TRUSTED: Identity = { sub: 'trusted-network', role: 'admin', via: 'trusted' };

declare module 'fastify' {
  interface FastifyRequest {
    /** The gateway forwarded this request for an anonymous caller. */
    throughGateway: boolean;
  }
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*) *$/i;

function unauthenticated(reply: FastifyReply, message?: string, error?: 'invalid_token' | 'invalid_request'): never {
  void reply.header('www-authenticate', error === undefined ? 'Bearer realm="innkeeper"' : `Bearer realm="innkeeper", error="${error}"`);
  throw authError('UNAUTHENTICATED', message);
}

async function identify(request: FastifyRequest, reply: FastifyReply, options: AccessOptions): Promise<void> {
  const header = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (match === null) unauthenticated(reply, 'The Authorization header must be "Bearer <token>".', 'invalid_request');
    try {
      const verified = await options.tokens.verify(match[1]!);
      request.identity = verified.identity;
      request.throughGateway = verified.identity === null;
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      request.log.info({ reason: err.reason }, 'bearer token refused');
      unauthenticated(reply, 'The bearer token is not valid.', 'invalid_token');
    }
  } else if (apiKey !== undefined) {
    const key = typeof apiKey === 'string' && apiKey !== '' ? await findLiveApiKey(options.db, apiKey) : undefined;
    if (key === undefined) {
      request.log.info('API key refused');
      unauthenticated(reply, 'The API key is not valid.');
    }
    request.identity = { sub: `api-key:${key.id}`, role: key.role, via: 'api-key' };
  }
}

export function registerAccess(app: FastifyInstance, options: AccessOptions | undefined): void {
  app.decorateRequest('identity', null);
  app.decorateRequest('throughGateway', false);
  const enabled = options?.tokens.config.enabled ?? false;
  app.addHook('onRequest', async (request, reply) => {
    if (options === undefined || !enabled) {
      request.identity = TRUSTED;
      return;
    }
    await identify(request, reply, options);
    if (request.routeOptions.url === undefined) return; // no such route: the 404 handler answers
    const config = request.routeOptions.config;
    const roles: readonly Role[] | undefined = config.roles;
    if (roles === undefined) return; // public
    const identity = request.identity;
    if (identity === null) {
      if (config.anonymous === true && (options.publicEntry || request.throughGateway)) return;
      unauthenticated(reply);
    }
    if (!roles.includes(identity.role)) {
      throw authError('FORBIDDEN', `The role ${identity.role} may not call ${request.method} ${request.routeOptions.url}.`, {
        role: identity.role,
        allowed: roles,
      });
    }
  });
}

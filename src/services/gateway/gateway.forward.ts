/**
 * Forwarding one service's paths to it with @fastify/reply-from: every method, the raw body, the query
 * string, the answer's status, headers and body passed through unchanged. Each upstream service gets
 * its own encapsulated scope (its own reply-from, so its own connection pool): one URL is an undici
 * pool, several are an undici BalancedPool (round robin, a replica that fails to connect weighted down).
 *
 * What the gateway adds to the request: `x-request-id` (the caller's or the one this process made),
 * `x-forwarded-for`, `x-forwarded-host`, `x-forwarded-proto`, and the `authorization` that
 * `deps.gatewayAuthorization` decides (the caller's own header otherwise). `x-api-key` passes as sent.
 *
 * What it answers itself, in the platform's error body: 503 SERVICE_UNAVAILABLE when the service refuses
 * the connection (a request that never reached one replica is tried on the next), 504 UPSTREAM_TIMEOUT
 * when it does not answer within the timeout, 502 UPSTREAM_FAILED when it drops the connection.
 */
import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { platformError, type AppError } from '../../platform/errors.js';
import type { App, ServiceDeps } from '../../platform/http/app.js';
import { gatewayError } from './gateway.errors.js';

export interface Upstream {
  readonly service: string;
  /**
   * The base URLs of the service's replicas (one or several), or `'local'`: this process runs the
   * service itself and it is reached at `deps.serviceUrl` (known once the process listens).
   */
  readonly urls: readonly string[] | 'local';
}

export interface ForwardRoute {
  /** A path prefix such as `/api/v1/bookings`: the prefix itself and every path under it. */
  readonly prefix: string;
  /** The upstream path for the request's raw path (without query string); default: the same path. */
  readonly rewrite?: (rawPath: string) => string;
}

export interface ForwardOptions {
  readonly upstream: Upstream;
  readonly routes: readonly ForwardRoute[];
  readonly timeoutMs: number;
  readonly deps: ServiceDeps;
}

/** Connection failures where nothing reached the service: it is down (or not resolvable). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
/** The service did not connect or answer in time. */
const TIMED_OUT = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
]);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** How a failed forward is answered: the platform's error body, naming the service. */
export function upstreamError(err: unknown, service: string, timeoutMs: number): AppError {
  const code = errorCode(err);
  if (code !== undefined && UNREACHABLE.has(code)) {
    return platformError('SERVICE_UNAVAILABLE', `The ${service} service is unavailable (${code}).`, { service });
  }
  if (code !== undefined && TIMED_OUT.has(code)) {
    return gatewayError('UPSTREAM_TIMEOUT', `The ${service} service did not answer within ${timeoutMs} ms.`, {
      service,
      timeout_ms: timeoutMs,
    });
  }
  return gatewayError('UPSTREAM_FAILED', `The ${service} service failed to answer (${code ?? 'no answer'}).`, { service });
}

/** The path part of the request as the caller sent it (still percent-encoded), without the query string. */
function rawPath(request: FastifyRequest): string {
  const url = request.raw.url ?? request.url;
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}

/**
 * The request body as received (any content type, unparsed), for reply-from's `body` option. A body
 * that is not a buffer means the request had none.
 */
function forwardedBody(request: FastifyRequest): Pick<FastifyReplyFromHooks, 'body' | 'contentType'> {
  const body: unknown = request.body;
  if (!Buffer.isBuffer(body) || request.method === 'GET' || request.method === 'HEAD') return {};
  return { body: body.length > 0 ? body : '', contentType: request.headers['content-type'] ?? 'application/octet-stream' };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The headers the service receives: the caller's, plus what the gateway vouches for. */
function upstreamHeaders(request: FastifyRequest, headers: IncomingHttpHeaders, authorization: string | undefined): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  out['x-request-id'] = request.id;
  const prior = firstHeader(request.headers['x-forwarded-for']);
  out['x-forwarded-for'] = prior !== undefined && prior !== '' ? `${prior}, ${request.ip}` : request.ip;
  const host = request.headers.host;
  if (host !== undefined) out['x-forwarded-host'] = host;
  out['x-forwarded-proto'] = request.protocol;
  if (authorization !== undefined) out.authorization = authorization;
  return out;
}

/**
 * The `authorization` the forwarded request carries: what `gatewayAuthorization` answers for the
 * caller's header (or its absence); undefined leaves the caller's header as it was.
 */
async function upstreamAuthorization(request: FastifyRequest, deps: ServiceDeps): Promise<string | undefined> {
  return deps.gatewayAuthorization?.(firstHeader(request.headers.authorization));
}

/** Registers the routes of `options.routes`, every method, forwarding to one upstream service. */
export async function registerForwarding(app: App, options: ForwardOptions): Promise<void> {
  const { upstream, timeoutMs, deps } = options;
  const remote = upstream.urls === 'local' ? undefined : upstream.urls;
  // The path every replica's URL shares (config.ts refuses replicas with different paths); reply-from
  // balances over origins, so the path goes in front of each forwarded path here.
  const basePath = remote === undefined ? '' : new URL(remote[0]!).pathname.replace(/\/+$/, '');
  const replicas = remote?.length ?? 1;

  await app.register(async (scope) => {
    // The body goes on as received: no parsing (so the service, not the gateway, judges it and answers
    // in its own error shape), and any content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    await scope.register(replyFrom, {
      ...(remote === undefined ? {} : { base: remote.map((u) => new URL(u).origin) }),
      undici: {
        connections: 128,
        pipelining: 1,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        // reply-from's default accepts any TLS certificate; an https service must prove who it is.
        connect: { rejectUnauthorized: true },
      },
      // No retry of the service's own answers (a 503 from it reaches the caller as it is): the only
      // retry is a connection refused on one of several replicas (retryDelay below).
      retryMethods: [],
      destroyAgent: true,
      disableRequestLogging: true,
    });

    const handler = async (request: FastifyRequest, reply: FastifyReply, route: ForwardRoute) => {
      const authorization = await upstreamAuthorization(request, deps);
      const path = route.rewrite?.(rawPath(request)) ?? rawPath(request);
      const source = remote === undefined ? `${deps.serviceUrl(upstream.service)}${path}` : `${basePath}${path}`;
      return reply.from(source, {
        ...forwardedBody(request),
        timeout: timeoutMs,
        rewriteRequestHeaders: (_req, headers) => upstreamHeaders(request, headers, authorization),
        // Nothing reached a replica that refused the connection: the next one may take the request,
        // whatever its method.
        retryDelay: ({ err, attempt }) => {
          const code = errorCode(err);
          return replicas > 1 && code !== undefined && UNREACHABLE.has(code) && attempt < replicas - 1 ? 1 : null;
        },
        onError: (failed, { error }) => {
          void failed.send(upstreamError(error, upstream.service, timeoutMs));
        },
      });
    };

    for (const route of options.routes) {
      for (const url of [route.prefix, `${route.prefix}/*`]) {
        scope.all(url, { schema: { hide: true } }, (request, reply) => handler(request, reply, route));
      }
    }
  });
}

/**
 * HTTP hardening at the edge: security headers (helmet, with a Content-Security-Policy the /docs UI
 * works under: its scripts and styles are served from /docs itself; it sets inline styles and data:
 * images), CORS for the CORS_ORIGINS allow-list only, and the server limits (body size, request and
 * header timeouts, which proxies are trusted for the client address) that go into Fastify's constructor.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyHttpOptions, FastifyInstance, RawServerDefault } from 'fastify';
import type { EdgeConfig } from './edge.config.js';

/** The part of Fastify's constructor options the edge configuration decides. */
export function edgeServerOptions(edge: EdgeConfig) {
  const { trustProxy } = edge;
  return {
    bodyLimit: edge.bodyLimitBytes,
    // A hop count trusts that many proxies nearest the server (what Fastify does with a number, which its types omit).
    trustProxy:
      typeof trustProxy === 'number'
        ? (_address: string, hop: number) => hop < trustProxy
        : typeof trustProxy === 'object'
          ? [...trustProxy]
          : trustProxy,
    requestTimeout: edge.requestTimeoutMs,
    // Node checks those two timeouts every connectionsCheckingInterval (30 s by default): a client
    // sending its headers a byte a second would keep its socket up to 30 s past HEADERS_TIMEOUT_MS.
    http: {
      requestTimeout: edge.requestTimeoutMs,
      headersTimeout: edge.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, edge.headersTimeoutMs),
    },
  } satisfies Partial<FastifyHttpOptions<RawServerDefault>>;
}

/** Headers a browser client may read from an answer (rate limits, request ids, versions, replays). */
const EXPOSED_HEADERS = [
  'x-request-id',
  'etag',
  'location',
  'idempotent-replayed',
  'retry-after',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];

/** Registers helmet and CORS on the root instance (both are global plugins). */
export async function registerHardening(app: FastifyInstance, edge: EdgeConfig): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // swagger-ui renders its logo and icons as data: URIs
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // swagger-ui (React) sets style attributes; no script is allowed inline
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
  });
  const allowed = new Set(edge.corsOrigins);
  await app.register(cors, {
    // An allow-list: an origin not on it gets no CORS headers (a browser then refuses the answer).
    origin: allowed.size === 0 ? false : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  });
}

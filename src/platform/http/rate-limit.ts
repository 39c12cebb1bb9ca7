/**
 * Rate limits per caller and route group, on every request the process answers (its own routes, the
 * ones it forwards to another process, and unknown paths). The group comes from the method and path,
 * not from route config, so forwarded requests count like local ones:
 *
 * - `login`   POST /api/v1/auth/token, POST /api/v1/bookings/lookup (both guess secrets)
 * - `booking` POST /api/v1/bookings, /bookings, /booking
 * - `search`  GET /api/v1/availability/*, GET /rooms, GET /rooms/search, POST /api/v1/bookings/availability/check,
 *             POST /api/v1/pricing/quote
 * - `default` everything else; GET/HEAD of /health, /ready, /metrics, /docs*, /.well-known/* are never limited.
 *
 * A caller is its verified identity (role and subject) when it has one, else its address (`request.ip`,
 * which honours TRUST_PROXY). Each group has its own counter and budget per window. With REDIS_URL the
 * counters live in Redis and every replica shares them; if Redis cannot answer, requests are served
 * (fail open), one warning is logged per outage and `rateLimitStoreErrors()` counts the failed lookups.
 */
import rateLimit, { normalizeIP, type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { defineErrors, isAppError } from '../errors.js';
import type { EdgeConfig, RateLimitGroup } from './edge.config.js';
import { errorBody } from './error-handler.js';

export const rateLimitError = defineErrors({
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry later.' },
});

let storeErrors = 0;

/** How many rate-limit lookups failed because the shared store (Redis) could not answer, since start. */
export function rateLimitStoreErrors(): number {
  return storeErrors;
}

/** The path as routed: no query, percent-decoding undone, no repeated or trailing slash. */
function normalizedPath(url: string): string {
  let path = url.split('?')[0] ?? '/';
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape: classify it as written (the router refuses it anyway)
  }
  path = path.replace(/\/{2,}/g, '/');
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The group a request counts against, or undefined when it is never limited. */
export function rateLimitGroup(method: string, url: string): RateLimitGroup | undefined {
  const path = normalizedPath(url);
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') {
    if (path === '/health' || path === '/ready' || path === '/metrics') return undefined;
    if (path === '/docs' || path.startsWith('/docs/') || path.startsWith('/.well-known/')) return undefined;
    if (path === '/rooms' || path === '/rooms/search' || path.startsWith('/api/v1/availability/')) return 'search';
    return 'default';
  }
  if (m === 'POST') {
    if (path === '/api/v1/auth/token' || path === '/api/v1/bookings/lookup') return 'login';
    if (path === '/api/v1/bookings' || path === '/bookings' || path === '/booking') return 'booking';
    if (path === '/api/v1/bookings/availability/check' || path === '/api/v1/pricing/quote') return 'search';
  }
  return 'default';
}

/** The surfaces that keep the `{"detail": …}` error shape of their contracts. */
export function isCompatPath(url: string): boolean {
  const path = normalizedPath(url);
  return ['/rooms', '/bookings', '/inventory', '/api/inventory'].some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Traffic inside the deployment is never limited: a service calling another with its service token (a
 * booking saga's holds, quotes and charges — one client for all of a process's bookings), and what the
 * gateway forwards for anonymous callers, which the gateway (the public entry) has limited already.
 * API keys with the service role are outside clients, and are limited.
 */
export function exempt(request: FastifyRequest): boolean {
  const identity = request.identity as FastifyRequest['identity'] | undefined;
  if (identity != null) return identity.role === 'service' && identity.via === 'token';
  return request.throughGateway === true;
}

/** Who is counted: a verified identity, else the client address (a trusted, unauthenticated caller counts by address). */
export function rateLimitCaller(request: FastifyRequest): string {
  const identity = request.identity as FastifyRequest['identity'] | undefined;
  if (identity != null && identity.via !== 'trusted') return `${identity.role}:${identity.sub}`;
  return `ip:${normalizeIP(request.ip)}`;
}

/**
 * A fixed window per key in Redis (the plugin's own algorithm: INCR, and PEXPIRE on the first hit),
 * counting every failed lookup and logging one warning per outage (the first failure after an answer).
 */
const FIXED_WINDOW = `
  local current = redis.call('INCR', KEYS[1])
  if current == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    return {current, tonumber(ARGV[1])}
  end
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  return {current, ttl}
`;

type RedisWithWindow = Redis & { innkeeperWindow(key: string, windowMs: number): Promise<[number, number]> };

class SharedStore implements FastifyRateLimitStore {
  private down = false;

  constructor(
    private readonly redis: RedisWithWindow,
    private readonly prefix: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
    this.redis.innkeeperWindow(this.prefix + key, timeWindow).then(
      ([current, ttl]) => {
        if (this.down) {
          this.down = false;
          this.log.info('rate limits: the shared store (Redis) answers again; limits apply');
        }
        callback(null, { current, ttl });
      },
      (err: Error) => {
        storeErrors++;
        if (!this.down) {
          this.down = true;
          this.log.warn({ err }, 'rate limits: the shared store (Redis) does not answer; requests are served without limits until it does');
        }
        callback(err);
      },
    );
  }

  child(): FastifyRateLimitStore {
    return this;
  }
}

const CONNECT_TIMEOUT_MS = 1000;

/**
 * Installs the limits on the root instance (so every route, forwarded path and 404 is counted).
 * Nothing is installed when RATE_LIMIT=off.
 */
export async function registerRateLimits(app: FastifyInstance, config: EdgeConfig['rateLimit']): Promise<void> {
  if (!config.enabled) return;

  let store: FastifyRateLimitStoreCtor | undefined;
  if (config.redisUrl !== undefined) {
    const redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // A dead or black-holed Redis must cost a request milliseconds, never a stall.
      commandTimeout: 500,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    redis.defineCommand('innkeeperWindow', { numberOfKeys: 1, lua: FIXED_WINDOW });
    // Reconnection errors are expected during an outage; the store's first failed lookup warns, once.
    redis.on('error', (err: Error) => app.log.debug({ err }, 'rate limits: Redis connection error'));
    const shared = new SharedStore(redis as RedisWithWindow, config.redisPrefix, app.log);
    // The plugin constructs its store with `new`; a constructor that returns an object yields that object.
    store = function SharedStoreCtor() {
      return shared;
    } as unknown as FastifyRateLimitStoreCtor;
    // Connect now, so the first requests are counted, but never hold start-up hostage to Redis.
    await Promise.race([
      redis
        .connect()
        .catch((err: unknown) => app.log.warn({ err }, 'rate limits: Redis does not answer at start-up; limits apply once it does')),
      new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS + 200).unref()),
    ]);
    app.addHook('onClose', async () => {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    });
  }

  const groups = new WeakMap<FastifyRequest, RateLimitGroup>();
  const groupOf = (request: FastifyRequest): RateLimitGroup => groups.get(request) ?? 'default';

  await app.register(rateLimit, {
    global: false,
    enableDraftSpec: true,
    skipOnError: true,
    timeWindow: config.windowMs,
    ...(store !== undefined ? { store } : {}),
    keyGenerator: (request) => `${groupOf(request)}:${rateLimitCaller(request)}`,
    max: (request) => config.budgets[groupOf(request)],
    errorResponseBuilder: (request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return rateLimitError('RATE_LIMITED', `Too many requests; retry after ${seconds} seconds.`, {
        group: groupOf(request),
        limit: context.max,
        retry_after_seconds: seconds,
      });
    },
  });

  const limit = app.rateLimit();
  // preParsing: after every onRequest hook (the auth hook has set request.identity), before the body is read.
  app.addHook('preParsing', async (request, reply) => {
    const group = rateLimitGroup(request.method, request.url);
    if (group === undefined || exempt(request)) return;
    groups.set(request, group);
    try {
      await limit.call(app, request, reply);
    } catch (err) {
      if (!isAppError(err, 'RATE_LIMITED')) throw err;
      request.log.info({ code: err.code, group }, err.message);
      // Rendered here, not by the route's error handler: a compatibility surface may map any 4xx to its own answer.
      await reply.status(429).send(isCompatPath(request.url) ? { detail: err.message } : errorBody(err));
      return reply;
    }
  });
}

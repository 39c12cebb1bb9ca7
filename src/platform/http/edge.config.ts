/**
 * What the edge of the process is allowed to take: rate limits (shared through Redis when REDIS_URL
 * is set), CORS, proxies trusted for the client address, body size and timeouts. Read from the
 * environment once, at start-up; a bad value is a ConfigError naming the variable.
 */
import net from 'node:net';
import { ConfigError, redactUrl } from '../config.js';

export const RATE_LIMIT_GROUPS = ['login', 'booking', 'search', 'default'] as const;
export type RateLimitGroup = (typeof RATE_LIMIT_GROUPS)[number];

export interface EdgeConfig {
  readonly rateLimit: {
    readonly enabled: boolean;
    /** Shared counters in Redis (every replica sees one budget); undefined keeps them in memory. */
    readonly redisUrl: string | undefined;
    /** Prefix of every counter key in Redis (RATE_LIMIT_REDIS_PREFIX). */
    readonly redisPrefix: string;
    readonly windowMs: number;
    /** Requests each caller may make per window, per group. */
    readonly budgets: Readonly<Record<RateLimitGroup, number>>;
  };
  /** Origins allowed cross-origin access; empty: none. */
  readonly corsOrigins: readonly string[];
  /** Fastify's trustProxy: false, true, a hop count, or the addresses/CIDRs of trusted proxies. */
  readonly trustProxy: boolean | number | readonly string[];
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const BUDGET_VARIABLES: Record<RateLimitGroup, { variable: string; fallback: number }> = {
  login: { variable: 'RATE_LIMIT_LOGIN', fallback: 10 },
  booking: { variable: 'RATE_LIMIT_BOOKING', fallback: 60 },
  search: { variable: 'RATE_LIMIT_SEARCH', fallback: 600 },
  default: { variable: 'RATE_LIMIT_DEFAULT', fallback: 300 },
};

function set(raw: string | undefined): raw is string {
  return raw !== undefined && raw.trim() !== '';
}

function integer(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable];
  if (!set(raw)) return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new ConfigError(variable, `must be a whole number between ${min} and ${max} (got ${JSON.stringify(raw)})`);
  }
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(variable, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function redisUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL', `must be a redis:// URL such as redis://127.0.0.1:6379 (got ${JSON.stringify(redactUrl(raw))})`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL', `must use the redis:// or rediss:// scheme (got ${JSON.stringify(url.protocol)})`);
  }
  if (url.hostname === '') throw new ConfigError('REDIS_URL', 'must name a host');
  return raw;
}

function corsOrigins(raw: string | undefined): string[] {
  if (!set(raw)) return [];
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return [
    ...new Set(
      origins.map((origin) => {
        let url: URL | undefined;
        try {
          url = new URL(origin);
        } catch {
          url = undefined;
        }
        const bare = origin.replace(/\/$/, '');
        if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== bare) {
          throw new ConfigError(
            'CORS_ORIGINS',
            `must be a comma-separated list of origins such as https://app.example.com (got ${JSON.stringify(origin)})`,
          );
        }
        return url.origin;
      }),
    ),
  ];
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (address === undefined || rest.length > 0) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function trustProxy(raw: string | undefined): EdgeConfig['trustProxy'] {
  if (!set(raw)) return false;
  const value = raw.trim();
  const lower = value.toLowerCase();
  if (lower === 'off' || lower === 'false') return false;
  if (lower === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 32) throw new ConfigError('TRUST_PROXY', `hop count must be between 1 and 32 (got ${hops})`);
    return hops;
  }
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of entries) {
    if (!isAddressOrCidr(entry)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be off, true, a hop count, or a comma-separated list of addresses/CIDRs (got ${JSON.stringify(entry)})`,
      );
    }
  }
  return entries;
}

export function loadEdgeConfig(env: Env = process.env): EdgeConfig {
  const switchRaw = env.RATE_LIMIT?.trim().toLowerCase();
  if (set(switchRaw) && switchRaw !== 'off' && switchRaw !== 'on') {
    throw new ConfigError('RATE_LIMIT', `must be on or off (got ${JSON.stringify(env.RATE_LIMIT)})`);
  }
  const budgets = Object.fromEntries(
    RATE_LIMIT_GROUPS.map((group) => {
      const { variable, fallback } = BUDGET_VARIABLES[group];
      return [group, integer(env, variable, fallback, 1, 1_000_000)];
    }),
  ) as Record<RateLimitGroup, number>;
  const prefix = env.RATE_LIMIT_REDIS_PREFIX ?? 'innkeeper:ratelimit:';
  if (!/^[\w:.-]{1,100}$/.test(prefix)) {
    throw new ConfigError('RATE_LIMIT_REDIS_PREFIX', `must be 1–100 letters, digits, or _ : . - (got ${JSON.stringify(prefix)})`);
  }
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000);
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS', `must not exceed REQUEST_TIMEOUT_MS (${headersTimeoutMs} > ${requestTimeoutMs})`);
  }
  return {
    rateLimit: {
      enabled: switchRaw !== 'off',
      redisUrl: set(env.REDIS_URL) ? redisUrl(env.REDIS_URL.trim()) : undefined,
      redisPrefix: prefix,
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
      budgets,
    },
    corsOrigins: corsOrigins(env.CORS_ORIGINS),
    trustProxy: trustProxy(env.TRUST_PROXY),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    requestTimeoutMs,
    headersTimeoutMs,
  };
}

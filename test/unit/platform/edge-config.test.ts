import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/platform/config.js';
import { loadEdgeConfig } from '../../../src/platform/http/edge.config.js';
import { isCompatPath, rateLimitGroup } from '../../../src/platform/http/rate-limit.js';

describe('loadEdgeConfig', () => {
  it('defaults: limits on in memory, 60 s window, budgets 10/60/600/300, no CORS, no trusted proxy, 1 MiB, 30 s / 10 s', () => {
    expect(loadEdgeConfig({})).toEqual({
      rateLimit: {
        enabled: true,
        redisUrl: undefined,
        redisPrefix: 'innkeeper:ratelimit:',
        windowMs: 60_000,
        budgets: { login: 10, booking: 60, search: 600, default: 300 },
      },
      corsOrigins: [],
      trustProxy: false,
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
    });
  });

  it('reads every variable', () => {
    const config = loadEdgeConfig({
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      RATE_LIMIT_REDIS_PREFIX: 'test:run-1:',
      RATE_LIMIT_WINDOW_MS: '5000',
      RATE_LIMIT_LOGIN: '3',
      RATE_LIMIT_BOOKING: '4',
      RATE_LIMIT_SEARCH: '5',
      RATE_LIMIT_DEFAULT: '6',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/',
      TRUST_PROXY: '10.0.0.0/8,192.168.1.7, ::1',
      BODY_LIMIT_BYTES: '2048',
      REQUEST_TIMEOUT_MS: '20000',
      HEADERS_TIMEOUT_MS: '5000',
    });
    expect(config.rateLimit).toEqual({
      enabled: true,
      redisUrl: 'redis://127.0.0.1:6379/2',
      redisPrefix: 'test:run-1:',
      windowMs: 5000,
      budgets: { login: 3, booking: 4, search: 5, default: 6 },
    });
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
    expect(config.bodyLimitBytes).toBe(2048);
    expect(config.requestTimeoutMs).toBe(20_000);
    expect(config.headersTimeoutMs).toBe(5000);
  });

  it.each([
    ['off', false],
    ['OFF', false],
    ['on', true],
    ['', true],
  ])('RATE_LIMIT=%j → enabled %s', (raw, enabled) => {
    expect(loadEdgeConfig({ RATE_LIMIT: raw }).rateLimit.enabled).toBe(enabled);
  });

  it.each([
    ['true', true],
    ['off', false],
    ['false', false],
    ['2', 2],
    ['127.0.0.1', ['127.0.0.1']],
  ])('TRUST_PROXY=%j → %j', (raw, expected) => {
    expect(loadEdgeConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each([
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must use the redis:// or rediss:// scheme'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL must use the redis:// or rediss:// scheme'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL must be a redis:// URL'],
    [{ RATE_LIMIT: 'maybe' }, 'RATE_LIMIT must be on or off'],
    [{ RATE_LIMIT_WINDOW_MS: '10s' }, 'RATE_LIMIT_WINDOW_MS must be a whole number'],
    [{ RATE_LIMIT_WINDOW_MS: '10' }, 'RATE_LIMIT_WINDOW_MS must be between 1000 and 86400000 (got 10)'],
    [{ RATE_LIMIT_LOGIN: '0' }, 'RATE_LIMIT_LOGIN must be between 1 and 1000000'],
    [{ RATE_LIMIT_BOOKING: '-5' }, 'RATE_LIMIT_BOOKING must be a whole number'],
    [{ RATE_LIMIT_SEARCH: '1.5' }, 'RATE_LIMIT_SEARCH must be a whole number'],
    [{ RATE_LIMIT_DEFAULT: 'lots' }, 'RATE_LIMIT_DEFAULT must be a whole number'],
    [{ RATE_LIMIT_REDIS_PREFIX: 'has space' }, 'RATE_LIMIT_REDIS_PREFIX must be'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS must be a comma-separated list of origins'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS must be a comma-separated list of origins'],
    [{ CORS_ORIGINS: 'ftp://files.example.com' }, 'CORS_ORIGINS must be a comma-separated list of origins'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY must be off, true, a hop count, or a comma-separated list'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY must be off, true, a hop count'],
    [{ TRUST_PROXY: '0' }, 'TRUST_PROXY hop count must be between 1 and 32'],
    [{ BODY_LIMIT_BYTES: '1mb' }, 'BODY_LIMIT_BYTES must be a whole number'],
    [{ BODY_LIMIT_BYTES: '100' }, 'BODY_LIMIT_BYTES must be between 1024'],
    [{ REQUEST_TIMEOUT_MS: 'never' }, 'REQUEST_TIMEOUT_MS must be a whole number'],
    [{ HEADERS_TIMEOUT_MS: '40000' }, 'HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (40000 > 30000)'],
  ])('refuses %j with a ConfigError naming the variable', (env, message) => {
    expect(() => loadEdgeConfig(env)).toThrow(ConfigError);
    expect(() => loadEdgeConfig(env)).toThrow(message);
  });

  it('never echoes a password from REDIS_URL', () => {
    expect(() => loadEdgeConfig({ REDIS_URL: 'redis//user:secret@host:6379' })).toThrow(/^(?!.*secret)/);
  });
});

describe('rateLimitGroup', () => {
  it.each([
    ['POST', '/api/v1/auth/token', 'login'],
    ['POST', '/api/v1/auth/token?x=1', 'login'],
    ['POST', '/api/v1/auth/%74oken', 'login'],
    ['POST', '//api/v1/auth/token/', 'login'],
    ['GET', '/api/v1/auth/token', 'default'],
    ['POST', '/api/v1/bookings', 'booking'],
    ['POST', '/bookings', 'booking'],
    ['POST', '/bookings/', 'booking'],
    ['POST', '/booking', 'booking'],
    ['POST', '/booking/', 'booking'],
    ['GET', '/api/v1/bookings', 'default'],
    ['POST', '/api/v1/bookings/abc/cancel', 'default'],
    ['GET', '/api/v1/availability/lodging?location=London', 'search'],
    ['GET', '/rooms', 'search'],
    ['GET', '/rooms/search?adults=2', 'search'],
    ['GET', '/rooms/STANDART_A', 'default'],
    ['POST', '/api/v1/bookings/availability/check', 'search'],
    ['POST', '/api/v1/pricing/quote', 'search'],
    ['GET', '/health', undefined],
    ['HEAD', '/health', undefined],
    ['GET', '/ready', undefined],
    ['GET', '/metrics', undefined],
    ['GET', '/docs', undefined],
    ['GET', '/docs/static/index.html', undefined],
    ['GET', '/.well-known/jwks.json', undefined],
    ['POST', '/health', 'default'],
    ['GET', '/docsx', 'default'],
    ['DELETE', '/api/v1/venues/1', 'default'],
  ])('%s %s → %s', (method, url, group) => {
    expect(rateLimitGroup(method, url)).toBe(group);
  });

  it.each([
    ['/rooms', true],
    ['/rooms/search?x', true],
    ['/bookings/', true],
    ['/inventory/adjust', true],
    ['/api/inventory', true],
    ['/api/inventory/1', true],
    ['/api/v1/bookings', false],
    ['/booking/x', false],
    ['/roomsx', false],
  ])('compatibility surface %s → %s', (url, compat) => {
    expect(isCompatPath(url)).toBe(compat);
  });
});

/**
 * Rate limits shared through Redis, against the machine's real Redis behind a TCP proxy this test can
 * cut (the Redis itself is never stopped: other work on the machine uses it).
 *
 * - Two real platform processes share one budget: N + k requests spread over both → exactly k 429s.
 * - Redis unreachable → every request is still served, promptly; each process warns once, not per request.
 * - Redis back → the budget applies again.
 * - In one process: Redis unreachable at start-up does not stop it, failed lookups are counted
 *   (`rateLimitStoreErrors`), and limits apply once Redis answers.
 *
 * Counters live under a key prefix unique to this run, deleted afterwards. The window is five minutes
 * (the real clock: the limiter's TTLs are Redis's), far longer than the test, so it cannot roll over.
 * The database plays no part, so this runs once (on the PGlite project), each process on its own
 * in-memory database.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEdgeConfig } from '../../src/platform/http/edge.config.js';
import { rateLimitStoreErrors } from '../../src/platform/http/rate-limit.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startCli, type StartedProcess } from '../helpers/process.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const REDIS = { host: '127.0.0.1', port: 6379 };
const WINDOW_MS = 300_000;
const BUDGET = 5;
const EXTRA = 3;
const WARNING = 'rate limits: the shared store (Redis) does not answer';

const backend = inject('backend');

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly ms: number;
}

async function get(base: string, path = '/api/v1/venues'): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text), ms: performance.now() - started };
}

function expect429(answer: Answer): void {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
  expect(answer.headers.get('ratelimit-limit')).toBe(String(BUDGET));
  expect(answer.headers.get('ratelimit-remaining')).toBe('0');
  expect(answer.headers.get('ratelimit-reset')).toBe(String(retryAfter));
  expect(answer.body).toEqual({
    error: {
      code: 'RATE_LIMITED',
      message: `Too many requests; retry after ${retryAfter} seconds.`,
      details: { group: 'default', limit: BUDGET, retry_after_seconds: retryAfter },
    },
  });
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.runIf(backend === 'pglite')('rate limits shared through Redis', () => {
  const prefix = `innkeeper-test:${randomUUID()}:`;
  let redis: Redis;
  let proxy: TcpProxy;
  let a: StartedProcess | undefined;
  let b: StartedProcess | undefined;

  beforeAll(async () => {
    redis = new Redis({ ...REDIS, lazyConnect: true });
    await redis.connect();
    proxy = await startTcpProxy(REDIS.host, REDIS.port);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('two processes enforce one budget; with Redis cut they serve every request and warn once; restored, the budget applies', async () => {
    const env = {
      INNKEEPER_AUTH: 'off',
      RATE_LIMIT: 'on',
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      RATE_LIMIT_REDIS_PREFIX: prefix,
      RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      RATE_LIMIT_DEFAULT: String(BUDGET),
    };
    [a, b] = await Promise.all([
      startCli(['--memory', '--services', 'inventory'], env),
      startCli(['--memory', '--services', 'inventory'], env),
    ]);
    const processes = [a, b];

    // N + k requests at once, alternating between the processes: exactly k refused.
    const answers = await Promise.all(Array.from({ length: BUDGET + EXTRA }, (_, i) => get(processes[i % 2]!.url)));
    const served = answers.filter((x) => x.status === 200);
    const refused = answers.filter((x) => x.status !== 200);
    expect(served).toHaveLength(BUDGET);
    expect(refused).toHaveLength(EXTRA);
    for (const answer of refused) expect429(answer);
    // One counter: the served answers saw each remaining count once, whichever process answered.
    expect(served.map((x) => Number(x.headers.get('ratelimit-remaining'))).sort()).toEqual([0, 1, 2, 3, 4]);
    // Both processes took part on both sides of the budget.
    expect(answers.filter((_, i) => i % 2 === 0).some((x) => x.status === 200)).toBe(true);
    expect(answers.filter((_, i) => i % 2 === 1).some((x) => x.status === 200)).toBe(true);
    const key = `${prefix}default:ip:127.0.0.1`;
    expect(await redis.get(key)).toBe(String(BUDGET + EXTRA));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    for (const p of processes) expect(occurrences(p.output(), WARNING)).toBe(0);

    // Redis unreachable: the budget is spent, yet every request is served, without waiting on Redis.
    proxy.cut();
    for (let round = 0; round < 4; round++) {
      for (const p of processes) {
        const answer = await get(p.url);
        expect(answer.status).toBe(200);
        expect(answer.ms).toBeLessThan(2000);
      }
    }
    for (const p of processes) {
      await until('the outage warning', async () => (p.output().includes(WARNING) ? true : undefined), 5000);
      expect(occurrences(p.output(), WARNING)).toBe(1);
      expect(p.output()).not.toContain('Unhandled error event');
    }
    expect(await redis.get(key)).toBe(String(BUDGET + EXTRA));

    // Redis back: each process reconnects and the spent budget refuses again.
    proxy.restore();
    for (const p of processes) {
      const answer = await until('the budget to apply again', async () => {
        const x = await get(p.url);
        return x.status === 429 ? x : undefined;
      });
      expect429(answer);
    }
    expect(Number(await redis.get(key))).toBeGreaterThan(BUDGET + EXTRA);
    for (const p of processes) expect(occurrences(p.output(), WARNING)).toBe(1);
  });
});

describe.runIf(backend === 'pglite')('Redis unreachable at start-up (one process)', () => {
  const prefix = `innkeeper-test:${randomUUID()}:`;
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => (logText += chunk.toString()));
  let redis: Redis;
  let proxy: TcpProxy;
  let ctx: TestContext;

  beforeAll(async () => {
    redis = new Redis({ ...REDIS, lazyConnect: true });
    await redis.connect();
    proxy = await startTcpProxy(REDIS.host, REDIS.port);
    proxy.cut();
    ctx = await createTestContext({
      logStream: logs,
      edge: loadEdgeConfig({
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        RATE_LIMIT_REDIS_PREFIX: prefix,
        RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
        RATE_LIMIT_DEFAULT: '2',
      }),
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await proxy?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('serves without limits and counts each failed lookup; once Redis answers, the limits apply', async () => {
    const before = rateLimitStoreErrors();
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/venues' });
      expect(res.statusCode).toBe(200);
      expect(performance.now() - started).toBeLessThan(2000);
    }
    expect(rateLimitStoreErrors() - before).toBe(5);
    // /health is never limited, so it never asks the store.
    expect((await ctx.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect(rateLimitStoreErrors() - before).toBe(5);
    expect(occurrences(logText, WARNING)).toBe(1);

    proxy.restore();
    const refused = await until('the limit to apply', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/venues' });
      return res.statusCode === 429 ? res : undefined;
    });
    expect(refused.json<{ error: { code: string; details: { limit: number } } }>().error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 2 },
    });
    expect(await redis.get(`${prefix}default:ip:127.0.0.1`)).toBe('3');
    expect(logText).toContain('the shared store (Redis) answers again');
  });
});

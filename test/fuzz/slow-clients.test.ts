/**
 * Slow and idle clients against a real listening server (node:net sockets, no HTTP client to help):
 * headers or a body trickled in a byte at a time are cut off by HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS
 * (set small here, so the test takes seconds), and 200 idle connections do not stop new requests
 * from being served.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEdgeConfig } from '../../src/platform/http/edge.config.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 1500;

let ctx: TestContext;
let port: number;
beforeAll(async () => {
  ctx = await createTestContext({
    edge: loadEdgeConfig({
      RATE_LIMIT: 'off',
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    }),
  });
  port = Number(new URL(await ctx.listen()).port);
});
afterAll(async () => ctx.close());

interface Trickle {
  /** Milliseconds from the first byte until the server ended the connection. */
  readonly closedAfterMs: number;
  readonly answer: string;
  readonly bytesSent: number;
}

/** Sends `head` at once, then `trickle` one byte every `everyMs`, until the server closes the socket. */
function trickle(head: string, slow: string, everyMs: number, giveUpMs: number): Promise<Trickle> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a trickling connection open for ${giveUpMs} ms (${sent} bytes sent)`));
    }, giveUpMs);
    const finish = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started, answer, bytesSent: sent });
    };
    socket.on('connect', () => {
      if (head !== '') socket.write(head);
      timer = setInterval(() => {
        if (sent < slow.length && !socket.destroyed) socket.write(slow[sent++]!);
      }, everyMs);
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', () => undefined); // a reset after the server gave up is the expected end
  });
}

async function healthWithin(ms: number): Promise<number> {
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(ms) });
  expect(res.status).toBe(200);
  return Date.now() - started;
}

describe('slow clients', () => {
  it('headers sent a byte at a time are cut off by HEADERS_TIMEOUT_MS', async () => {
    const headers = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`;
    const result = await trickle('', headers, 50, 10_000);
    // Cut off before the request was whole (200+ bytes at 20 a second would take 10 s).
    expect(result.bytesSent).toBeLessThan(headers.length);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(result.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2500);
    expect(result.answer).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('a body sent a byte at a time is cut off by REQUEST_TIMEOUT_MS, and nothing is created', async () => {
    const body = JSON.stringify({ id: 'slow-venue', organization_id: 'org', type: 'hotel', name: 'Slow', location: 'X', time_zone: 'UTC' });
    const head = `POST /api/v1/venues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const result = await trickle(head, body, 50, 10_000);
    expect(result.bytesSent).toBeLessThan(body.length);
    expect(result.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2500);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408|^$/);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/venues/slow-venue`)).status).toBe(404);
  });

  it('200 idle connections and 20 trickling ones do not stop new requests being served', async () => {
    const idle = await Promise.all(
      Array.from(
        { length: 200 },
        () =>
          new Promise<net.Socket>((resolve, reject) => {
            const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
            socket.on('error', () => undefined);
            setTimeout(() => reject(new Error('could not open an idle connection')), 5000).unref();
          }),
      ),
    );
    const slow = Array.from({ length: 20 }, () =>
      trickle('', `GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ${'y'.repeat(100)}\r\n\r\n`, 100, 10_000),
    );
    try {
      for (let i = 0; i < 10; i++) expect(await healthWithin(1000)).toBeLessThan(1000);
    } finally {
      for (const socket of idle) socket.destroy();
    }
    // And the trickling ones were all cut off.
    for (const r of await Promise.all(slow)) expect(r.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2500);
  });
});

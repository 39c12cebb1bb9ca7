/**
 * A tiny HTTP proxy in front of a real service process, for fault tests: it forwards every call,
 * except those a rule names (method + path regex), which it fails — answering 503, or dropping the
 * connection without an answer — as many times as the rule says (until `heal()` by default).
 */
import http from 'node:http';
import type net from 'node:net';

export interface FaultRule {
  readonly method?: string;
  readonly path: RegExp;
  /** `503`: answer 503; `drop`: close the connection without an answer. */
  readonly action: '503' | 'drop';
  /** How many matching calls to fail (default: every one until `heal()`). */
  times?: number;
}

export interface FaultProxy {
  readonly url: string;
  /** Every call seen, `METHOD /path → forwarded | 503 | drop`. */
  readonly log: string[];
  fail(rule: FaultRule): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<FaultProxy> {
  let rules: FaultRule[] = [];
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const rule = rules.find((r) => (r.method === undefined || r.method === req.method) && r.path.test(path) && (r.times ?? 1) > 0);
    if (rule !== undefined) {
      if (rule.times !== undefined) rule.times--;
      log.push(`${req.method} ${path} → ${rule.action}`);
      if (rule.action === 'drop') req.socket.destroy();
      else
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"error":{"code":"PROXY_FAULT","message":"failed by the test proxy"}}');
      return;
    }
    log.push(`${req.method} ${path} → forwarded`);
    const upstream = http.request(`${target}${path}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    fail: (rule) => rules.push(rule),
    heal: () => (rules = []),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

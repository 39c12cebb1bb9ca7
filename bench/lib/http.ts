/**
 * The load driver: HTTP over keep-alive connections (undici), closed-loop workers that each send one
 * request after the other, and a burst mode for races (every client fires at once).
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { Counter, round, summarize, type LatencySummary } from './stats.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: Method;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

export class HttpClient {
  readonly #pool: Pool;

  constructor(
    readonly baseUrl: string,
    connections: number,
  ) {
    this.#pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const res = await this.#pool.request({ path: req.path, method: req.method, headers, body });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.statusCode, headers: res.headers, json };
  }

  /** Sends and fails unless the answer is 2xx (for loading data). */
  async must(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.send(req);
    if (res.status >= 300) throw new Error(`${req.method} ${req.path} → ${res.status}: ${JSON.stringify(res.json).slice(0, 500)}`);
    return res;
  }

  /** Opens `n` keep-alive connections ahead of a race, so the race does not measure TCP connects. */
  async warm(n: number): Promise<void> {
    await Promise.all(Array.from({ length: n }, () => this.send({ method: 'GET', path: '/health' })));
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** The error code of a refusal: `{error:{code}}` (/api/v1) or `{detail}` (compatibility surfaces). */
export function errorCode(res: HttpResponse): string | undefined {
  const j = res.json as { error?: { code?: unknown }; detail?: unknown } | undefined;
  if (j && typeof j === 'object' && j.error && typeof j.error.code === 'string') return j.error.code;
  if (j && typeof j === 'object' && typeof j.detail === 'string') return j.detail.slice(0, 60);
  return undefined;
}

/** `201`, or `409 NO_AVAILABILITY`: how outcomes are counted. */
export function outcomeLabel(res: HttpResponse): string {
  const code = res.status >= 300 ? errorCode(res) : undefined;
  return code === undefined ? String(res.status) : `${res.status} ${code}`;
}

/** `1162 × create 201, 3 × create 500 INTERNAL`: outcomes, most frequent first. */
export function summary(outcomes: Record<string, number>): string {
  return Object.entries(outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${n} × ${label}`)
    .join(', ');
}

export interface Outcome {
  /** What was done (search-venue, create, update…): latencies are also summarised per kind. */
  readonly kind: string;
  /** `201`, `409 NO_AVAILABILITY`, `error: …`. */
  readonly label: string;
  /** False for an answer the scenario does not accept (a 5xx, an unexpected refusal). */
  readonly ok: boolean;
}

export interface LoopResult {
  readonly clients: number;
  readonly seconds: number;
  readonly completed: number;
  /** Operations per second over the measured window. */
  readonly throughput: number;
  readonly latency: LatencySummary;
  readonly byKind: Record<string, { count: number; throughput: number; latency: LatencySummary }>;
  readonly outcomes: Record<string, number>;
  readonly unexpected: number;
  readonly unexpectedSamples: string[];
}

/**
 * `clients` workers each run `op` back to back for `warmupMs + durationMs`; operations that complete
 * inside the measured window (after the warm-up) are counted. Operations in flight at the end finish
 * but are not counted.
 */
export async function closedLoop(options: {
  clients: number;
  durationMs: number;
  warmupMs: number;
  op: (worker: number, iteration: number) => Promise<Outcome>;
}): Promise<LoopResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  const all: number[] = [];
  const perKind = new Map<string, number[]>();
  const outcomes = new Counter();
  const unexpectedSamples: string[] = [];
  let unexpected = 0;

  const worker = async (w: number) => {
    for (let i = 0; performance.now() < stopAt; i++) {
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await options.op(w, i);
      } catch (err) {
        outcome = { kind: 'error', label: `error: ${(err as Error).message}`.slice(0, 120), ok: false };
      }
      const t1 = performance.now();
      if (t1 < measureFrom || t1 > stopAt) continue;
      const ms = t1 - t0;
      all.push(ms);
      let list = perKind.get(outcome.kind);
      if (list === undefined) perKind.set(outcome.kind, (list = []));
      list.push(ms);
      outcomes.add(`${outcome.kind} ${outcome.label}`);
      if (!outcome.ok) {
        unexpected++;
        if (unexpectedSamples.length < 10) unexpectedSamples.push(`${outcome.kind} ${outcome.label}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, w) => worker(w)));
  const seconds = options.durationMs / 1000;
  return {
    clients: options.clients,
    seconds,
    completed: all.length,
    throughput: round(all.length / seconds, 1),
    latency: summarize(all),
    byKind: Object.fromEntries(
      [...perKind].map(([kind, list]) => [
        kind,
        { count: list.length, throughput: round(list.length / seconds, 1), latency: summarize(list) },
      ]),
    ),
    outcomes: outcomes.toJSON(),
    unexpected,
    unexpectedSamples,
  };
}

export interface BurstResult {
  readonly clients: number;
  /** From the first request sent to the last answer received. */
  readonly decidedMs: number;
  readonly latency: LatencySummary;
  readonly outcomes: Record<string, number>;
}

/** Fires `clients` operations at once and waits for all of them: a race. */
export async function burst<T extends { label: string }>(
  clients: number,
  op: (client: number) => Promise<T>,
): Promise<BurstResult & { results: T[] }> {
  const latencies: number[] = [];
  const outcomes = new Counter();
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const s = performance.now();
      let r: T;
      try {
        r = await op(c);
      } catch (err) {
        r = { label: `error: ${(err as Error).message}`.slice(0, 120) } as T;
      }
      latencies.push(performance.now() - s);
      outcomes.add(r.label);
      return r;
    }),
  );
  const decidedMs = round(performance.now() - t0);
  return { clients, decidedMs, latency: summarize(latencies), outcomes: outcomes.toJSON(), results };
}

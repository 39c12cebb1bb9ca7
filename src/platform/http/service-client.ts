/**
 * How one service calls another: JSON over HTTP with a timeout on every call, retries after a timeout,
 * a connection failure or a 5xx (every call we make is safe to retry: a read, or a write carrying an
 * idempotency key), and the callee's refusal (4xx) handed back as data for the caller to translate.
 */

export interface ServiceClientOptions {
  /** Resolved per call: the service may run in this process or another. */
  readonly baseUrl: () => string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Pause before retry n (1-based). */
  readonly backoffMs?: (attempt: number) => number;
}

/** The service could not be reached or kept failing: nothing it answered can be relied on. */
export class ServiceUnavailable extends Error {
  constructor(
    readonly service: string,
    problem: string,
  ) {
    super(`the ${service} service is unavailable (${problem})`);
    this.name = 'ServiceUnavailable';
  }
}

/** The service answered with a refusal (4xx). */
export class ServiceRefusal extends Error {
  constructor(
    readonly service: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

export class ServiceClient {
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoff: (attempt: number) => number;

  constructor(
    readonly service: string,
    private readonly options: ServiceClientOptions,
  ) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retries = options.retries ?? 2;
    this.#backoff = options.backoffMs ?? ((n) => 50 * 2 ** (n - 1));
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    let problem = 'no attempt made';
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.#backoff(attempt)));
      let res: Response;
      try {
        res = await fetch(`${this.options.baseUrl()}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (err) {
        problem = (err as Error).name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (err as Error).message;
        continue;
      }
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        problem = `answered ${res.status} with a body that is not JSON`;
        continue;
      }
      if (res.ok) return parsed as T;
      if (res.status >= 500 || res.status === 429) {
        problem = `answered ${res.status}`;
        continue;
      }
      const e = (parsed as ErrorBody | undefined)?.error;
      // No such route: whatever answers at this URL is not (this version of) the service.
      if (e?.code === 'ROUTE_NOT_FOUND')
        throw new ServiceUnavailable(this.service, `${method} ${path} is not served at ${this.options.baseUrl()}`);
      throw new ServiceRefusal(
        this.service,
        res.status,
        e?.code ?? `HTTP_${res.status}`,
        e?.message ?? `The ${this.service} service answered ${res.status}.`,
        e?.details,
      );
    }
    throw new ServiceUnavailable(this.service, problem);
  }
}

/** Query string from the defined values of an object. */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) params.set(k, String(v));
  return params.toString();
}

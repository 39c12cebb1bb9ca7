/**
 * How one service calls another: JSON over HTTP with a timeout on every call, retries after a timeout,
 * a connection failure or a 5xx (every call we make is safe to retry: a read, or a write carrying an
 * idempotency key), and the callee's refusal (4xx) handed back as data for the caller to translate.
 *
 * Every success is checked against the reply schema of the callee's contract (src/contracts, compiled
 * once with TypeBox): a reply that breaks it is a `ServiceContractViolation` naming the service, the
 * call and each field that is wrong — never a wrongly typed value handed on (ADR 0005). It is a kind of
 * `ServiceUnavailable` (what the service answered cannot be relied on) and is not retried: the same
 * request, replayed under the same idempotency key, would be answered the same way.
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { ErrorReply } from './schemas.js';

export interface ServiceClientOptions {
  /** Resolved per call: the service may run in this process or another. */
  readonly baseUrl: () => string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Pause before retry n (1-based). Default: 50 ms, doubling. */
  readonly backoffMs?: (attempt: number) => number;
  /** How a pause is taken. Default: a timer (or what `setDefaultRetrySleep` set); tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The Authorization header value each call carries (a service token), if any. */
  readonly authorization?: () => Promise<string | undefined>;
  /** Told of every reply that breaks its contract (before the call fails with it), e.g. to log it. */
  readonly onContractViolation?: (violation: ServiceContractViolation) => void;
}

/** The service could not be reached or kept failing: nothing it answered can be relied on. */
export class ServiceUnavailable extends Error {
  constructor(
    readonly service: string,
    readonly problem: string,
    message = `the ${service} service is unavailable (${problem})`,
  ) {
    super(message);
    this.name = 'ServiceUnavailable';
  }
}

/** One field of a reply that breaks its contract: a JSON pointer (`/` is the whole reply) and what is wrong. */
export interface ContractViolation {
  readonly path: string;
  readonly message: string;
}

/** The service answered, but with a reply its contract does not allow (a missing field, a wrong type …). */
export class ServiceContractViolation extends ServiceUnavailable {
  constructor(
    service: string,
    /** `METHOD /path`, without the query string. */
    readonly call: string,
    readonly violations: readonly ContractViolation[],
  ) {
    const shown = violations.slice(0, 5).map((v) => `${v.path} ${v.message}`);
    if (violations.length > shown.length) shown.push(`and ${violations.length - shown.length} more`);
    const problem = `answered ${call} with a reply that breaks its contract: ${shown.join('; ')}`;
    super(service, problem, `the ${service} service ${problem}`);
    this.name = 'ServiceContractViolation';
  }
}

/** What a broken contract adds to the caller's 503 details: the call and each wrong field (undefined otherwise). */
export function contractDetails(
  err: ServiceUnavailable,
): { contract_violation: { call: string; violations: readonly ContractViolation[] } } | undefined {
  return err instanceof ServiceContractViolation ? { contract_violation: { call: err.call, violations: err.violations } } : undefined;
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

/** A reply schema of a contract, compiled once: the check every success of a call must pass. */
export interface ReplyContract<T> {
  readonly schema: TSchema;
  check(value: unknown): value is T;
  violations(value: unknown): ContractViolation[];
}

interface SchemaError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly params: object;
  readonly message: string;
}

const pointer = (path: string) => (path === '' ? '/' : path);

/** "must be string or null", "must be one of "HELD", "CONFIRMED"": what the branches of a union allow. */
function unionMessage(union: SchemaError, branches: readonly SchemaError[]): string {
  const own = branches.filter((b) => b.keyword !== 'anyOf');
  if (own.length > 0 && own.every((b) => b.keyword === 'const')) {
    return `must be one of ${own.map((b) => JSON.stringify((b.params as { allowedValue?: unknown }).allowedValue)).join(', ')}`;
  }
  const messages = [
    ...new Set(
      own.map((b) =>
        b.keyword === 'const' ? `must be ${JSON.stringify((b.params as { allowedValue?: unknown }).allowedValue)}` : b.message,
      ),
    ),
  ];
  const allTypes = messages.length > 0 && messages.every((m) => m.startsWith('must be '));
  return allTypes ? `must be ${messages.map((m) => m.slice('must be '.length)).join(' or ')}` : union.message;
}

/**
 * TypeBox's errors as one line per wrong field: a missing property is named by its own path; a value
 * matching no branch of a union is reported by the deepest branch errors when there are some (the value
 * had the branch's type, a field inside is wrong), else as "must be A or B".
 */
function violationsOf(errors: readonly SchemaError[]): ContractViolation[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const inUnion = (e: SchemaError) => unions.some((u) => e !== u && e.schemaPath.startsWith(`${u.schemaPath}/anyOf/`));
  const out: ContractViolation[] = [];
  for (const e of errors) {
    if (inUnion(e)) continue; // reported through its union, below
    if (e.keyword === 'anyOf') {
      const branches = errors.filter((b) => b !== e && b.schemaPath.startsWith(`${e.schemaPath}/anyOf/`));
      // A branch whose type matched reports inside the value (a wrong or missing field): those errors say more.
      const deeper = branches.filter((b) => b.instancePath !== e.instancePath || b.keyword === 'required');
      if (deeper.length > 0) out.push(...violationsOf(deeper));
      else out.push({ path: pointer(e.instancePath), message: unionMessage(e, branches) });
      continue;
    }
    const required = (e.params as { requiredProperties?: unknown }).requiredProperties;
    if (e.keyword === 'required' && Array.isArray(required)) {
      for (const name of required) out.push({ path: `${e.instancePath}/${String(name)}`, message: 'is required' });
      continue;
    }
    out.push({ path: pointer(e.instancePath), message: e.message });
  }
  const seen = new Set<string>();
  return out.filter((v) => {
    const key = `${v.path} ${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Compiles a contract's reply schema (once, at module load) into the check `ServiceClient.call` applies. */
export function replyContract<S extends TSchema>(schema: S): ReplyContract<Static<S>> {
  const validator = Compile(schema);
  return {
    schema,
    check: (value: unknown): value is Static<S> => validator.Check(value),
    violations: (value) => violationsOf(validator.Errors(value)),
  };
}

/** A refusal's body, when it has the canonical shape (else the status stands for the code). */
const errorReply = replyContract(ErrorReply);

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
let defaultSleep: (ms: number) => Promise<void> = timerSleep;

/**
 * How clients built without their own `sleep` pause before a retry (a timer unless replaced): the
 * services build their clients themselves, so a test process replaces it here to never wait on a
 * real timer (test/helpers/context.ts). Read at each pause, so clients built earlier follow it too.
 * Returns what puts the previous one back.
 */
export function setDefaultRetrySleep(sleep: (ms: number) => Promise<void>): () => void {
  const previous = defaultSleep;
  defaultSleep = sleep;
  return () => {
    defaultSleep = previous;
  };
}

export class ServiceClient {
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoff: (attempt: number) => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    readonly service: string,
    private readonly options: ServiceClientOptions,
  ) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retries = options.retries ?? 2;
    this.#backoff = options.backoffMs ?? ((n) => 50 * 2 ** (n - 1));
    this.#sleep = options.sleep ?? ((ms) => defaultSleep(ms));
  }

  /** Calls the service; resolves with its reply once the reply passes `reply`'s check. */
  async call<T>(
    reply: ReplyContract<T>,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    const authorization = await this.options.authorization?.();
    if (authorization !== undefined) headers.authorization = authorization;
    let problem = 'no attempt made';
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) await this.#sleep(this.#backoff(attempt));
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
      if (res.ok) {
        if (reply.check(parsed)) return parsed;
        const violation = new ServiceContractViolation(this.service, `${method} ${path.split('?')[0] ?? path}`, reply.violations(parsed));
        this.options.onContractViolation?.(violation);
        throw violation;
      }
      if (res.status >= 500 || res.status === 429) {
        problem = `answered ${res.status}`;
        continue;
      }
      const e = errorReply.check(parsed) ? parsed.error : undefined;
      // The service refused our credentials: the deployment is misconfigured, not the request wrong.
      if (res.status === 401 || res.status === 403)
        throw new ServiceUnavailable(this.service, `refused this service's credentials (${res.status} ${e?.code ?? ''})`.trim());
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

/**
 * Configuration comes from the environment and is validated once, at start-up.
 * A bad value stops the process with one line naming the variable and what is wrong
 * (the CLI turns a ConfigError into exit code 2, without a stack trace).
 */
import path from 'node:path';

export const SERVICE_NAMES = ['inventory', 'booking', 'pricing', 'payment', 'webhooks', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL connection string; undefined means the embedded PGlite back end. */
  readonly databaseUrl: string | undefined;
  /** PGlite data directory; undefined with databaseUrl set, or for an in-memory database. */
  readonly dataDir: string | undefined;
  readonly logLevel: LogLevel;
  readonly services: readonly ServiceName[];
  /** Base URL of each service that runs in another process (the first of its list), keyed by service name. */
  readonly serviceUrls: Readonly<Partial<Record<ServiceName, string>>>;
  /**
   * Every base URL of each service that runs in another process: `<SERVICE>_URL` may name several
   * replicas, comma-separated (the gateway balances over them; typed clients use the first).
   */
  readonly serviceUrlLists: Readonly<Partial<Record<ServiceName, readonly string[]>>>;
  /** How long the gateway waits for a forwarded request's answer before a 504 (GATEWAY_UPSTREAM_TIMEOUT_MS). */
  readonly gatewayUpstreamTimeoutMs: number;
  readonly dbPoolSize: number;
  readonly shutdownTimeoutMs: number;
  readonly idempotencyTtlHours: number;
  readonly sagaRecoveryAfterMs: number;
  /** RabbitMQ (RABBITMQ_URL, amqp:// or amqps://); undefined: events are delivered in-process. */
  readonly rabbitmqUrl: string | undefined;
  /** How long the relay's claim on an event holds before another relay may publish it (EVENTS_LEASE_MS). */
  readonly eventsLeaseMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigOverrides {
  port?: string | undefined;
  dataDir?: string | undefined;
  memory?: boolean | undefined;
  services?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function amqpUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(variable, 'must be a URL such as amqp://guest:guest@127.0.0.1:5672');
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:')
    throw new ConfigError(variable, `must use amqp:// or amqps:// (got ${url.protocol}//)`);
  return raw.trim();
}

function integer(variable: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new ConfigError(variable, `must be an integer between ${min} and ${max} (got ${JSON.stringify(raw)})`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(variable, `must be between ${min} and ${max} (got ${value})`);
  }
  return value;
}

function databaseUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      variable,
      `must be a postgres:// URL such as postgres://user@host:5432/db (got ${JSON.stringify(redactUrl(raw))})`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(variable, `must use the postgres:// or postgresql:// scheme (got ${JSON.stringify(url.protocol)})`);
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new ConfigError(variable, 'must name a host');
  }
  return raw;
}

function httpUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `must be an http(s) URL (got ${JSON.stringify(raw)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `must be an http(s) URL (got ${JSON.stringify(raw)})`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * One or several comma-separated http(s) URLs of one service's replicas. They share one path (a load
 * balancer picks among origins, so a path cannot differ between replicas); duplicates count once.
 */
export function httpUrlList(variable: string, raw: string): string[] {
  const urls = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => httpUrl(variable, s));
  if (urls.length === 0) throw new ConfigError(variable, `must be an http(s) URL or several, comma-separated (got ${JSON.stringify(raw)})`);
  const paths = new Set(urls.map((u) => new URL(u).pathname.replace(/\/+$/, '')));
  if (paths.size > 1)
    throw new ConfigError(
      variable,
      `names URLs with different paths (${[...paths].map((p) => JSON.stringify(p || '/')).join(', ')}): replicas must share one`,
    );
  return [...new Set(urls)];
}

/** Hides a password in a connection string before it reaches a message. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export function parseServices(variable: string, raw: string): ServiceName[] {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new ConfigError(variable, `must name at least one of ${SERVICE_NAMES.join(', ')}`);
  for (const name of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(variable, `names an unknown service ${JSON.stringify(name)} (known: ${SERVICE_NAMES.join(', ')})`);
    }
  }
  return [...new Set(names)] as ServiceName[];
}

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const portRaw = overrides.port ?? env.PORT;
  const port =
    portRaw === undefined || portRaw === '' ? 8080 : integer(overrides.port !== undefined ? '--port' : 'PORT', portRaw, 0, 65535);

  const dbRaw = env.DATABASE_URL;
  const dbUrl = dbRaw === undefined || dbRaw === '' ? undefined : databaseUrl('DATABASE_URL', dbRaw);

  const logRaw = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logRaw)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(env.LOG_LEVEL)})`);
  }

  let dataDir: string | undefined;
  if (dbUrl === undefined && overrides.memory !== true) {
    const raw = overrides.dataDir ?? env.INNKEEPER_DATA_DIR ?? '.innkeeper/data';
    if (raw.trim() === '') throw new ConfigError('INNKEEPER_DATA_DIR', 'must not be empty');
    dataDir = path.resolve(raw);
  }

  const servicesRaw = overrides.services ?? env.INNKEEPER_SERVICES;
  const services =
    servicesRaw === undefined || servicesRaw === ''
      ? [...SERVICE_NAMES]
      : parseServices(overrides.services !== undefined ? '--services' : 'INNKEEPER_SERVICES', servicesRaw);

  const serviceUrls: Partial<Record<ServiceName, string>> = {};
  const serviceUrlLists: Partial<Record<ServiceName, readonly string[]>> = {};
  for (const name of SERVICE_NAMES) {
    const variable = `${name.toUpperCase()}_URL`;
    const raw = env[variable];
    if (raw !== undefined && raw.trim() !== '') {
      const urls = httpUrlList(variable, raw);
      serviceUrlLists[name] = urls;
      serviceUrls[name] = urls[0];
    }
  }

  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: dbUrl,
    dataDir,
    logLevel: logRaw as LogLevel,
    services,
    serviceUrls,
    serviceUrlLists,
    gatewayUpstreamTimeoutMs: env.GATEWAY_UPSTREAM_TIMEOUT_MS
      ? integer('GATEWAY_UPSTREAM_TIMEOUT_MS', env.GATEWAY_UPSTREAM_TIMEOUT_MS, 1, 600_000)
      : 10_000,
    dbPoolSize: env.DB_POOL_SIZE ? integer('DB_POOL_SIZE', env.DB_POOL_SIZE, 1, 500) : 20,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ? integer('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS, 100, 600_000) : 4000,
    idempotencyTtlHours: env.IDEMPOTENCY_TTL_HOURS ? integer('IDEMPOTENCY_TTL_HOURS', env.IDEMPOTENCY_TTL_HOURS, 1, 24 * 30) : 24,
    sagaRecoveryAfterMs: env.SAGA_RECOVERY_AFTER_MS ? integer('SAGA_RECOVERY_AFTER_MS', env.SAGA_RECOVERY_AFTER_MS, 0, 86_400_000) : 60_000,
    eventsLeaseMs: env.EVENTS_LEASE_MS ? integer('EVENTS_LEASE_MS', env.EVENTS_LEASE_MS, 100, 3_600_000) : 60_000,
    rabbitmqUrl: env.RABBITMQ_URL === undefined || env.RABBITMQ_URL.trim() === '' ? undefined : amqpUrl('RABBITMQ_URL', env.RABBITMQ_URL),
  };
}

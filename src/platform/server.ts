/**
 * Starting and stopping a process: open the database, migrate the schemas of the services it runs,
 * optionally load a data set on first start, listen, and on SIGTERM/SIGINT drain in-flight requests
 * and close the database cleanly (PGlite checkpoints its data directory on close).
 */
import { sql } from 'kysely';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Config, ServiceName } from './config.js';
import { openDatabase, type Database, type DatabaseTarget } from './db/database.js';
import { migrateToLatest, type SchemaMigrations } from './db/migrator.js';
import { platformMigrations } from './db/platform.migrations.js';
import { createAccess } from './auth/access.runtime.js';
import { piiRuntimeFor } from './pii/pii.runtime.js';
import { loadAuthConfig, type AuthConfig } from './auth/auth.config.js';
import { buildApp, type App, type ServiceDeps, type ServiceModule } from './http/app.js';
import type { EdgeConfig } from './http/edge.config.js';
import { Scheduler } from './jobs/scheduler.js';
import { EventBus } from './events/event-bus.js';

export function databaseTarget(config: Config): DatabaseTarget {
  if (config.databaseUrl !== undefined) return { kind: 'postgres', url: config.databaseUrl, poolSize: config.dbPoolSize };
  if (config.dataDir !== undefined) return { kind: 'pglite', dataDir: config.dataDir };
  return { kind: 'pglite', memory: true };
}

export function migrationSets(services: readonly ServiceModule[]): SchemaMigrations[] {
  return [platformMigrations, ...services.map((s) => s.migrations)];
}

export class MissingServiceUrlError extends Error {
  constructor(readonly variable: string) {
    super(`${variable} must be set: this process needs that service but does not run it`);
  }
}

export function serviceUrlResolver(config: Config, localUrl: () => string): (name: string) => string {
  return (name: string) => {
    if ((config.services as readonly string[]).includes(name)) return localUrl();
    const url = config.serviceUrls[name as ServiceName];
    if (url === undefined) throw new MissingServiceUrlError(`${name.toUpperCase()}_URL`);
    return url;
  };
}

export interface RunningServer {
  readonly app: App;
  readonly database: Database;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  readonly url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly config: Config;
  readonly modules: readonly ServiceModule[];
  readonly clock?: Clock;
  /** Runs after migrations, before listening (loading a data set on first start). */
  readonly beforeListen?: (deps: ServiceDeps) => Promise<void>;
  /** Start the job scheduler after listening (default true; `jobs run` runs one job by hand instead). */
  readonly runJobs?: boolean;
  readonly logTo?: 'stdout' | 'stderr';
  readonly host?: string;
  /** Access control (default: from the environment, INNKEEPER_AUTH and AUTH_*). */
  readonly auth?: AuthConfig;
  /** Rate limits, CORS, proxies, body limit, timeouts (loadEdgeConfig); absent: defaults without rate limits. */
  readonly edge?: EdgeConfig;
}

/** Whether this process answers anonymous callers itself: it runs the gateway (the public entry). */
export function isPublicEntry(config: Config): boolean {
  return config.services.includes('gateway');
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, modules } = options;
  const database = await openDatabase(databaseTarget(config));
  try {
    await migrateToLatest(database.db, migrationSets(modules));
    let url = `http://127.0.0.1:${config.port}`;
    const clock = options.clock ?? systemClock;
    const scheduler = new Scheduler(database, clock);
    const access = createAccess(database, clock, options.auth ?? loadAuthConfig(), isPublicEntry(config));
    const pii = piiRuntimeFor(database);
    const events = new EventBus({ database, clock, rabbitmqUrl: config.rabbitmqUrl, relay: { leaseMs: config.eventsLeaseMs } });
    const deps: ServiceDeps = {
      events,
      database,
      clock,
      pii: pii.vault,
      scheduler,
      serviceUrl: serviceUrlResolver(config, () => url),
      idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
      sagaRecoveryAfterMs: config.sagaRecoveryAfterMs,
      serviceAuthorization: () => access.tokens.serviceAuthorization(),
      gatewayAuthorization: (caller) => access.tokens.gatewayAuthorization(caller),
      ...(access.tokens.config.enabled
        ? { issueGuestToken: (guestId: string, bookingId: string, until: Date) => access.tokens.guestToken(guestId, bookingId, until) }
        : {}),
    };
    await options.beforeListen?.(deps);
    const app = await buildApp({ services: modules, deps, logLevel: config.logLevel, logTo: options.logTo, access, edge: options.edge });
    await app.listen({ port: config.port, host: options.host ?? config.host });
    const address = app.server.address();
    if (address !== null && typeof address === 'object') url = `http://127.0.0.1:${address.port}`;
    scheduler.log = app.log;
    // A server relays in its own loop; the scheduler's `events.relay` job is for `innkeeper jobs run`
    // (no loop there), so a long relay run never holds up the scheduler's other jobs.
    if (options.runJobs !== false) {
      events.start();
      events.runLoop(100, (err) => app.log.error({ err }, 'event relay failed'));
    } else {
      events.start(scheduler);
    }
    // Start-up runs of every job go on in the background: the process answers at once, and a stop
    // during them waits for the run in flight (Scheduler.stop).
    if (options.runJobs !== false) void scheduler.start().catch((err: unknown) => app.log.error({ err }, 'scheduler failed to start'));
    let closing: Promise<void> | undefined;
    return {
      app,
      database,
      scheduler,
      events,
      get url() {
        return url;
      },
      close: () =>
        (closing ??= (async () => {
          await scheduler.stop();
          await events.close().catch((err: unknown) => app.log.error({ err }, 'closing the events failed'));
          try {
            await app.close();
          } finally {
            await database.close();
          }
        })()),
    };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

/** Exits 0 after a clean drain on SIGTERM/SIGINT; forces exit 1 if the drain outlasts the timeout. */
export function closeOnSignals(server: RunningServer, timeoutMs: number): void {
  const onSignal = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'shutting down: draining requests and closing the database');
    const timer = setTimeout(() => {
      server.app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

export async function datasetsLoaded(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select distinct name from platform.dataset_load order by name`.execute(database.db);
  return rows.map((r) => r.name);
}

export async function recordDatasetLoad(database: Database, name: string, at: Date): Promise<void> {
  await sql`insert into platform.dataset_load (name, loaded_at) values (${name}, ${at})`.execute(database.db);
}

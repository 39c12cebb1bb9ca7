/**
 * A test file's world: a freshly migrated database of its own (PGlite or PostgreSQL, as the project
 * says), a manual clock, and the app built over them. Tests talk HTTP to it (inject, or a real port
 * with `listen()`), and read the database directly to check invariants.
 *
 * Importing this module also sets two things for the whole test file:
 * - every test leaves the clocks of the file's contexts where it found them: a test that moves time
 *   and then fails cannot leak the moved clock into the next test (moves made in `beforeAll` stay);
 * - service clients never wait on a real timer between retries: the pause is recorded in
 *   `retryPauses` and returns at once.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import pino from 'pino';
import { afterEach, beforeEach, inject } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { buildApp, type App, type ServiceDeps, type ServiceModule } from '../../src/platform/http/app.js';
import type { EdgeConfig } from '../../src/platform/http/edge.config.js';
import { setDefaultRetrySleep } from '../../src/platform/http/service-client.js';
import { Scheduler } from '../../src/platform/jobs/scheduler.js';
import { EventBus } from '../../src/platform/events/event-bus.js';
import type { EventConsumer } from '../../src/platform/events/inbox.js';
import type { RelayOptions } from '../../src/platform/events/relay.js';
import { loggerOptions } from '../../src/platform/observability/logger.js';
import type { ServiceName } from '../../src/platform/config.js';
import { SERVICES, serviceModules } from '../../src/services/index.js';
import { createAccess } from '../../src/platform/auth/access.runtime.js';
import { piiRuntimeFor } from '../../src/platform/pii/pii.runtime.js';
import type { AuthConfig } from '../../src/platform/auth/auth.config.js';
import type { TokenService } from '../../src/platform/auth/tokens.js';

export interface TestContext {
  readonly backend: 'pglite' | 'postgres';
  readonly database: Database;
  readonly clock: ManualClock;
  readonly app: App;
  readonly deps: ServiceDeps;
  /** Outboxes, consumers and the relay; tests run the relay with `events.relayNow()` after moving the clock. */
  readonly events: EventBus;
  /** The local issuer (with `auth`): signs tokens for the test's callers. */
  readonly tokens: TokenService | undefined;
  /** Listens on a free port (once) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface TestContextOptions {
  readonly services?: readonly ServiceName[];
  readonly clock?: ManualClock;
  /** Base URLs of services not run by this app. */
  readonly serviceUrls?: Partial<Record<ServiceName, string>>;
  readonly idempotencyTtlMs?: number;
  /** Where the app logs, at `trace` (the most verbose level): for tests of what reaches the logs. */
  readonly logStream?: NodeJS.WritableStream;
  /**
   * Access control as a started platform has it (default: off, every caller trusted, as most tests
   * are about other things). `true`: on, with the local issuer; or a whole AuthConfig.
   */
  readonly auth?: boolean | Partial<AuthConfig>;
  /** With auth: whether this app answers anonymous callers itself (it runs the gateway). Default true. */
  readonly publicEntry?: boolean;
  /** Rate limits, CORS, proxies, limits (default: buildApp's, without rate limits). */
  readonly edge?: EdgeConfig;
  /** Modules registered after the services (a test's own routes or hooks). */
  readonly extraModules?: readonly ServiceModule[];
  /** RabbitMQ for the events (default: none, the in-process delivery of the embedded default). */
  readonly rabbitmqUrl?: string;
  /** Consumers hosted by this app besides the services' own (a test's inbox consumer). */
  readonly consumers?: (database: Database, clock: ManualClock) => Promise<readonly EventConsumer[]>;
  /** Relay tuning (lease, tries). */
  readonly relay?: RelayOptions;
}

/** The clocks of this file's contexts, and the instant each showed when the running test began. */
const clocks = new Set<ManualClock>();
const clockAtTestStart = new Map<ManualClock, Date>();
beforeEach(() => {
  for (const clock of clocks) clockAtTestStart.set(clock, clock.now());
});
afterEach(() => {
  for (const [clock, at] of clockAtTestStart) clock.set(at);
  clockAtTestStart.clear();
});

/** Every pause a service client of this file took before a retry, in order: recorded, never slept. */
export const retryPauses: number[] = [];
setDefaultRetrySleep(async (ms) => {
  retryPauses.push(ms);
});

function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database for this test file. */
export async function freshDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const backend = inject('backend');
  if (backend === 'pglite') {
    const tar = fs.readFileSync(inject('pgliteTemplate'));
    const database = await openDatabase({ kind: 'pglite', memory: true, loadDataDir: new Blob([tar]) });
    return { database, drop: async () => undefined };
  }
  const adminUrl = inject('postgresUrl');
  // Named after this run's template, so the run's teardown can drop any a crashed file left behind.
  const name = `${inject('postgresTemplate').replace('innkeeper_tpl_', 'innkeeper_t_')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl(adminUrl, name), poolSize: 10 });
  return {
    database,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const { database, drop } = await freshDatabase();
  const clock = options.clock ?? new ManualClock('2026-01-15T12:00:00Z');
  clocks.add(clock);
  const names = options.services ?? (Object.keys(SERVICES) as ServiceName[]);
  let url: string | undefined;
  const authConfig: AuthConfig | undefined =
    options.auth === undefined || options.auth === false
      ? undefined
      : {
          enabled: true,
          external: undefined,
          tokenTtlSeconds: 3600,
          serviceToken: undefined,
          ...(options.auth === true ? {} : options.auth),
        };
  const access = authConfig === undefined ? undefined : createAccess(database, clock, authConfig, options.publicEntry ?? true);
  const events = new EventBus({ database, clock, rabbitmqUrl: options.rabbitmqUrl, relay: options.relay });
  for (const consumer of (await options.consumers?.(database, clock)) ?? []) events.addConsumer(consumer);
  const deps: ServiceDeps = {
    events,
    ...(access === undefined
      ? {}
      : {
          serviceAuthorization: () => access.tokens.serviceAuthorization(),
          gatewayAuthorization: (caller: string | undefined) => access.tokens.gatewayAuthorization(caller),
          issueGuestToken: (guestId: string, bookingId: string, until: Date) => access.tokens.guestToken(guestId, bookingId, until),
        }),
    database,
    clock,
    pii: piiRuntimeFor(database).vault,
    scheduler: new Scheduler(database, clock),
    idempotencyTtlMs: options.idempotencyTtlMs ?? 24 * 3_600_000,
    serviceUrl: (name) => {
      const remote = options.serviceUrls?.[name as ServiceName];
      if (remote !== undefined) return remote;
      if (url === undefined) throw new Error(`the test app must listen() before service ${name} is called over HTTP`);
      return url;
    },
  };
  const logger =
    options.logStream !== undefined
      ? pino(loggerOptions('trace'), options.logStream)
      : pino(loggerOptions((process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent'));
  const app = await buildApp({
    services: [...serviceModules(names), ...(options.extraModules ?? [])],
    deps,
    logger,
    edge: options.edge,
    ...(access === undefined ? {} : { access }),
  });
  events.start(deps.scheduler);
  return {
    events,
    tokens: access?.tokens,
    backend: inject('backend'),
    database,
    clock,
    app,
    deps,
    listen: async () => {
      if (url === undefined) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const address = app.server.address();
        if (address === null || typeof address !== 'object') throw new Error('no address');
        url = `http://127.0.0.1:${address.port}`;
      }
      return url;
    },
    close: async () => {
      await events.close();
      await app.close();
      await database.close();
      await drop();
    },
  };
}

/**
 * innkeeper start | migrate | seed | jobs | reconcile — the only place that listens, exits, or prints to a terminal.
 * Configuration errors end the process with one line and exit code 2, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { DATASETS, datasetNames } from './datasets/index.js';
import { systemClock } from './platform/clock.js';
import { ConfigError, loadConfig, redactUrl, type Config } from './platform/config.js';
import { DatabaseUnavailableError, openDatabase } from './platform/db/database.js';
import { CHECKS, DEFAULT_DEADLINE_MS, formatProblem, isCheckName, reconcile } from './ops/reconcile.js';
import { MigrationError, migrateToLatest } from './platform/db/migrator.js';
import type { ServiceDeps } from './platform/http/app.js';
import { loadEdgeConfig } from './platform/http/edge.config.js';
import { Scheduler } from './platform/jobs/scheduler.js';
import {
  closeOnSignals,
  databaseTarget,
  datasetsLoaded,
  migrationSets,
  MissingServiceUrlError,
  recordDatasetLoad,
  startServer,
} from './platform/server.js';
import { SERVICES, serviceModules } from './services/index.js';
import { loadAuthConfig } from './platform/auth/auth.config.js';
import { piiRuntimeFor } from './platform/pii/pii.runtime.js';
import { DEMO_PASSWORD } from './platform/auth/demo-identities.js';
import { AccessUsageError, commandApiKeys, commandKeys, commandToken, commandUsers } from './cli.access.js';
import { PiiUsageError } from './cli.pii.js';
import { EVENTS_USAGE, EventsUsageError, eventsReplay, eventsStatus } from './cli.events.js';

const USAGE = `usage:
  innkeeper start [--port N] [--services a,b] [--data-dir DIR | --memory] [--seed NAME] [--demo]
  innkeeper migrate [--data-dir DIR | --memory]
  innkeeper seed --dataset NAME [--data-dir DIR]
  innkeeper jobs list
  innkeeper jobs run NAME
  innkeeper reconcile [--data-dir DIR | --memory] [--json] [--deadline-minutes N] [--skip CHECK,…]
  innkeeper token --role guest|business|admin|service [--sub S] [--org O] [--venues a,b] [--booking B] [--ttl 1h]
  innkeeper keys rotate | rotate-pii | status [--data-dir DIR]
  innkeeper users add --email E --role business|admin [--org O] [--venues a,b] [--password-stdin]
  innkeeper api-keys create --name N [--role service|admin] | list | revoke ID
  ${EVENTS_USAGE}

  --demo        load the demo data set on first start (what \`npm start\` does)
  --seed NAME   load data set NAME before listening
  reconcile     prints every inconsistency between the services' data and exits 1 if there is any
                (checks: ${CHECKS.join(', ')})
  data sets: ${datasetNames().join(', ')}
  services:  ${Object.keys(SERVICES).join(', ')}`;

class UsageError extends Error {}

function fail(message: string, code = 2): never {
  process.stderr.write(`innkeeper: ${message}\n`);
  process.exit(code);
}

async function loadDataset(deps: ServiceDeps, name: string): Promise<void> {
  const dataset = DATASETS[name];
  if (dataset === undefined) throw new UsageError(`unknown data set ${JSON.stringify(name)} (known: ${datasetNames().join(', ')})`);
  await dataset.load(deps);
  await recordDatasetLoad(deps.database, name, deps.clock.now());
}

async function commandStart(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      services: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      seed: { type: 'string' },
      demo: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.memory && values['data-dir'] !== undefined) throw new UsageError('--data-dir and --memory exclude each other');
  const config = loadConfig(process.env, {
    port: values.port,
    services: values.services,
    dataDir: values['data-dir'],
    memory: values.memory,
  });
  const edge = loadEdgeConfig(process.env);
  const server = await startServer({
    config,
    edge,
    modules: serviceModules(config.services, config),
    clock: systemClock,
    beforeListen: async (deps) => {
      if (values.seed !== undefined) await loadDataset(deps, values.seed);
      else if (values.demo === true && (await datasetsLoaded(deps.database)).length === 0) await loadDataset(deps, 'demo');
    },
  });
  closeOnSignals(server, config.shutdownTimeoutMs);
  server.app.log.info(
    { url: server.url, services: config.services, backend: describeBackend(config) },
    `Innkeeper is listening on ${server.url} (docs at ${server.url}/docs)`,
  );
  const auth = loadAuthConfig();
  if (!auth.enabled) {
    server.app.log.warn(
      'ACCESS CONTROL IS OFF (INNKEEPER_AUTH=off): every caller is trusted as an admin. Use this on a trusted network only.',
    );
  } else {
    const demo = (await datasetsLoaded(server.database)).includes('demo');
    server.app.log.info(
      demo
        ? `Access control is on. Sign in: POST ${server.url}/api/v1/auth/token {"email":"admin@innkeeper.demo","password":"${DEMO_PASSWORD}"} ` +
            `(also manager@demo-hotel-group.demo and manager@demo-dining.demo), or print one: innkeeper token --role admin`
        : `Access control is on. Get a token: innkeeper users add --email … --role admin, then POST ${server.url}/api/v1/auth/token; or innkeeper token --role admin`,
    );
  }
}

function describeBackend(config: Config): string {
  if (config.databaseUrl !== undefined) return `postgres ${redactUrl(config.databaseUrl)}`;
  return config.dataDir !== undefined ? `pglite ${config.dataDir}` : 'pglite (memory)';
}

async function withDatabase<T>(
  argv: string[],
  extra: Record<string, { type: 'string' | 'boolean' }>,
  run: (deps: ServiceDeps, values: Record<string, string | boolean | undefined>, config: Config) => Promise<T>,
): Promise<T> {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, memory: { type: 'boolean' }, services: { type: 'string' }, ...extra },
    strict: true,
  });
  const config = loadConfig(process.env, {
    dataDir: values['data-dir'],
    memory: values.memory,
    services: values.services,
  });
  const database = await openDatabase(databaseTarget(config));
  try {
    const deps: ServiceDeps = {
      database,
      clock: systemClock,
      pii: piiRuntimeFor(database).vault,
      serviceUrl: (name) => {
        throw new MissingServiceUrlError(`${name.toUpperCase()}_URL`);
      },
      idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
      scheduler: new Scheduler(database, systemClock),
    };
    return await run(deps, values, config);
  } finally {
    await database.close();
  }
}

async function commandMigrate(argv: string[]): Promise<void> {
  await withDatabase(argv, {}, async (deps, _values, config) => {
    const reports = await migrateToLatest(deps.database.db, migrationSets(serviceModules(config.services)));
    for (const r of reports) {
      process.stdout.write(`${r.schema}: ${r.applied.length === 0 ? 'up to date' : `applied ${r.applied.join(', ')}`}\n`);
    }
  });
}

async function commandSeed(argv: string[]): Promise<void> {
  await withDatabase(argv, { dataset: { type: 'string' } }, async (deps, values, config) => {
    const name = values.dataset;
    if (typeof name !== 'string' || name === '') throw new UsageError(`seed needs --dataset NAME (known: ${datasetNames().join(', ')})`);
    await migrateToLatest(deps.database.db, migrationSets(serviceModules(config.services)));
    await loadDataset(deps, name);
    process.stdout.write(`loaded data set ${name}\n`);
  });
}

/**
 * Runs one scheduled job by hand. The services the job calls are served from this process on a
 * loopback port for the duration (on PGlite, stop the server first: it owns the data directory).
 */
async function commandJobs(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { positionals, values } = parseArgs({
    args: rest,
    options: { 'data-dir': { type: 'string' }, memory: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const config = loadConfig({ ...process.env, PORT: '0' }, { dataDir: values['data-dir'], memory: values.memory });
  const server = await startServer({
    config,
    modules: serviceModules(config.services, config),
    clock: systemClock,
    runJobs: false,
    host: '127.0.0.1',
    logTo: 'stderr',
  });
  try {
    const scheduler = server.scheduler;
    if (sub === 'list') {
      for (const job of scheduler.jobs()) process.stdout.write(`${job.name}\t${job.description}\n`);
      return;
    }
    if (sub !== 'run' || positionals.length !== 1)
      throw new UsageError(
        `usage: innkeeper jobs run NAME (jobs: ${scheduler
          .jobs()
          .map((j) => j.name)
          .join(', ')})`,
      );
    const name = positionals[0]!;
    if (!scheduler.jobs().some((j) => j.name === name))
      throw new UsageError(
        `unknown job ${JSON.stringify(name)} (jobs: ${scheduler
          .jobs()
          .map((j) => j.name)
          .join(', ')})`,
      );
    const run = await scheduler.runNow(name);
    if (!run.ran) throw new UsageError(`job ${name} is running elsewhere; try again later`);
    if (run.error !== undefined) {
      process.stderr.write(`innkeeper: job ${name} failed: ${run.error}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${name}: ${JSON.stringify(run.result ?? {})}\n`);
  } finally {
    await server.close();
  }
}

/** Exit code of `reconcile` when it could not audit (database unreachable, schemas not migrated). */
class CannotAuditError extends Error {}

/**
 * The operator's audit (src/ops/reconcile.ts): prints every problem and exits 1 when there is any,
 * 0 with a one-line summary otherwise. Read-only: it migrates nothing, so an unmigrated database is
 * refused instead of changed.
 */
async function commandReconcile(argv: string[]): Promise<void> {
  await withDatabase(
    argv,
    { json: { type: 'boolean' }, 'deadline-minutes': { type: 'string' }, skip: { type: 'string' } },
    async (deps, values) => {
      const raw = values['deadline-minutes'];
      const minutes = typeof raw === 'string' ? Number(raw) : DEFAULT_DEADLINE_MS / 60_000;
      if (!Number.isFinite(minutes) || minutes < 0)
        throw new UsageError(`--deadline-minutes must be a number ≥ 0 (got ${JSON.stringify(raw)})`);
      const skip = typeof values.skip === 'string' ? values.skip.split(',').filter((c) => c !== '') : [];
      const unknown = skip.filter((c) => !isCheckName(c));
      if (unknown.length > 0) throw new UsageError(`--skip names unknown checks: ${unknown.join(', ')} (checks: ${CHECKS.join(', ')})`);
      let report;
      try {
        report = await reconcile(deps.database.db, deps.clock, { deadlineMs: minutes * 60_000, skip: skip.filter(isCheckName) });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '42P01' || code === '3F000')
          throw new CannotAuditError(`the database is not migrated (${(err as Error).message}); run innkeeper migrate first`);
        throw err;
      }
      if (values.json === true) {
        process.stdout.write(
          `${JSON.stringify({ clean: report.problems.length === 0, checks: report.checks, problems: report.problems })}\n`,
        );
      } else if (report.problems.length === 0) {
        process.stdout.write(`reconcile: clean (${report.checks} checks)\n`);
      } else {
        for (const p of report.problems) process.stdout.write(`${formatProblem(p)}\n`);
        process.stdout.write(
          `reconcile: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (${report.checks} checks)\n`,
        );
      }
      if (report.problems.length > 0) process.exitCode = 1;
    },
  );
}

const print = (line: string) => process.stdout.write(`${line}\n`);

async function commandEvents(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const options = {
    json: { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    type: { type: 'string' },
    endpoint: { type: 'string' },
  } as const;
  if (sub === 'status')
    return withDatabase(rest, options, (deps, values) => eventsStatus(deps.database, systemClock.now(), values.json === true, print));
  if (sub === 'replay') return withDatabase(rest, options, (deps, values) => eventsReplay(deps.database, systemClock, values, print));
  throw new UsageError(`usage: ${EVENTS_USAGE}`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return commandStart(rest);
    case 'migrate':
      return commandMigrate(rest);
    case 'seed':
      return commandSeed(rest);
    case 'jobs':
      return commandJobs(rest);
    case 'token':
      return commandToken(rest, print);
    case 'keys':
      return commandKeys(rest, print);
    case 'users':
      return commandUsers(rest, print);
    case 'api-keys':
      return commandApiKeys(rest, print);
    case 'events':
      return commandEvents(rest);
    case 'reconcile':
      return commandReconcile(rest).catch((err: unknown) => {
        // An audit that could not run must not look like one that found problems (exit 1).
        if (err instanceof DatabaseUnavailableError || err instanceof CannotAuditError) fail(err.message, 2);
        throw err;
      });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  }
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof ConfigError) fail(`invalid configuration: ${err.message}`);
  if (err instanceof UsageError || err instanceof AccessUsageError || err instanceof PiiUsageError || err instanceof EventsUsageError)
    fail(err.message);
  if (err instanceof MissingServiceUrlError) fail(`invalid configuration: ${err.message}`);
  if (err instanceof DatabaseUnavailableError) fail(err.message, 1);
  if (err instanceof MigrationError) fail(err.message, 1);
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(`${(err as Error).message}\n${USAGE}`);
  if ((err as { code?: string }).code === 'EADDRINUSE') fail(`the port is already in use: ${(err as Error).message}`, 1);
  throw err;
}

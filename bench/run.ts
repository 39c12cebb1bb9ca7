/**
 * The benchmark runner: a fresh PostgreSQL database, the platform started on it as its own process, the
 * data each scenario needs, then every scenario driven over HTTP from this process, each with its
 * exactness checks and (for booking creates and races) its database-alone baseline. Prints a table,
 * writes bench/results/latest.json and latest.md, drops the database, and exits non-zero when a check
 * failed.
 *
 *   npm run bench                      short run of every scenario (a few minutes)
 *   npm run bench -- --full            longer runs
 *   npm run bench -- --only booking    some scenarios (search, booking, contention, mixed, events)
 *   npm run bench -- --profile         also a CPU profile of the platform process, summarised
 *   npm run bench -- --embedded        also the search scenario on the embedded database (PGlite)
 *
 * BENCH_PLATFORM_NODE_ARGS adds node flags to the platform process (e.g. --max-semi-space-size=8).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { addDays } from '../src/platform/dates.js';
import { capturePlans, type Plans } from './lib/baseline.js';
import { check, noOversell, settledReconciliation, type Check } from './lib/checks.js';
import type { BenchContext, Durations, ScenarioResult } from './lib/context.js';
import { CpuMeter } from './lib/cpu.js';
import { benchPool, createDatabase, DEFAULT_ADMIN_URL, dropDatabase } from './lib/database.js';
import { loadHotels, loadHotelsViaApi, loadRestaurant, todayUtc, type Hotels, type Restaurant } from './lib/fixtures.js';
import { HttpClient } from './lib/http.js';
import { RssSampler, startPlatform, REPO_ROOT, type Platform } from './lib/platform.js';
import { profileText, summarizeProfile, type ProfileSummary } from './lib/profile.js';
import { allRows, checksText, machine, markdownTable, textTable } from './lib/report.js';
import { round } from './lib/stats.js';
import { runBookingCreate } from './scenarios/booking-create.js';
import { runContention } from './scenarios/contention.js';
import { runMixed } from './scenarios/mixed.js';
import { runSearch } from './scenarios/search.js';
import { BENCH_RABBITMQ_URL, runEvents, startLagProbe } from './scenarios/events.js';

const SCENARIOS = {
  search: runSearch,
  booking: runBookingCreate,
  contention: runContention,
  mixed: runMixed,
  events: runEvents,
} as const;
type ScenarioName = keyof typeof SCENARIOS;

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
    'admin-url': { type: 'string' },
    embedded: { type: 'boolean', default: false },
  },
  strict: true,
});

const selected: ScenarioName[] = (args.only ?? Object.keys(SCENARIOS).join(','))
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '')
  .map((s) => {
    if (!(s in SCENARIOS)) {
      process.stderr.write(`bench: unknown scenario ${JSON.stringify(s)} (known: ${Object.keys(SCENARIOS).join(', ')})\n`);
      process.exit(2);
    }
    return s as ScenarioName;
  });

const durations: Durations = args.full
  ? { searchS: 15, bookingS: 30, mixedS: 60, warmupS: 3 }
  : { searchS: 3, bookingS: 8, mixedS: 15, warmupS: 1 };

const adminUrl = args['admin-url'] ?? process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
const poolSize = Number(process.env.DB_POOL_SIZE ?? 20);
const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s`;
const log = (message: string) => process.stdout.write(`[bench ${elapsed()}] ${message}\n`);

const host = machine();
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[-:T]/g, '').slice(0, 14);
const databaseName = `innkeeper_bench_${stamp}_${process.pid}`;

let platform: Platform | undefined;
let pool: ReturnType<typeof benchPool> | undefined;
let baselinePool: ReturnType<typeof benchPool> | undefined;
let databaseCreated = false;
let cleaning: Promise<void> | undefined;

async function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await platform?.stop().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await baselinePool?.end().catch(() => undefined);
    if (databaseCreated && !args['keep-db']) await dropDatabase(adminUrl, databaseName).catch(() => undefined);
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the platform and dropping the database`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Runs a measurement while sampling the platform's RSS and the CPU of the platform, PostgreSQL and the runner. */
function measurer(pid: number, backends: ReturnType<typeof benchPool> | undefined): BenchContext['measure'] {
  return async (fn) => {
    const rss = new RssSampler(pid);
    const cpu = new CpuMeter(backends, databaseName, pid);
    await cpu.start();
    const value = await fn();
    const cpuUse = await cpu.stop();
    const r = rss.stop();
    return { value, rss: { peakMb: r.peakMb, meanMb: r.meanMb }, cpu: cpuUse };
  };
}

async function main(): Promise<number> {
  log(
    `${args.full ? 'full' : 'short'} run of ${selected.join(', ')} on ${host.cores} cores, ${host.memoryGb} GB, ${host.cpuModel}; load average ${host.loadavgStart.join(' ')}`,
  );
  const databaseUrl = await createDatabase(adminUrl, databaseName);
  databaseCreated = true;
  log(`database ${databaseName}`);
  // One directory per run: node writes one profile per thread (the main thread and tsx's loader thread).
  const profileDir = path.join(resultsDir, 'profiles', stamp);
  platform = await startPlatform({
    databaseUrl,
    logFile: path.join(resultsDir, 'platform.log'),
    logLevel: args['log-level'],
    nodeArgs: [
      ...(args.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      ...(process.env.BENCH_PLATFORM_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
    ],
    // As deployed: events go through RabbitMQ (the events scenario and the mixed day's lag need it).
    env: { DB_POOL_SIZE: String(poolSize), RABBITMQ_URL: BENCH_RABBITMQ_URL },
  });
  log(`platform pid ${platform.pid} at ${platform.url} (LOG_LEVEL=${args['log-level']}, DB_POOL_SIZE=${poolSize})`);
  pool = benchPool(databaseUrl, 4);
  baselinePool = benchPool(databaseUrl, poolSize);
  const { rows: pgRows } = await pool.query<{ version: string; sb: string; sc: string; mc: string }>(
    `select version() as version, current_setting('shared_buffers') as sb, current_setting('synchronous_commit') as sc,
            current_setting('max_connections') as mc`,
  );
  const postgres = {
    version: pgRows[0]!.version.split(' on ')[0]!,
    shared_buffers: pgRows[0]!.sb,
    synchronous_commit: pgRows[0]!.sc,
    max_connections: pgRows[0]!.mc,
  };

  const today = todayUtc();
  const http = new HttpClient(platform.url, 16);
  const fixtures: Record<string, number> = {};
  let hotels: Hotels;
  let restaurant: Restaurant;
  let plans: Plans | undefined;
  try {
    let t = performance.now();
    log('loading 100 hotels × 10 room types × their nightly rows');
    hotels = await loadHotels(http, pool, { hotels: 100, perHotel: 10, cities: 10, rooms: 20 });
    fixtures.hotelsSeconds = round((performance.now() - t) / 1000, 1);
    log(`  ${hotels.roomTypes.length} room types × ${hotels.nights} nights in ${fixtures.hotelsSeconds} s`);
    t = performance.now();
    log('loading a restaurant with 200 tables and 150 seatings');
    restaurant = await loadRestaurant(http, { tables: 200, seatings: 150, date: addDays(today, 1) });
    fixtures.restaurantSeconds = round((performance.now() - t) / 1000, 1);
    if (selected.includes('booking') || selected.includes('contention')) {
      t = performance.now();
      log('capturing the statements of a booking create and a retail hold (baseline)');
      plans = await capturePlans({
        platformHttp: http,
        databaseUrl,
        pool,
        logFile: path.join(resultsDir, 'capture.log'),
        today,
      });
      fixtures.captureSeconds = round((performance.now() - t) / 1000, 1);
      fs.writeFileSync(
        path.join(resultsDir, 'baseline-plans.json'),
        `${JSON.stringify({ booking: plans.booking, retail: plans.retail }, null, 1)}\n`,
      );
      for (const [name, o] of Object.entries(plans.outlines)) log(`  ${name}: ${o.statements} statements, ${o.transactions} transactions`);
    }
  } finally {
    await http.close();
  }

  const running = platform;
  const ctx: BenchContext = {
    full: args.full,
    durations,
    platform: running,
    pool,
    baselinePool,
    databaseName,
    today,
    hotels,
    restaurant,
    plans: { booking: plans?.booking, retail: plans?.retail },
    log,
    measure: measurer(running.pid, pool),
  };

  const results: ScenarioResult[] = [];
  for (const name of selected) {
    const s = performance.now();
    try {
      const probe = name === 'mixed' ? await startLagProbe() : undefined;
      const result = await SCENARIOS[name](ctx);
      if (probe !== undefined) result.rows.push(await probe.stop());
      results.push(result);
    } catch (err) {
      results.push({
        name,
        rows: [],
        checks: [check(`${name} ran to the end`, false, (err as Error).stack ?? String(err))],
        notes: [],
      });
    }
    log(`${name} done in ${((performance.now() - s) / 1000).toFixed(0)} s`);
  }
  const finalChecks: Check[] = [...(await noOversell(pool)), ...(await settledReconciliation(pool))].map((c) => ({
    ...c,
    name: `end of run: ${c.name}`,
  }));

  const code = await platform.stop();
  platform = undefined;
  let profile: ProfileSummary | undefined;
  if (args.profile) {
    // The main thread's profile is the largest.
    const files = fs.existsSync(profileDir)
      ? fs
          .readdirSync(profileDir)
          .map((f) => path.join(profileDir, f))
          .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)
      : [];
    if (files[0] !== undefined) profile = summarizeProfile(files[0]);
    else log(`no profile in ${profileDir} (the platform exited with ${code})`);
  }

  if (args.embedded) {
    // The same search on the embedded database (PGlite in memory, inside the platform's process): its
    // data through the HTTP API, since no other process can reach it; the checks are the answers'.
    log('embedded: starting the platform on PGlite (in memory)');
    const embedded = await startPlatform({
      embedded: true,
      logFile: path.join(resultsDir, 'platform-embedded.log'),
      logLevel: args['log-level'],
    });
    platform = embedded;
    const ehttp = new HttpClient(embedded.url, 4);
    try {
      const t = performance.now();
      log('embedded: loading the hotels and the restaurant through the API');
      const eHotels = await loadHotelsViaApi(ehttp, { hotels: 100, perHotel: 10, cities: 10, rooms: 20 });
      const eRestaurant = await loadRestaurant(ehttp, { tables: 200, seatings: 150, date: addDays(today, 1) });
      fixtures.embeddedLoadSeconds = round((performance.now() - t) / 1000, 1);
      const r = await runSearch({
        ...ctx,
        platform: embedded,
        hotels: eHotels,
        restaurant: eRestaurant,
        measure: measurer(embedded.pid, undefined),
      });
      results.push({
        ...r,
        name: 'search (embedded)',
        rows: r.rows.map((row) => ({ ...row, scenario: 'search (pglite)' })),
        checks: r.checks.map((c) => ({ ...c, name: `embedded: ${c.name}` })),
      });
    } finally {
      await ehttp.close();
      await embedded.stop();
      platform = undefined;
    }
  }

  const rows = allRows(results);
  const checks = [...results.flatMap((r) => r.checks), ...finalChecks];
  const failed = checks.filter((c) => !c.ok && c.kind === 'exactness');
  const warned = checks.filter((c) => !c.ok && c.kind === 'answers');
  const finishedAt = new Date();
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
    mode: args.full ? 'full' : 'short',
    scenarios: selected,
    machine: { ...host, loadavgEnd: os.loadavg().map((x) => round(x)) },
    postgres,
    platform: { logLevel: args['log-level'], dbPoolSize: poolSize },
    durations,
    fixtures,
    baselines: plans?.outlines,
    results,
    checks,
    profile,
  };
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(resultsDir, `bench-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const md = [
    `Run of ${report.startedAt} (${report.mode}, ${report.seconds} s), commit ${host.commit ?? '?'}; ${host.cores} cores, ${host.memoryGb} GB, ${host.cpuModel};`,
    `${postgres.version}; node ${host.node}; load average ${host.loadavgStart.join(' ')} at start, ${report.machine.loadavgEnd.join(' ')} at end.`,
    '',
    markdownTable(rows),
    '',
    ...results.flatMap((r) => r.notes.map((n) => `- ${r.name}: ${n}`)),
    '',
    '```',
    checksText(checks),
    '```',
    ...(profile ? ['', '```', profileText(profile), '```'] : []),
  ].join('\n');
  fs.writeFileSync(path.join(resultsDir, 'latest.md'), `${md}\n`);

  process.stdout.write(`\n${textTable(rows)}\n\n`);
  for (const r of results) for (const n of r.notes) process.stdout.write(`${r.name}: ${n}\n`);
  process.stdout.write(`\n${checksText(checks)}\n\n`);
  if (profile) process.stdout.write(`${profileText(profile)}\n\n`);
  log(`results in ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))} and latest.md`);
  const exactness = checks.filter((c) => c.kind === 'exactness').length;
  log(
    failed.length === 0
      ? `all ${exactness} exactness checks passed${warned.length > 0 ? `; ${warned.length} WARN (unexpected answers, see above)` : ''}`
      : `${failed.length} of ${exactness} exactness checks FAILED`,
  );
  return failed.length === 0 ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);

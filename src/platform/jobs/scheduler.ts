/**
 * The job scheduler: named jobs on a schedule read from the injected clock, each run once across every
 * process sharing the database (PostgreSQL: a session advisory lock per job, taken with try-lock so a
 * busy job is skipped, not queued; PGlite: one process owns the data directory, so an in-process guard
 * suffices). Every job also runs once at start-up. Tests call `tick()` after moving the clock.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';

export type Schedule = { readonly everyMs: number } | { readonly dailyAtUtc: string };

export interface Job {
  readonly name: string;
  readonly description: string;
  readonly schedule: Schedule;
  /** Does the work; returns a summary for the log (e.g. how many rows it touched). */
  run(now: Date): Promise<Record<string, unknown> | void>;
}

export interface JobRun {
  readonly job: string;
  readonly ran: boolean;
  readonly result?: Record<string, unknown> | void;
  readonly error?: string;
}

function lockKey(name: string): bigint {
  return createHash('sha256').update(`innkeeper.job.${name}`).digest().readBigInt64BE(0);
}

/** The first instant at or after `from` when the schedule is due, strictly after `last` when given. */
export function nextDue(schedule: Schedule, last: Date): Date {
  if ('everyMs' in schedule) return new Date(last.getTime() + schedule.everyMs);
  const [hh, mm] = schedule.dailyAtUtc.split(':').map(Number) as [number, number];
  const next = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate(), hh, mm));
  if (next.getTime() <= last.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

export class Scheduler {
  readonly #jobs = new Map<string, Job>();
  readonly #due = new Map<string, Date>();
  readonly #running = new Set<string>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  /** Set once the process has a logger (the app's). */
  log: FastifyBaseLogger | undefined;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  add(job: Job): void {
    if (this.#jobs.has(job.name)) throw new Error(`job ${job.name} is already scheduled`);
    this.#jobs.set(job.name, job);
  }

  jobs(): Job[] {
    return [...this.#jobs.values()];
  }

  /** Runs every job now (start-up), then checks the schedule every `pollMs` of real time. */
  async start(pollMs = 1000): Promise<JobRun[]> {
    const now = this.clock.now();
    const runs: JobRun[] = [];
    for (const job of this.#jobs.values()) {
      if (this.#stopped) break;
      runs.push(await this.runNow(job.name));
      this.#due.set(job.name, nextDue(job.schedule, now));
    }
    if (this.#stopped) return runs;
    this.#timer = setInterval(() => {
      this.tick().catch((err: unknown) => this.log?.error({ err }, 'scheduler tick failed'));
    }, pollMs);
    this.#timer.unref();
    return runs;
  }

  /** Stops scheduling and waits for the runs in flight, so the database is closed under none of them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Runs the jobs that are due by the clock. */
  async tick(): Promise<JobRun[]> {
    const now = this.clock.now();
    const runs: JobRun[] = [];
    for (const job of this.#jobs.values()) {
      const due = this.#due.get(job.name) ?? now;
      if (due.getTime() > now.getTime()) continue;
      runs.push(await this.runNow(job.name));
      this.#due.set(job.name, nextDue(job.schedule, now));
    }
    return runs;
  }

  /** Runs one job now, unless it is already running here or in another process. */
  async runNow(name: string): Promise<JobRun> {
    const job = this.#jobs.get(name);
    if (job === undefined) throw new Error(`unknown job ${name} (known: ${[...this.#jobs.keys()].join(', ')})`);
    if (this.#running.has(name)) return { job: name, ran: false };
    this.#running.add(name);
    const run = this.#runLocked(job);
    this.#inFlight.add(run);
    try {
      return await run;
    } finally {
      this.#inFlight.delete(run);
      this.#running.delete(name);
    }
  }

  async #runLocked(job: Job): Promise<JobRun> {
    if (this.database.kind === 'pglite') return this.#execute(job);
    return this.database.db.connection().execute(async (conn) => {
      const key = lockKey(job.name);
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
      if (rows[0]?.locked !== true) return { job: job.name, ran: false };
      try {
        return await this.#execute(job);
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });
  }

  async #execute(job: Job): Promise<JobRun> {
    try {
      const result = await job.run(this.clock.now());
      this.log?.info({ job: job.name, result }, 'job ran');
      return { job: job.name, ran: true, result };
    } catch (err) {
      this.log?.error({ err, job: job.name }, 'job failed');
      return { job: job.name, ran: true, error: (err as Error).message };
    }
  }
}

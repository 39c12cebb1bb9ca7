/**
 * Where the CPU went during a measurement: the platform process, the PostgreSQL backends serving the
 * bench database, and this runner (the load generator), in cores (CPU seconds per wall second).
 */
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { round } from './stats.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function ticksOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

async function backendPids(pool: pg.Pool | undefined, database: string): Promise<number[]> {
  if (pool === undefined) return [];
  const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
    database,
  ]);
  return rows.map((r) => r.pid);
}

export interface CpuUse {
  /** Cores used on average: CPU seconds / wall seconds. */
  readonly platform: number;
  readonly postgres: number;
  readonly runner: number;
  /** The machine's load average (1 min) at the end. */
  readonly loadavg1: number;
}

export class CpuMeter {
  #t0 = 0;
  #platform0 = 0;
  #runner0: NodeJS.CpuUsage = process.cpuUsage();
  #backends0 = new Map<number, number>();

  constructor(
    /** The bench database's pool, to find its backends; undefined for the embedded database (in the platform's process). */
    private readonly pool: pg.Pool | undefined,
    private readonly database: string,
    private readonly platformPid: number,
  ) {}

  async start(): Promise<void> {
    this.#backends0.clear();
    for (const pid of await backendPids(this.pool, this.database)) {
      const t = ticksOf(pid);
      if (t !== undefined) this.#backends0.set(pid, t);
    }
    this.#platform0 = ticksOf(this.platformPid) ?? 0;
    this.#runner0 = process.cpuUsage();
    this.#t0 = performance.now();
  }

  async stop(): Promise<CpuUse> {
    const wall = (performance.now() - this.#t0) / 1000;
    const runner = process.cpuUsage(this.#runner0);
    const platform = ((ticksOf(this.platformPid) ?? this.#platform0) - this.#platform0) / TICKS_PER_SECOND;
    let backends = 0;
    for (const pid of await backendPids(this.pool, this.database)) {
      const t = ticksOf(pid);
      if (t !== undefined) backends += t - (this.#backends0.get(pid) ?? 0);
    }
    return {
      platform: round(platform / wall),
      postgres: round(backends / TICKS_PER_SECOND / wall),
      runner: round((runner.user + runner.system) / 1e6 / wall),
      loadavg1: round(os.loadavg()[0]!),
    };
  }
}

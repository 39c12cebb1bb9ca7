/**
 * The platform under test runs as its own process (`node bin/innkeeper.mjs start`), exactly as it is
 * deployed; the runner only talks to it over HTTP and reads its memory from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { round } from './stats.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface PlatformOptions {
  readonly databaseUrl?: string;
  /** PGlite in memory instead of PostgreSQL. */
  readonly embedded?: boolean;
  readonly logFile: string;
  readonly logLevel: string;
  /** Extra node flags, e.g. `--cpu-prof`, or `--import <hook>`. */
  readonly nodeArgs?: readonly string[];
  /** Opens an IPC channel to the process (the statement-capture hook listens on it). */
  readonly ipc?: boolean;
  readonly env?: Record<string, string>;
}

export interface Platform {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, bytes = 3000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

export async function startPlatform(o: PlatformOptions): Promise<Platform> {
  const port = await freePort();
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const log = fs.openSync(o.logFile, 'a');
  const args = [...(o.nodeArgs ?? []), path.join(REPO_ROOT, 'bin', 'innkeeper.mjs'), 'start', '--port', String(port)];
  if (o.embedded) args.push('--memory');
  // The bench measures the platform, not its per-address rate limits.
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: o.logLevel,
    HOST: '127.0.0.1',
    RATE_LIMIT: 'off',
    INNKEEPER_AUTH: 'off',
    ...o.env,
  };
  if (o.embedded) delete env.DATABASE_URL;
  else env.DATABASE_URL = o.databaseUrl;
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: o.ipc ? ['ignore', log, log, 'ipc'] : ['ignore', log, log],
  });
  fs.closeSync(log);
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exited = code))));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`the platform exited (${exited}) before it was ready:\n${tail(o.logFile)}`);
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the platform was not ready within 90 s:\n${tail(o.logFile)}`);
    }
    await sleep(200);
  }
  return {
    url,
    pid: child.pid!,
    child,
    stop: async () => {
      if (exited !== undefined) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Resident memory of a process in MB (VmRSS of /proc/<pid>/status), or NaN when unreadable. */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024, 1) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; reports the peak and the mean. */
export class RssSampler {
  readonly #samples: number[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 200,
  ) {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), everyMs);
    this.#timer.unref();
  }

  #sample(): void {
    const mb = rssMb(this.pid);
    if (Number.isFinite(mb)) this.#samples.push(mb);
  }

  stop(): { peakMb: number; meanMb: number; samples: number } {
    clearInterval(this.#timer);
    this.#sample();
    const n = this.#samples.length;
    return {
      peakMb: n === 0 ? Number.NaN : Math.max(...this.#samples),
      meanMb: n === 0 ? Number.NaN : round(this.#samples.reduce((s, x) => s + x, 0) / n, 1),
      samples: n,
    };
  }
}

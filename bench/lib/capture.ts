/**
 * Captures the statements of one request: a second platform process on the same database, started
 * with capture-hook.mjs, records what node-postgres sends between two IPC messages around the request.
 * Each capture is taken three times and the most common statement sequence kept (a scheduled job that
 * happens to run during one of them is voted out).
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpClient, HttpRequest, HttpResponse } from './http.js';
import { startPlatform, REPO_ROOT, type Platform } from './platform.js';
import type { CapturedStatement } from './replay.js';

export interface Capturer {
  readonly platform: Platform;
  capture(http: HttpClient, req: HttpRequest): Promise<{ response: HttpResponse; statements: CapturedStatement[]; at: number }>;
  stop(): Promise<void>;
}

export async function startCapturer(o: { databaseUrl: string; logFile: string }): Promise<Capturer> {
  const hook = path.join(REPO_ROOT, 'bench', 'lib', 'capture-hook.mjs');
  const platform = await startPlatform({
    databaseUrl: o.databaseUrl,
    logFile: o.logFile,
    logLevel: 'warn',
    nodeArgs: ['--import', hook],
    ipc: true,
  });
  const child = platform.child;
  const waitFor = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from the capture process`)), 10_000);
      const onMessage = (m: unknown) => {
        if (m !== null && typeof m === 'object' && (m as { type?: unknown }).type === type) {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
    });
  await sleep(1500); // let the jobs that run once at start-up finish
  return {
    platform,
    capture: async (http, req) => {
      const started = waitFor('capture-started');
      child.send({ type: 'capture-start' });
      await started;
      const at = Date.now();
      const response = await http.send(req);
      await sleep(50);
      const captured = waitFor<{ statements: CapturedStatement[] }>('captured');
      child.send({ type: 'capture-stop' });
      return { response, statements: (await captured).statements, at };
    },
    stop: async () => {
      await platform.stop();
    },
  };
}

const signature = (statements: readonly CapturedStatement[]) => statements.map((s) => s.text).join('\n;;\n');

/** The capture whose statement sequence is the most common of `runs`. */
export function majority<T extends { statements: CapturedStatement[] }>(runs: readonly T[]): T {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(signature(r.statements), (counts.get(signature(r.statements)) ?? 0) + 1);
  let best = runs[0]!;
  for (const r of runs) if (counts.get(signature(r.statements))! > counts.get(signature(best.statements))!) best = r;
  return best;
}

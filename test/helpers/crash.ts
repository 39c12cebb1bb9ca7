/**
 * The crash tests' world: a platform run as real processes over one database — a PostgreSQL database
 * of its own, or a PGlite data directory (the default back end) — that a test kills mid-flow
 * (INNKEEPER_FAULT_CRASH_AFTER=<point>: the process SIGKILLs itself there), restarts, and then reads
 * directly once no process holds it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { startCli, type StartedProcess } from './process.js';

const RECOVERY_AFTER_MS = 5_000;

export interface CrashWorld {
  readonly backend: 'pglite' | 'postgres';
  /** What a CLI command needs to reach this world's database: arguments (`--data-dir`) and environment (`DATABASE_URL`). */
  readonly cli: { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };
  /**
   * Starts the platform on this world's database. SAGA_RECOVERY_AFTER_MS=5000: a saga untouched for
   * 5 s is presumed dead (recovery settles it, a retry with its key takes it over), while a live one,
   * whose every step touches it, is left alone.
   */
  start(env?: Record<string, string>): Promise<StartedProcess>;
  /** Starts a process that kills itself at `point`. */
  startCrashing(point: string): Promise<StartedProcess>;
  /** Opens the database (a PGlite directory only while no process holds it); the caller closes it. */
  open(): Promise<Database>;
  /** Opens the database while no process holds it (a PGlite directory admits one process), and closes it after. */
  read<T>(fn: (database: Database) => Promise<T>): Promise<T>;
  /** Kills every process this world started that still runs (after a failed test, so the next starts clean). */
  killAll(): Promise<void>;
  dispose(): Promise<void>;
}

export async function crashWorld(backend: 'pglite' | 'postgres'): Promise<CrashWorld> {
  let args: string[] = [];
  let env: Record<string, string> = {};
  let open: () => Promise<Database>;
  let dispose: () => Promise<void>;
  if (backend === 'postgres') {
    const adminUrl = inject('postgresUrl');
    const name = `${inject('postgresTemplate').replace('innkeeper_tpl_', 'innkeeper_t_')}_crash_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    // Its own guest-data key file: a rotation in one world must not retire keys another still uses.
    const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'innkeeper-pii-'));
    env = { DATABASE_URL: url, PII_KEY_FILE: path.join(keyDir, 'pii-keys.json') };
    open = () => openDatabase({ kind: 'postgres', url, poolSize: 2 });
    dispose = async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      fs.rmSync(keyDir, { recursive: true, force: true });
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'innkeeper-crash-'));
    const dataDir = path.join(dir, 'data');
    args = ['--data-dir', dataDir];
    open = () => openDatabase({ kind: 'pglite', dataDir });
    dispose = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const started: StartedProcess[] = [];
  const track = async (proc: Promise<StartedProcess>) => {
    const p = await proc;
    started.push(p);
    return p;
  };
  return {
    backend,
    cli: { args, env },
    killAll: async () => {
      for (const p of started.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop('SIGKILL');
    },
    start: (extra = {}) => track(startCli(args, { ...env, SAGA_RECOVERY_AFTER_MS: String(RECOVERY_AFTER_MS), ...extra })),
    startCrashing: (point) =>
      track(startCli(args, { ...env, SAGA_RECOVERY_AFTER_MS: String(RECOVERY_AFTER_MS), INNKEEPER_FAULT_CRASH_AFTER: point })),
    open: () => open(),
    read: async (fn) => {
      const database = await open();
      try {
        return await fn(database);
      } finally {
        await database.close();
      }
    },
    dispose,
  };
}

export type Json = Record<string, unknown>;

/** One JSON call to a started process. */
export async function send(
  base: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

/** Sends a request the process dies in the middle of: the connection drops, there is no answer. */
export async function sendAndDie(proc: StartedProcess, method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  await expect(send(proc.url, method, url, body, headers)).rejects.toThrow();
  const died = await proc.stop('SIGKILL');
  expect(died.signal, `the process died at its crash point\n${proc.output()}`).toBe('SIGKILL');
}

/**
 * Retries a request as a client would after a dropped connection: the same request and key, again
 * while the platform answers that the first attempt is still being settled (409 in progress, 503) —
 * for up to a minute: a loaded machine (CI) took longer than 15 s to take over a dead request's saga.
 */
export async function retry(base: string, method: string, url: string, body: unknown, headers: Record<string, string>) {
  for (let i = 0; ; i++) {
    const res = await send(base, method, url, body, headers);
    const code = (res.body.error as Json | undefined)?.code;
    if (!(res.status === 503 || code === 'IDEMPOTENCY_IN_PROGRESS') || i >= 240) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until the started process has no saga running and no booking task left (recovery and sync ran). */
export async function settled(proc: StartedProcess, world: CrashWorld): Promise<void> {
  // The process holds a PGlite directory alone; stop it, and let a fresh start run every job once more
  // until the record shows nothing left, as an operator restarting it would.
  for (let round = 0; round < 5; round++) {
    await new Promise((r) => setTimeout(r, round === 0 ? 1_000 : RECOVERY_AFTER_MS));
    const stopped = await proc.stop();
    expect(stopped.code, proc.output()).toBe(0);
    const open = await world.read(async ({ db }) => {
      const sagas = await db
        .selectFrom('booking.saga')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'running')
        .executeTakeFirst();
      const tasks = await db
        .selectFrom('booking.task')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('done_at', 'is', null)
        .executeTakeFirst();
      return Number(sagas?.n ?? 0) + Number(tasks?.n ?? 0);
    });
    if (open === 0) return;
    proc = await world.start();
  }
  await proc.stop();
  throw new Error('sagas or booking tasks still open after five restarts');
}

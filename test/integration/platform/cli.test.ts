/**
 * The operator's view: the real CLI in a child process. Configuration errors exit 2 with one line;
 * SIGTERM drains and exits 0; the embedded data directory survives a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase } from '../../../src/platform/db/database.js';
import { runCli, startCli } from '../../helpers/process.js';

const backend = inject('backend');
const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'innkeeper-cli-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(backend === 'pglite')('innkeeper CLI on the embedded database', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer between 0 and 65535 (got "abc")'],
    [{ DATABASE_URL: 'nonsense' }, 'DATABASE_URL must be a postgres:// URL'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL must be one of'],
  ])('refuses bad configuration %j with one line and exit code 2', async (env, message) => {
    const result = await runCli(['start'], env);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('refuses an unknown command or option with exit code 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['start', '--colour'])).code).toBe(2);
    expect((await runCli(['start', '--services', 'spa'])).stderr).toContain('--services names an unknown service "spa"');
  });

  it('starts, drains on SIGTERM with exit 0, and finds the same data after a restart', async () => {
    const dataDir = path.join(tmpDir(), 'data');
    const first = await startCli(['--data-dir', dataDir]);
    expect((await fetch(`${first.url}/ready`)).status).toBe(200);
    const docs = (await (await fetch(`${first.url}/docs/json`)).json()) as { openapi: string };
    expect(docs.openapi).toMatch(/^3\./);
    const stopped = await first.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);

    // The data dir is whole: it opens, and what we write is there after the next start and stop.
    const db = await openDatabase({ kind: 'pglite', dataDir });
    await sql`insert into platform.dataset_load (name, loaded_at) values ('restart-marker', now())`.execute(db.db);
    await db.close();

    const second = await startCli(['--data-dir', dataDir]);
    expect((await fetch(`${second.url}/ready`)).status).toBe(200);
    expect((await second.stop('SIGINT')).code).toBe(0);

    const again = await openDatabase({ kind: 'pglite', dataDir });
    const { rows } = await sql<{ name: string }>`select name from platform.dataset_load`.execute(again.db);
    await again.close();
    expect(rows.map((r) => r.name)).toContain('restart-marker');
  });

  it('refuses a second process on the same data directory', async () => {
    const dataDir = path.join(tmpDir(), 'data');
    const first = await startCli(['--data-dir', dataDir]);
    const second = await runCli(['start', '--port', '0', '--data-dir', dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('is in use by process');
    expect((await first.stop()).code).toBe(0);
  });

  it('lists the scheduled jobs and runs one by hand with `innkeeper jobs`', async () => {
    const dataDir = path.join(tmpDir(), 'data');
    const list = await runCli(['jobs', 'list', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    for (const job of [
      'expire-holds',
      'expire-pending-bookings',
      'complete-stays',
      'sync-inventory',
      'recover-sagas',
      'extend-night-horizon',
    ]) {
      expect(list.stdout).toContain(job);
    }
    const run = await runCli(['jobs', 'run', 'expire-pending-bookings', '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('expire-pending-bookings: {"expired":0}');
    const unknown = await runCli(['jobs', 'run', 'tidy-up', '--data-dir', dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown job "tidy-up"');
  });

  it('migrates with `innkeeper migrate` and reports each schema', async () => {
    const dataDir = path.join(tmpDir(), 'data');
    const first = await runCli(['migrate', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/inventory: applied/);
    const second = await runCli(['migrate', '--data-dir', dataDir]);
    expect(second.stdout).toMatch(/inventory: up to date/);
  });

  it('audits with `innkeeper reconcile`: exit 0 when clean, 1 listing each problem, 2 when it cannot audit', async () => {
    const dataDir = path.join(tmpDir(), 'data');
    const unmigrated = await runCli(['reconcile', '--data-dir', dataDir]);
    expect(unmigrated.code).toBe(2);
    expect(unmigrated.stderr).toContain('run innkeeper migrate first');

    // rooms-2025 reserves its rooms directly (reserved_direct, logged as adjustments), no holds.
    expect((await runCli(['seed', '--dataset', 'rooms-2025', '--data-dir', dataDir])).code).toBe(0);
    const clean = await runCli(['reconcile', '--data-dir', dataDir]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/^reconcile: clean \(\d+ checks\)\n$/);

    const db = await openDatabase({ kind: 'pglite', dataDir });
    const { rows } = await sql<{ room_type_id: string; night: string }>`
      update inventory.room_night set reserved = reserved + 1
      where (room_type_id, night) = (select room_type_id, night from inventory.room_night where reserved < capacity order by 1, 2 limit 1)
      returning room_type_id, night`.execute(db.db);
    await db.close();
    const corrupted = rows[0]!;

    const found = await runCli(['reconcile', '--data-dir', dataDir]);
    expect(found.code).toBe(1);
    const lines = found.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`night-reserved\troom_type_id=${corrupted.room_type_id} night=${corrupted.night}\t`);
    expect(lines[1]).toMatch(/^reconcile: 1 problem \(\d+ checks\)$/);

    const json = await runCli(['reconcile', '--json', '--data-dir', dataDir]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      clean: false,
      problems: [{ check: 'night-reserved', ids: { room_type_id: corrupted.room_type_id, night: corrupted.night } }],
    });
    const skipped = await runCli(['reconcile', '--skip', 'night-reserved', '--data-dir', dataDir]);
    expect(skipped.code).toBe(0);
  }, 240_000);
});

describe.runIf(backend === 'postgres')('innkeeper CLI on PostgreSQL', () => {
  it('creates the schemas by migration in a new database and serves from it', async () => {
    const adminUrl = inject('postgresUrl');
    const name = `innkeeper_cli_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      const server = await startCli([], { DATABASE_URL: url.toString() });
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      expect((await server.stop()).code).toBe(0);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query<{ nspname: string }>(
        `select nspname from pg_namespace where nspname in ('platform', 'inventory') order by 1`,
      );
      await check.end();
      expect(rows.map((r) => r.nspname)).toEqual(['inventory', 'platform']);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('reconciles a PostgreSQL database named by DATABASE_URL', async () => {
    const adminUrl = inject('postgresUrl');
    const name = `innkeeper_cli_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      expect((await runCli(['migrate'], { DATABASE_URL: url.toString() })).code).toBe(0);
      const clean = await runCli(['reconcile'], { DATABASE_URL: url.toString() });
      expect(clean.code, clean.stderr).toBe(0);
      expect(clean.stdout).toContain('reconcile: clean');
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('exits 1 with one clear line when PostgreSQL cannot be reached', async () => {
    const result = await runCli(['start'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('cannot reach PostgreSQL');
  });
});

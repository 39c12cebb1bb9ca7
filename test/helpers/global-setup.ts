/**
 * Migrate once per back end, then every test file gets a clean copy: PGlite loads a dumped data
 * directory; PostgreSQL creates a database from a migrated template (CREATE DATABASE … TEMPLATE).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';
import { migrationSets } from '../../src/platform/server.js';
import { SERVICES } from '../../src/services/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: 'pglite' | 'postgres';
    pgliteTemplate: string;
    postgresUrl: string;
    postgresTemplate: string;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (project.name === 'unit') return undefined;
  const backend = project.name === 'postgres' ? 'postgres' : 'pglite';
  const modules = Object.values(SERVICES);
  project.provide('backend', backend);

  if (backend === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', memory: true });
    await migrateToLatest(database.db, migrationSets(modules));
    const blob = await database.dump!();
    await database.close();
    const file = path.join(os.tmpdir(), `innkeeper-template-${process.pid}-${Date.now()}.tar`);
    fs.writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
    project.provide('pgliteTemplate', file);
    project.provide('postgresUrl', '');
    project.provide('postgresTemplate', '');
    return async () => fs.rmSync(file, { force: true });
  }

  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const template = `innkeeper_tpl_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${template}`);
  const database = await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, template), poolSize: 2 });
  await migrateToLatest(database.db, migrationSets(modules));
  await database.close();
  project.provide('pgliteTemplate', '');
  project.provide('postgresUrl', adminUrl);
  project.provide('postgresTemplate', template);
  return async () => {
    const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [
      `${template.replace('innkeeper_tpl_', 'innkeeper_t_')}_%`,
    ]);
    for (const { datname } of leftovers.rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}

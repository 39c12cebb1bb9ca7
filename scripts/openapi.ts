/**
 * Writes the OpenAPI document of the all-in-one app (every service) to docs/openapi.json, so that a
 * change of contract shows in review and CI fails on a document that drifted from the code
 * (`.ci/run` regenerates it and runs `git diff --exit-code`). Nothing listens and nothing persists:
 * the app is built over an in-memory PGlite, migrated as at start-up, and closed.
 *
 * Keys are sorted at every level (arrays keep their order), so the file changes only when a contract
 * does, not when routes are registered in another order.
 *
 *   npm run openapi            # writes docs/openapi.json
 *   npm run openapi -- <path>  # writes elsewhere
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { ManualClock } from '../src/platform/clock.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { createAccess } from '../src/platform/auth/access.runtime.js';
import { buildApp } from '../src/platform/http/app.js';
import { Scheduler } from '../src/platform/jobs/scheduler.js';
import { generatedRing } from '../src/platform/pii/pii-keys.js';
import { PiiVault } from '../src/platform/pii/pii-vault.js';
import { migrationSets } from '../src/platform/server.js';
import { SERVICES } from '../src/services/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key]!)]),
  );
}

const target = resolve(import.meta.dirname, '..', process.argv[2] ?? 'docs/openapi.json');
const modules = Object.values(SERVICES);
const database = await openDatabase({ kind: 'pglite', memory: true });
try {
  await migrateToLatest(database.db, migrationSets(modules));
  const clock = new ManualClock();
  const app = await buildApp({
    services: modules,
    deps: {
      database,
      clock,
      scheduler: new Scheduler(database, clock),
      pii: new PiiVault(generatedRing()),
      idempotencyTtlMs: 24 * 3_600_000,
      serviceUrl: (name) => {
        throw new Error(`scripts/openapi.ts serves no request, yet service ${name} was called`);
      },
    },
    logger: pino({ level: 'silent' }),
    // Access control on, as a started platform has it: the document names the security schemes and each operation's roles.
    access: createAccess(database, clock, { enabled: true, external: undefined, tokenTtlSeconds: 3600, serviceToken: undefined }, true),
  });
  try {
    // A JSON round trip first: what the document is once served, without undefined or class instances.
    const document = JSON.parse(JSON.stringify(app.swagger())) as Json;
    writeFileSync(target, `${JSON.stringify(sortKeys(document), null, 2)}\n`);
    console.log(`openapi: wrote ${target}`);
  } finally {
    await app.close();
  }
} finally {
  await database.close();
}

/**
 * One suite, every back end: each test file runs once on PGlite and once on PostgreSQL (when
 * reachable, or always with INNKEEPER_REQUIRE_POSTGRES=1, where an unreachable server fails the run).
 */
import pg from 'pg';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const requirePostgres = process.env.INNKEEPER_REQUIRE_POSTGRES === '1';

async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const only = process.env.INNKEEPER_TEST_BACKENDS?.split(',').map((s) => s.trim());
  const backends: string[] = [];
  if (!only || only.includes('pglite')) backends.push('pglite');
  if (!only || only.includes('postgres')) {
    const problem = await reachable(postgresUrl);
    if (problem === undefined) backends.push('postgres');
    else if (requirePostgres) throw new Error(`INNKEEPER_REQUIRE_POSTGRES=1 but PostgreSQL at ${postgresUrl} is unreachable: ${problem}`);
    else console.warn(`[innkeeper tests] PostgreSQL at ${postgresUrl} is unreachable (${problem}): running on PGlite only`);
  }
  if (process.env.VITEST_WORKER_ID === undefined) console.log(`[innkeeper tests] back ends: ${backends.join(', ')}`);
  return {
    test: {
      globalSetup: ['test/helpers/global-setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // In CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
      reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/results/vitest.json' }]] : ['default'],
      projects: [
        // Pure logic runs once; everything that touches a database runs on every back end.
        { extends: true as const, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
        ...backends.map((backend) => ({
          extends: true as const,
          test: {
            name: backend,
            env: { INNKEEPER_TEST_BACKEND: backend, TEST_DATABASE_URL: postgresUrl },
            include: ['test/**/*.test.ts'],
            exclude: ['test/unit/**'],
          },
        })),
      ],
    },
  };
});

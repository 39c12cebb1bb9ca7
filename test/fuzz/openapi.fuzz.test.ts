/**
 * The OpenAPI fuzzer: for every operation of the document the app itself generates (a route added
 * tomorrow is fuzzed tomorrow), requests invalid by construction (requests.ts) must be answered with a
 * 4xx in the surface's own error shape — `{error:{code,message}}` under the canonical API, `{detail}`
 * on the compatibility surfaces — never a 5xx, never a hang, never a stack trace or SQL in the body,
 * and must change nothing: every table of every service schema is the same (row count and md5 of its
 * rows' text) before and after each operation's run. Against the demo data, so valid ids exist.
 *
 * Runs: FUZZ_RUNS requests per operation (default 1000 when CI=true, else 100), half under a fixed
 * seed and half under a random one (FUZZ_SEED fixes that one too); a failure prints both seeds and
 * the request fast-check shrank it to. Most requests carry an admin token (past access control, into
 * validation and the handlers); one in ten carries none.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/datasets/demo.js';
import { isCompatPath } from '../../src/platform/http/rate-limit.js';
import { adminHeaders } from '../helpers/booking-fixtures.js';
import { createTestContext } from '../helpers/context.js';
import { invalidRequests, operationsOf, type FuzzRequest, type Operation } from './requests.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.CI === 'true' ? 1000 : 100));
const FIXED_SEED = 13;
const RANDOM_SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const HANG_MS = 10_000;

const ctx = await createTestContext({ auth: true });
await ctx.listen();
await demoDataset.load(ctx.deps);
const admin = await adminHeaders(ctx);
afterAll(async () => ctx.close());

const document = JSON.parse(JSON.stringify(ctx.app.swagger())) as unknown;
const operations = operationsOf(document).filter((op) => `${op.method} ${op.path}`.includes(process.env.FUZZ_ONLY ?? ''));

/** Tables of every service schema (the migrations' bookkeeping included). */
const tables = (
  await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    order by 1, 2`.execute(ctx.database.db)
).rows;

/** Row count and md5 of the rows' text, per table. */
async function snapshot(): Promise<Record<string, string>> {
  const parts = tables.map(
    (t) =>
      `select '${t.schema}.${t.name}' as name, count(*)::text || ':' || coalesce(md5(string_agg(r::text, '|' order by r::text)), '') as digest from "${t.schema}"."${t.name}" r`,
  );
  const { rows } = await sql<{ name: string; digest: string }>`${sql.raw(parts.join(' union all '))}`.execute(ctx.database.db);
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

/** Known values for a path parameter of that name: up to 20 of each column so named, in any table. */
const pools = new Map<string, string[]>();
for (const name of new Set(operations.flatMap((op) => op.parameters.filter((p) => p.in === 'path').map((p) => p.name)))) {
  const columns = (
    await sql<{ schema: string; table: string }>`
      select table_schema as schema, table_name as table from information_schema.columns
      where column_name = ${name} and table_schema not in ('pg_catalog', 'information_schema')`.execute(ctx.database.db)
  ).rows;
  const values = new Set<string>();
  for (const c of columns) {
    const { rows } = await sql<{
      v: string;
    }>`select distinct ${sql.ref(name)}::text as v from ${sql.table(`${c.schema}.${c.table}`)} where ${sql.ref(name)} is not null limit 20`.execute(
      ctx.database.db,
    );
    rows.forEach((r) => values.add(r.v));
  }
  pools.set(name, [...values].sort());
}

const LEAKS = [
  /\n\s+at \S.*:\d+:\d+/, // a stack frame
  /violates \S+ constraint|duplicate key value|syntax error at or near|invalid input syntax for|relation "|SQLSTATE|_pkey\b|_fkey\b|_check\b/i,
];

function problemWith(request: FuzzRequest, status: number, body: string): string | undefined {
  if (status < 400 || status > 499) return `answered ${status}, not a 4xx`;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'answered a body that is not JSON';
  }
  if (isCompatPath(request.url)) {
    if (json === null || typeof json !== 'object' || !('detail' in json)) return 'a compatibility surface answered without {detail}';
  } else {
    const error = (json as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') return 'answered without {error:{code,message}}';
  }
  for (const leak of LEAKS) if (leak.test(body)) return `the body leaks internals (${String(leak)})`;
  return undefined;
}

async function send(request: FuzzRequest, anonymous: boolean): Promise<{ status: number; body: string }> {
  const headers = anonymous ? request.headers : { ...admin, ...request.headers };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms (a hang)`)), HANG_MS);
  });
  try {
    const res = await Promise.race([
      ctx.app.inject({ method: request.method as 'GET', url: request.url, headers, payload: request.payload }),
      hang,
    ]);
    return { status: res.statusCode, body: res.body };
  } finally {
    clearTimeout(timer);
  }
}

const causeOf = (err: unknown): string => {
  const cause = (err as Error).cause;
  return cause instanceof Error ? cause.message : '';
};

function describeRequest(r: FuzzRequest): string {
  const payload = r.payload === undefined ? '' : ` body ${String(r.payload).slice(0, 300)}${String(r.payload).length > 300 ? '…' : ''}`;
  return `[${r.kind}] ${r.method} ${r.url.slice(0, 300)} headers ${JSON.stringify(r.headers).slice(0, 300)}${payload}`;
}

function changes(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}

/**
 * One property run. With `eachRequest`, every request is checked for changes on its own (slower: two
 * snapshots a request), which is how a change seen over a whole run is traced to the request that made it.
 */
async function fuzz(op: Operation, seed: number, numRuns: number, eachRequest = false): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      invalidRequests(op, (name) => pools.get(name) ?? []),
      fc.nat(9),
      async (request, dice) => {
        const before = eachRequest ? await snapshot() : undefined;
        const res = await send(request, dice === 0);
        const problem = problemWith(request, res.status, res.body);
        if (process.env.FUZZ_DEBUG) console.log(res.status, describeRequest(request), res.body.slice(0, 200));
        const changed = before === undefined ? [] : changes(before, await snapshot());
        const why = problem ?? (changed.length > 0 ? `changed ${changed.join(', ')}` : undefined);
        if (why !== undefined)
          throw new Error(`${why}\n  request: ${describeRequest(request)}\n  answer: ${res.status} ${res.body.slice(0, 500)}`);
      },
    ),
    { seed, numRuns },
  );
}

describe(`fuzzing ${operations.length} operations, ${RUNS} requests each (seeds ${FIXED_SEED} and ${RANDOM_SEED})`, () => {
  it('covers every route the app declares', () => {
    if (process.env.FUZZ_ONLY === undefined) expect(operations.length).toBeGreaterThan(100);
    const routes = new Set(ctx.app.routeTable.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    for (const op of operations)
      expect(routes.has(`${op.method} ${op.path}`) || routes.has(`${op.method} ${op.path.replace(/\/$/, '')}`)).toBe(true);
  });

  it.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', async (_name, op) => {
    const before = await snapshot();
    let changed: string[] = [];
    try {
      await fuzz(op, FIXED_SEED, Math.ceil(RUNS / 2));
      await fuzz(op, RANDOM_SEED, Math.floor(RUNS / 2));
      changed = changes(before, await snapshot());
      if (changed.length > 0) {
        // Find the request that changed something, and shrink it: the run again, checking each request.
        await fuzz(op, FIXED_SEED, Math.ceil(RUNS / 2), true);
        await fuzz(op, RANDOM_SEED, Math.floor(RUNS / 2), true);
      }
    } catch (err) {
      throw new Error(
        `fuzzing ${op.method} ${op.path} failed (FUZZ_SEED=${RANDOM_SEED}; the fixed seed is ${FIXED_SEED}):\n${(err as Error).message}\n${causeOf(err)}`,
      );
    }
    if (process.env.FUZZ_DEBUG)
      for (const t of changed) console.log(t, (await sql.raw(`select r::text from ${t} r`).execute(ctx.database.db)).rows);
    expect(changed, `${op.method} ${op.path}: refused requests changed tables, no single one of them (FUZZ_SEED=${RANDOM_SEED})`).toEqual(
      [],
    );
  });
});

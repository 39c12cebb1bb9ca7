/**
 * The one data layer: Kysely over PGlite (embedded PostgreSQL in WebAssembly) when no DATABASE_URL is
 * given, over node-postgres when one is. Both return the same JavaScript types for the same SQL:
 * DATE as 'YYYY-MM-DD' strings, BIGINT/COUNT as numbers, TIMESTAMPTZ as Date.
 *
 * PGlite serves one connection. The dialect serialises connection use, so transactions queue and
 * never interleave; every query outside a transaction waits its turn too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';

export type BackendKind = 'pglite' | 'postgres';

/** Service code narrows this to its own tables at its boundary (see each service's `*.tables.ts`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDB = Kysely<any>;

export interface Database {
  readonly kind: BackendKind;
  readonly db: AnyDB;
  /** Where the embedded data lives (undefined for PostgreSQL and in-memory PGlite). */
  readonly dataDir: string | undefined;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a tarball (tests load it as a migrated template). */
  dump?: () => Promise<Blob>;
}

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number }
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'pglite'; readonly memory: true; readonly loadDataDir?: Blob };

const PG_OID = { INT8: 20, DATE: 1082, NUMERIC: 1700 } as const;

const asNumber = (value: string): number => Number(value);
const asIs = (value: string): string => value;

export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url, target.poolSize ?? 20) : openPglite(target);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === PG_OID.INT8) return asNumber;
        if (oid === PG_OID.DATE) return asIs;
        return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const database: Database = {
    kind: 'postgres',
    db,
    dataDir: undefined,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
  try {
    await database.ping();
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL: ${(err as Error).message}`, { cause: err });
  }
  return database;
}

async function openPglite(target: Extract<DatabaseTarget, { kind: 'pglite' }>): Promise<Database> {
  const dataDir = 'dataDir' in target ? path.resolve(target.dataDir) : undefined;
  const releaseLock = dataDir === undefined ? () => undefined : lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...('loadDataDir' in target && target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
      extensions: { btree_gist },
      parsers: {
        [pgliteTypes.INT8]: asNumber,
        [pgliteTypes.DATE]: asIs,
        [PG_OID.NUMERIC]: asIs,
      },
    });
  } catch (err) {
    releaseLock();
    throw new DatabaseUnavailableError(`cannot open the embedded database${dataDir ? ` in ${dataDir}` : ''}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const db = new Kysely({ dialect: new PGliteDialect(client) });
  let closed = false;
  return {
    kind: 'pglite',
    db,
    dataDir,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        // Destroying the Kysely instance waits for queued work, then closes PGlite, which checkpoints the data dir.
        await db.destroy();
      } finally {
        releaseLock();
      }
    },
    dump: async () => {
      const file = await client.dumpDataDir('none');
      return file;
    },
  };
}

/**
 * Two processes writing one PGlite data directory would corrupt it. A pid file, created exclusively,
 * refuses a second opener while the first is alive and is taken over when its owner is gone.
 */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseUnavailableError(`the data directory ${dataDir} is in use by process ${owner}`);
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new DatabaseUnavailableError(`cannot lock the data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

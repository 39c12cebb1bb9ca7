/**
 * Each service owns one PostgreSQL schema and its own dated, forward-only migrations, tracked in a
 * migration table inside that schema. All schemas are migrated under one advisory lock so that several
 * processes starting together against one PostgreSQL never race each other.
 */
import { Migrator, sql, type Migration } from 'kysely';
import type { AnyDB } from './database.js';

export interface SchemaMigrations {
  /** The PostgreSQL schema the migrations create and own. */
  readonly schema: string;
  /** Keyed by a sortable dated name, e.g. `2026_11_25_120000_create_room_types`. */
  readonly migrations: Readonly<Record<string, Migration>>;
}

export interface MigrationReport {
  readonly schema: string;
  readonly applied: readonly string[];
}

export class MigrationError extends Error {
  constructor(schema: string, migration: string | undefined, cause: unknown) {
    super(`migration ${migration ?? '(unknown)'} of schema ${schema} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

const MIGRATION_LOCK_KEY = 7_123_110_401; // arbitrary, stable: "innkeeper migrate"

export async function migrateToLatest(db: AnyDB, sets: readonly SchemaMigrations[]): Promise<MigrationReport[]> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      const reports: MigrationReport[] = [];
      for (const set of sets) {
        await sql`create schema if not exists ${sql.id(set.schema)}`.execute(conn);
        const migrator = new Migrator({
          db: conn,
          provider: { getMigrations: () => Promise.resolve({ ...set.migrations }) },
          migrationTableSchema: set.schema,
        });
        const { error, results } = await migrator.migrateToLatest();
        if (error !== undefined) {
          const failed = results?.find((r) => r.status === 'Error');
          throw new MigrationError(set.schema, failed?.migrationName, error);
        }
        reports.push({ schema: set.schema, applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) });
      }
      return reports;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

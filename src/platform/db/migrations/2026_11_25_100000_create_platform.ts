import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.dataset_load (
      name text not null,
      loaded_at timestamptz not null,
      primary key (name, loaded_at)
    )`.execute(db);
}

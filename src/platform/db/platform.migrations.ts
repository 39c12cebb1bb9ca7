import type { SchemaMigrations } from './migrator.js';
import * as createPlatform from './migrations/2026_11_25_100000_create_platform.js';

/** The platform's own schema: which data sets were loaded, job bookkeeping. */
export const platformMigrations: SchemaMigrations = {
  schema: 'platform',
  migrations: {
    '2026_11_25_100000_create_platform': createPlatform,
  },
};

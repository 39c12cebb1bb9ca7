import type { SchemaMigrations } from './migrator.js';
import * as createPlatform from './migrations/2026_11_25_100000_create_platform.js';
import * as access from './migrations/2026_12_07_150000_access.js';
import * as audit from './migrations/2026_12_08_110000_audit.js';

/** The platform's own schema: which data sets were loaded, job bookkeeping, and access (signing keys, staff accounts, API keys), the audit trail. */
export const platformMigrations: SchemaMigrations = {
  schema: 'platform',
  migrations: {
    '2026_11_25_100000_create_platform': createPlatform,
    '2026_12_07_150000_access': access,
    '2026_12_08_110000_audit': audit,
  },
};

/** Puts access control together for a process: where the signing keys live, the token service, the hook's options. */
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { AccessOptions } from './access.plugin.js';
import type { AuthConfig } from './auth.config.js';
import type { AuthDB } from './auth.tables.js';
import { databaseKeyStore, fileKeyStore, type SigningKeyStore } from './signing-keys.repository.js';
import { TokenService } from './tokens.js';

/** The key file of an embedded data directory: beside it, `<dir>.keys.json`. */
export function keyFileOf(dataDir: string): string {
  return `${dataDir.replace(/[/\\]+$/, '')}.keys.json`;
}

export function keyStoreFor(database: Database): SigningKeyStore {
  if (database.kind === 'postgres') return databaseKeyStore(database.db as AuthDB);
  return fileKeyStore(database.dataDir === undefined ? undefined : keyFileOf(database.dataDir));
}

export function createAccess(database: Database, clock: Clock, config: AuthConfig, publicEntry: boolean): AccessOptions {
  return { tokens: new TokenService(keyStoreFor(database), clock, config), db: database.db as AuthDB, publicEntry };
}

/**
 * The PII key ring of a process, from wherever this deployment keeps it (pii-keys.ts): `PII_KEYS`
 * and `PII_INDEX_KEY`; else a key file beside the embedded data directory; else, for an in-memory
 * database, keys made for the process; else (PostgreSQL without `PII_KEYS`) the file `PII_KEY_FILE`
 * (default `.innkeeper/pii-keys.json`), with a warning: every replica must then be given that file,
 * which is what `PII_KEYS` from a secret does better.
 */
import path from 'node:path';
import { ConfigError } from '../config.js';
import type { Database } from '../db/database.js';
import { loadPiiKeyRing, PiiKeyError, piiKeyFileOf } from './pii-keys.js';
import { PiiVault } from './pii-vault.js';

export interface PiiRuntime {
  readonly vault: PiiVault;
  /** Where the keys came from, for the start banner and `innkeeper keys status`. */
  readonly source: string;
  /** Set when the source is not fit for more than one machine. */
  readonly warning?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_POSTGRES_PII_KEY_FILE = '.innkeeper/pii-keys.json';

/** The key file this process uses (undefined: keys from the environment, or made for an in-memory database). */
export function piiKeyFileFor(database: Pick<Database, 'kind' | 'dataDir'>, env: Env = process.env): string | undefined {
  if ((env.PII_KEYS?.trim() ?? '') !== '') return undefined;
  if (env.PII_KEY_FILE !== undefined && env.PII_KEY_FILE.trim() !== '') return path.resolve(env.PII_KEY_FILE.trim());
  if (database.dataDir !== undefined) return piiKeyFileOf(database.dataDir);
  return database.kind === 'postgres' ? path.resolve(DEFAULT_POSTGRES_PII_KEY_FILE) : undefined;
}

export function piiRuntimeFor(database: Pick<Database, 'kind' | 'dataDir'>, env: Env = process.env): PiiRuntime {
  const file = piiKeyFileFor(database, env);
  try {
    const ring = loadPiiKeyRing(env, file);
    if ((env.PII_KEYS?.trim() ?? '') !== '') return { vault: new PiiVault(ring), source: 'PII_KEYS' };
    if (file === undefined) return { vault: new PiiVault(ring), source: 'made for this in-memory database' };
    const vault = new PiiVault(ring, () => loadPiiKeyRing(env, file));
    if (database.kind === 'postgres') {
      return {
        vault,
        source: file,
        warning: `guest data keys come from the local file ${file}: set PII_KEYS (and PII_INDEX_KEY) from a secret when more than one machine serves`,
      };
    }
    return { vault, source: file };
  } catch (err) {
    if (err instanceof PiiKeyError) throw new ConfigError(env.PII_KEYS ? 'PII_KEYS' : 'PII_KEY_FILE', `is not usable: ${err.message}`);
    throw err;
  }
}

/**
 * The guest-data key commands of the CLI:
 *
 *   innkeeper keys status      which keys the stored guest data names, and how many values each
 *   innkeeper keys rotate-pii [--batch N]  a new key first (key file), every value resealed under it, unused keys retired
 *
 * With a key file (the embedded default, or PII_KEY_FILE), `rotate-pii` adds the key itself — unless a
 * rotation is already under way (values left under another key), which it then resumes: killed half
 * way and run again, it finishes the same rotation. With PII_KEYS the keys are the operator's: put the
 * new key first (the old one after it) on every replica, then run `rotate-pii` to move the values;
 * it says which keys nothing uses any more. On PGlite the server must be stopped (it owns the data
 * directory); on PostgreSQL the platform keeps serving while the values move, batch by batch.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { readKeyFileState, withNewCurrentKey, withoutKeys, writeKeyFile } from './platform/pii/pii-keys.js';
import { piiKeyFileFor, piiRuntimeFor } from './platform/pii/pii.runtime.js';
import { PiiVault, RELOAD_BEFORE_SEALING_MS } from './platform/pii/pii-vault.js';
import { databaseTarget, migrationSets } from './platform/server.js';
import type { BookingDb } from './services/booking/booking.tables.js';
import { guestDataKeyUse, type KeyUse } from './services/booking/guest-data.repository.js';
import { DEFAULT_RESEAL_BATCH, resealGuestData, type ResealProgress } from './services/booking/guest-data.rotation.js';
import { serviceModules } from './services/index.js';
import { resealWebhookSecrets, webhookSecretKeyUse } from './services/webhooks/webhook.rotation.js';
import type { WebhookDb } from './services/webhooks/webhook.tables.js';

export class PiiUsageError extends Error {}

/** Twice the interval at which a running process reads its key file again before sealing. */
const KEY_FILE_SETTLE_MS = 2 * RELOAD_BEFORE_SEALING_MS;

const options = { 'data-dir': { type: 'string' }, memory: { type: 'boolean' } } as const;

async function withBookingDatabase<T>(config: Config, run: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(databaseTarget(config));
  try {
    await migrateToLatest(database.db, migrationSets(serviceModules(['booking', 'webhooks'])));
    return await run(database);
  } finally {
    await database.close();
  }
}

/** Where sealed values live, by key: the booking schema's guest data and the webhook endpoints' secrets. */
type SealedUse = Pick<KeyUse, 'keyId' | 'values'> & { readonly place: string };

async function sealedKeyUse(database: Database): Promise<SealedUse[]> {
  const webhooks = await webhookSecretKeyUse(database.db as WebhookDb);
  return [...(await guestDataKeyUse(database.db as BookingDb)), ...webhooks.map((u) => ({ place: 'webhook.endpoint', ...u }))];
}

function usesByKey(uses: readonly SealedUse[]): Map<string, number> {
  const byKey = new Map<string, number>();
  for (const u of uses) byKey.set(u.keyId, (byKey.get(u.keyId) ?? 0) + u.values);
  return byKey;
}

function describeUse(uses: readonly SealedUse[]): string[] {
  if (uses.length === 0) return ['  no guest data stored'];
  return uses.map(
    (u) => `  ${u.place.padEnd(24)} ${(u.keyId === 'plain' ? 'not sealed' : `key ${u.keyId}`).padEnd(14)} ${u.values} values`,
  );
}

export async function commandPiiStatus(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseArgs({ args: argv, options, strict: true });
  const config = loadConfig(process.env, { dataDir: values['data-dir'], memory: values.memory });
  await withBookingDatabase(config, async (database) => {
    const runtime = piiRuntimeFor(database);
    const uses = await sealedKeyUse(database);
    const byKey = usesByKey(uses);
    out(`guest data keys from ${runtime.source}${runtime.warning === undefined ? '' : ` (warning: ${runtime.warning})`}`);
    for (const id of runtime.vault.ring.keys.keys()) {
      const current = id === runtime.vault.ring.current.id ? ' (current: seals new values)' : '';
      out(`  key ${id}${current}: ${byKey.get(id) ?? 0} values`);
    }
    for (const [id, n] of byKey)
      if (id !== 'plain' && !runtime.vault.ring.keys.has(id)) out(`  key ${id}: ${n} values, and this process does not hold it`);
    out('by place:');
    for (const line of describeUse(uses)) out(line);
  });
}

function progressBar(write: (s: string) => void, tty: boolean): (p: ResealProgress) => void {
  let lastPlace = '';
  let lastAt = 0;
  return (p) => {
    const now = Date.now();
    if (p.place === lastPlace && now - lastAt < (tty ? 100 : 2_000)) return;
    lastPlace = p.place;
    lastAt = now;
    const line = `rotate-pii: ${p.place.padEnd(24)} scanned ${p.scanned}, resealed ${p.resealed}`;
    write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
}

export async function commandRotatePii(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { ...options, batch: { type: 'string' } }, strict: true });
  const batch = values.batch === undefined ? DEFAULT_RESEAL_BATCH : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new PiiUsageError('--batch must be an integer from 1 to 10000');
  const config = loadConfig(process.env, { dataDir: values['data-dir'], memory: values.memory });
  await withBookingDatabase(config, async (database) => {
    const db = database.db as BookingDb;
    const runtime = piiRuntimeFor(database);
    const file = piiKeyFileFor(database);
    let ring = runtime.vault.ring;
    let rotatingSince = file !== undefined && existsSync(file) ? readKeyFileState(file).rotatingSince : undefined;
    const before = usesByKey(await sealedKeyUse(database));
    const behind = [...before].filter(([id, n]) => id !== ring.current.id && n > 0);
    if (behind.length > 0 || rotatingSince !== undefined) {
      const what =
        behind.map(([id, n]) => `${n} values under ${id === 'plain' ? 'no key' : `key ${id}`}`).join(', ') || 'nothing left to move';
      out(`rotate-pii: resuming — ${what}; moving them to key ${ring.current.id}`);
    } else if (file !== undefined) {
      ring = withNewCurrentKey(ring);
      rotatingSince = new Date();
      writeKeyFile(file, ring, rotatingSince);
      out(`rotate-pii: new key ${ring.current.id} written first in ${file}; moving every value to it`);
    } else if (process.env.PII_KEYS !== undefined && process.env.PII_KEYS.trim() !== '') {
      out(
        `rotate-pii: every value is under key ${ring.current.id}, the first of PII_KEYS: to rotate, put a new key first in PII_KEYS (keep this one after it) on every replica, then run this again`,
      );
      return;
    } else {
      throw new PiiUsageError('an in-memory database keeps its keys for one process only; name --data-dir');
    }
    const vault = new PiiVault(ring);
    const tty = process.stderr.isTTY === true;
    const results = await resealGuestData(
      db,
      vault,
      progressBar((s) => process.stderr.write(s), tty),
      batch,
    );
    if (tty) process.stderr.write('\n');
    for (const r of results) out(`rotate-pii: ${r.place}: ${r.resealed} of ${r.scanned} rows resealed`);
    const secrets = await resealWebhookSecrets(database.db as WebhookDb, vault);
    out(`rotate-pii: webhook.endpoint: ${secrets.resealed} of ${secrets.scanned} rows resealed`);
    // A running process reads the key file again before sealing every few seconds (PiiVault): until
    // then it may still seal under the old key, so the old key is counted — and retired — only after.
    if (rotatingSince !== undefined) {
      const wait = rotatingSince.getTime() + KEY_FILE_SETTLE_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const after = usesByKey(await sealedKeyUse(database));
    const unused = new Set([...ring.keys.keys()].filter((id) => id !== ring.current.id && (after.get(id) ?? 0) === 0));
    const left = [...after].filter(([id, n]) => id !== ring.current.id && n > 0);
    if (left.length > 0) {
      out(
        `rotate-pii: ${left.map(([id, n]) => `${n} values still under ${id === 'plain' ? 'no key' : `key ${id}`}`).join(', ')} (written meanwhile): run it again`,
      );
      return;
    }
    if (file !== undefined) {
      writeKeyFile(file, withoutKeys(ring, unused));
      out(
        `rotate-pii: done; every value is under key ${ring.current.id}${unused.size === 0 ? '' : `; retired ${[...unused].join(', ')} (nothing uses them)`}`,
      );
    } else {
      out(
        `rotate-pii: done; every value is under key ${ring.current.id}${unused.size === 0 ? '' : `; nothing uses ${[...unused].join(', ')} any more: remove them from PII_KEYS`}`,
      );
    }
  });
}

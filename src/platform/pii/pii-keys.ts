/**
 * The keys that protect guest data at rest: a ring of AES-256 keys (the first encrypts, every one
 * decrypts what it encrypted) and one separate HMAC key for the blind index.
 *
 * Where they come from:
 * - `PII_KEYS=id:base64,id:base64,…` — the first key encrypts; the others are kept to decrypt values
 *   written under them until `innkeeper keys rotate-pii` has moved every value to the first.
 *   `PII_INDEX_KEY=base64` is the blind-index key (it never rotates with the encryption keys: an index
 *   under a new key would find nothing written before it).
 * - Otherwise, on the embedded default, a key file beside the data directory (`<dir>.pii-keys.json`,
 *   mode 0600), made on first start. PGlite owns the data directory itself, so the file sits beside it
 *   like the token signing keys' file; copying or deleting the data means copying or deleting both.
 * - An in-memory database gets keys made for the process and forgotten with it.
 *
 * Keys are 32 random bytes; a key given in any other length is refused at start, not at first use.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PiiKey {
  /** Short identifier stored with every ciphertext (letters, digits, `_`, `-`). */
  readonly id: string;
  readonly secret: Buffer;
}

export interface PiiKeyRing {
  /** The key new values are encrypted under. */
  readonly current: PiiKey;
  /** Every key a stored value may name, the current one included. */
  readonly keys: ReadonlyMap<string, PiiKey>;
  /** The blind index's HMAC key: separate from every encryption key. */
  readonly indexKey: Buffer;
}

export class PiiKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PiiKeyError';
  }
}

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

function decodeSecret(b64: string, what: string): Buffer {
  const text = b64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new PiiKeyError(`${what} is not base64`);
  const secret = Buffer.from(text, 'base64');
  if (secret.length !== KEY_BYTES) throw new PiiKeyError(`${what} must be ${KEY_BYTES} bytes, not ${secret.length}`);
  return secret;
}

function ringOf(keys: readonly PiiKey[], indexKey: Buffer): PiiKeyRing {
  const first = keys[0];
  if (first === undefined) throw new PiiKeyError('PII_KEYS names no key');
  const byId = new Map<string, PiiKey>();
  for (const key of keys) {
    if (byId.has(key.id)) throw new PiiKeyError(`PII key id ${key.id} is given twice`);
    byId.set(key.id, key);
  }
  return { current: first, keys: byId, indexKey };
}

/** Parses `PII_KEYS` (`id:base64,…`, first encrypts) and `PII_INDEX_KEY` (base64). */
export function parsePiiKeys(keysText: string, indexKeyText: string): PiiKeyRing {
  const keys = keysText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part): PiiKey => {
      const colon = part.indexOf(':');
      const id = colon < 0 ? '' : part.slice(0, colon);
      if (!KEY_ID.test(id))
        throw new PiiKeyError(`PII_KEYS entry "${id || part.slice(0, 8)}…" needs an id: id:base64 (id of letters, digits, _ or -)`);
      return { id, secret: decodeSecret(part.slice(colon + 1), `PII key ${id}`) };
    });
  return ringOf(keys, decodeSecret(indexKeyText, 'PII_INDEX_KEY'));
}

/** What the key file holds (secrets base64); written 0600. */
interface KeyFileContent {
  readonly keys: readonly { readonly id: string; readonly secret: string }[];
  readonly index_key: string;
  /** When `innkeeper keys rotate-pii` put the first key first; removed when every value is under it. */
  readonly rotation_started_at?: string;
}

/** `k<n>` one above the highest in use, so an id is never given to a second key (old backups name the first). */
export function newKeyId(existing: Iterable<string>): string {
  let highest = 0;
  for (const id of existing) {
    const m = /^k(\d+)$/.exec(id);
    if (m !== null) highest = Math.max(highest, Number(m[1]));
  }
  return `k${highest + 1}`;
}

export function generatedRing(): PiiKeyRing {
  return ringOf([{ id: 'k1', secret: randomBytes(KEY_BYTES) }], randomBytes(KEY_BYTES));
}

function contentOf(ring: PiiKeyRing, rotatingSince: Date | undefined): KeyFileContent {
  const others = [...ring.keys.values()].filter((k) => k.id !== ring.current.id);
  return {
    keys: [ring.current, ...others].map((k) => ({ id: k.id, secret: k.secret.toString('base64') })),
    index_key: ring.indexKey.toString('base64'),
    ...(rotatingSince === undefined ? {} : { rotation_started_at: rotatingSince.toISOString() }),
  };
}

export function writeKeyFile(file: string, ring: PiiKeyRing, rotatingSince?: Date): void {
  writeFileSync(file, `${JSON.stringify(contentOf(ring, rotatingSince), null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode on write
}

export function readKeyFile(file: string): PiiKeyRing {
  return readKeyFileState(file).ring;
}

/** The ring of a key file, and since when a rotation is under way (undefined: none). */
export function readKeyFileState(file: string): { ring: PiiKeyRing; rotatingSince: Date | undefined } {
  let content: KeyFileContent;
  try {
    content = JSON.parse(readFileSync(file, 'utf8')) as KeyFileContent;
  } catch (err) {
    throw new PiiKeyError(`the PII key file ${file} cannot be read: ${(err as Error).message}`);
  }
  if (!Array.isArray(content.keys) || typeof content.index_key !== 'string') {
    throw new PiiKeyError(`the PII key file ${file} is not a key file`);
  }
  const keys = (content.keys as readonly { id?: unknown; secret?: unknown }[]).map((k): PiiKey => {
    const id = k.id;
    if (typeof id !== 'string' || !KEY_ID.test(id)) throw new PiiKeyError(`the PII key file ${file} names a key without a valid id`);
    return { id, secret: decodeSecret(String(k.secret), `PII key ${id}`) };
  });
  return {
    ring: ringOf(keys, decodeSecret(content.index_key, 'the index key')),
    rotatingSince: typeof content.rotation_started_at === 'string' ? new Date(content.rotation_started_at) : undefined,
  };
}

/** The key file of an embedded data directory: beside it, `<dir>.pii-keys.json`. */
export function piiKeyFileOf(dataDir: string): string {
  return `${dataDir.replace(/[/\\]+$/, '')}.pii-keys.json`;
}

export interface PiiKeySource {
  readonly PII_KEYS?: string | undefined;
  readonly PII_INDEX_KEY?: string | undefined;
}

/**
 * The process's ring: from the environment when `PII_KEYS` is set (then `PII_INDEX_KEY` must be too),
 * else from the key file (made on first start), else made for this process (in-memory database only:
 * `keyFile` undefined).
 */
export function loadPiiKeyRing(env: PiiKeySource, keyFile: string | undefined): PiiKeyRing {
  const keysText = env.PII_KEYS?.trim() ?? '';
  if (keysText !== '') {
    const indexText = env.PII_INDEX_KEY?.trim() ?? '';
    if (indexText === '') throw new PiiKeyError('PII_KEYS is set without PII_INDEX_KEY (the blind index needs its own key)');
    return parsePiiKeys(keysText, indexText);
  }
  if (keyFile === undefined) return generatedRing();
  if (existsSync(keyFile)) return readKeyFile(keyFile);
  createKeyFileOnce(keyFile, generatedRing());
  return readKeyFile(keyFile);
}

/**
 * Writes a new key file unless one appeared meanwhile: written under a temporary name, then linked
 * into place (a link never replaces an existing file), so processes starting together end up with
 * one set of keys — whichever came first — and never seal values under keys another one overwrote.
 */
function createKeyFileOnce(keyFile: string, ring: PiiKeyRing): void {
  mkdirSync(path.dirname(keyFile), { recursive: true });
  const temporary = `${keyFile}.${process.pid}.${Date.now()}.tmp`;
  writeKeyFile(temporary, ring);
  try {
    linkSync(temporary, keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temporary);
  }
}

/** The ring with a new key in front (it encrypts from now on); the others stay to decrypt. */
export function withNewCurrentKey(ring: PiiKeyRing): PiiKeyRing {
  const key: PiiKey = { id: newKeyId(ring.keys.keys()), secret: randomBytes(KEY_BYTES) };
  return ringOf([key, ...ring.keys.values()], ring.indexKey);
}

/** The ring without the keys no stored value names any more (the current key always stays). */
export function withoutKeys(ring: PiiKeyRing, retired: ReadonlySet<string>): PiiKeyRing {
  return ringOf(
    [...ring.keys.values()].filter((k) => k.id === ring.current.id || !retired.has(k.id)),
    ring.indexKey,
  );
}

/**
 * The local issuer's Ed25519 keys. On PostgreSQL they live in the platform schema, so that every
 * replica of a deployment signs and verifies with the same keys: exactly one key is active (a partial
 * unique index); a rotation retires it and creates the next in one transaction. On the embedded back
 * end (one process) they live in a file beside the data directory, so that `innkeeper token` can sign
 * while the server holds the database. Retired keys verify until their last token expires.
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuthDB, SigningKeyRow } from './auth.tables.js';

export interface SigningKeyStore {
  /** The active key, created on first use. */
  active(now: Date): Promise<SigningKey>;
  /** Keys that may still verify a token: the active one and those retired less than `maxTokenTtlMs` ago. */
  verification(now: Date, maxTokenTtlMs: number): Promise<SigningKey[]>;
  /** Retires the active key and creates the next. */
  rotate(now: Date): Promise<{ active: SigningKey; retired: string | undefined }>;
}

export function databaseKeyStore(db: AuthDB): SigningKeyStore {
  return {
    active: (now) => activeSigningKey(db, now),
    verification: (now, ttl) => verificationKeys(db, now, ttl),
    rotate: (now) => rotateSigningKey(db, now),
  };
}

interface KeyFile {
  keys: { kid: string; public_jwk: JWK; private_jwk: JWK; created_at: string; retired_at: string | null }[];
}

/** Keys in a JSON file (mode 0600), replaced atomically; `undefined` path: in memory only. */
export function fileKeyStore(file: string | undefined): SigningKeyStore {
  let memory: KeyFile = { keys: [] };
  const read = (): KeyFile => {
    if (file === undefined) return memory;
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { keys: [] };
      throw err;
    }
  };
  const write = (content: KeyFile): void => {
    if (file === undefined) {
      memory = content;
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, file);
  };
  const toKeyOf = (k: KeyFile['keys'][number]): SigningKey => ({
    kid: k.kid,
    publicJwk: k.public_jwk,
    privateJwk: k.private_jwk,
    createdAt: new Date(k.created_at),
    retiredAt: k.retired_at === null ? null : new Date(k.retired_at),
  });
  const add = async (content: KeyFile, now: Date): Promise<SigningKey> => {
    const row = await newKeyRow(now);
    const entry = {
      kid: row.kid,
      public_jwk: row.public_jwk as JWK,
      private_jwk: row.private_jwk as JWK,
      created_at: now.toISOString(),
      retired_at: null,
    };
    content.keys.push(entry);
    return toKeyOf(entry);
  };
  return {
    async active(now) {
      const content = read();
      const live = content.keys.find((k) => k.retired_at === null);
      if (live !== undefined) return toKeyOf(live);
      const key = await add(content, now);
      write(content);
      return key;
    },
    async verification(now, ttl) {
      const since = now.getTime() - ttl;
      return read()
        .keys.filter((k) => k.retired_at === null || new Date(k.retired_at).getTime() > since)
        .map(toKeyOf)
        .reverse();
    },
    async rotate(now) {
      const content = read();
      const live = content.keys.find((k) => k.retired_at === null);
      if (live !== undefined) live.retired_at = now.toISOString();
      const key = await add(content, now);
      write(content);
      return { active: key, retired: live?.kid };
    },
  };
}

export interface SigningKey {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
}

function toKey(row: SigningKeyRow): SigningKey {
  return {
    kid: row.kid,
    publicJwk: row.public_jwk,
    privateJwk: row.private_jwk,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  };
}

async function newKeyRow(now: Date): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
  return { kid, alg: 'EdDSA', public_jwk: publicJwk, private_jwk: privateJwk, created_at: now, retired_at: null };
}

/** The active key, created on first use (two replicas starting at once agree on one). */
export async function activeSigningKey(db: AuthDB, now: Date): Promise<SigningKey> {
  const existing = await db.selectFrom('platform.signing_key').selectAll().where('retired_at', 'is', null).executeTakeFirst();
  if (existing !== undefined) return toKey(existing);
  const row = await newKeyRow(now);
  await db
    .insertInto('platform.signing_key')
    .values({ ...row, public_jwk: JSON.stringify(row.public_jwk), private_jwk: JSON.stringify(row.private_jwk) } as never)
    .onConflict((oc) => oc.doNothing())
    .execute();
  const active = await db.selectFrom('platform.signing_key').selectAll().where('retired_at', 'is', null).executeTakeFirstOrThrow();
  return toKey(active);
}

/** Keys that may still verify a token: the active one and those retired less than `maxTokenTtlMs` ago. */
export async function verificationKeys(db: AuthDB, now: Date, maxTokenTtlMs: number): Promise<SigningKey[]> {
  const since = new Date(now.getTime() - maxTokenTtlMs);
  const rows = await db
    .selectFrom('platform.signing_key')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', since)]))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toKey);
}

/** Retires the active key and creates the next; returns the new key and the retired one's id. */
export async function rotateSigningKey(db: AuthDB, now: Date): Promise<{ active: SigningKey; retired: string | undefined }> {
  const row = await newKeyRow(now);
  return db.transaction().execute(async (trx) => {
    const retired = await trx
      .updateTable('platform.signing_key')
      .set({ retired_at: now })
      .where('retired_at', 'is', null)
      .returning('kid')
      .executeTakeFirst();
    await trx
      .insertInto('platform.signing_key')
      .values({ ...row, public_jwk: JSON.stringify(row.public_jwk), private_jwk: JSON.stringify(row.private_jwk) } as never)
      .execute();
    return { active: toKey(row), retired: retired?.kid };
  });
}

/**
 * Guest data inside stored JSON (an idempotency key's stored answer, a saga's recorded data): every
 * string under one of the named fields, at any depth, is sealed before it is stored and opened when
 * it is read back. Values already sealed are left as they are; values stored before sealing existed
 * (plain text) are read as they are until `innkeeper keys rotate-pii` seals them.
 */
import { isSealed, keyIdOf } from './pii-cipher.js';
import type { PiiVault } from './pii-vault.js';

/** What a store does to a JSON body on its way to the table and back. */
export interface JsonProtection {
  seal(body: unknown): unknown;
  open(body: unknown): unknown;
}

/** The JSON with every string under one of `fields`, at any depth, replaced by `onField`'s answer. */
export function mapJsonFields(value: unknown, fields: ReadonlySet<string>, onField: (field: string, text: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapJsonFields(v, fields, onField));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = typeof v === 'string' && fields.has(key) ? onField(key, v) : mapJsonFields(v, fields, onField);
  }
  return out;
}

/** Seals and opens the strings under `fields` (the field name is bound to each ciphertext). */
export function sealedJsonFields(vault: PiiVault, fields: readonly string[]): JsonProtection {
  const names = new Set(fields);
  return {
    seal: (body) => mapJsonFields(body, names, (field, text) => (isSealed(text) ? text : vault.seal(field, text))),
    open: (body) => mapJsonFields(body, names, (field, text) => vault.open(field, text)),
  };
}

/**
 * The body with every value under `fields` sealed under the vault's current key, and whether that
 * changed anything (a value under an older key, or one still plain).
 */
export function resealJsonFields(vault: PiiVault, fields: readonly string[], body: unknown): { body: unknown; changed: boolean } {
  const names = new Set(fields);
  let changed = false;
  const current = vault.ring.current.id;
  const out = mapJsonFields(body, names, (field, text) => {
    if (isSealed(text) && keyIdOf(text) === current) return text;
    changed = true;
    return vault.seal(field, vault.open(field, text));
  });
  return { body: out, changed };
}

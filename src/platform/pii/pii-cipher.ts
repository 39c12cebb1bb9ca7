/**
 * Guest data sealed at rest: AES-256-GCM from `node:crypto`, a fresh random 96-bit nonce per value,
 * and the key id stored with the ciphertext so that a value names the key that opens it (rotation
 * re-encrypts values key by key while every key of the ring still opens what it sealed).
 *
 * A sealed value is one text column: `pii1.<key id>.<nonce>.<ciphertext><tag>` (base64url). The
 * field it belongs to (`guest_email`, …) is bound as additional authenticated data, so a ciphertext
 * copied into another field, or altered by one bit, does not open: it fails loudly instead of
 * showing a wrong value.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PiiKeyError, type PiiKeyRing } from './pii-keys.js';

const PREFIX = 'pii1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value as stored; never shown. */
export type Sealed = string & { readonly __sealed: true };

export class PiiSealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PiiSealError';
  }
}

export function isSealed(value: unknown): value is Sealed {
  return typeof value === 'string' && value.startsWith(`${PREFIX}.`) && value.split('.').length === 4;
}

export function sealPii(ring: PiiKeyRing, field: string, plaintext: string): Sealed {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.current.secret, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(field, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}.${ring.current.id}.${nonce.toString('base64url')}.${body.toString('base64url')}` as Sealed;
}

/** The id of the key a sealed value was written under. */
export function keyIdOf(sealed: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX || parts[1] === undefined) throw new PiiSealError('not a sealed value');
  return parts[1];
}

export function openPii(ring: PiiKeyRing, field: string, sealed: string): string {
  const [prefix, keyId, nonceText, bodyText] = sealed.split('.');
  if (prefix !== PREFIX || keyId === undefined || nonceText === undefined || bodyText === undefined) {
    throw new PiiSealError(`the ${field} value is not sealed`);
  }
  const key = ring.keys.get(keyId);
  if (key === undefined) throw new PiiKeyError(`the ${field} value was sealed under key ${keyId}, which this process does not hold`);
  const nonce = Buffer.from(nonceText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new PiiSealError(`the ${field} value is damaged`);
  const decipher = createDecipheriv('aes-256-gcm', key.secret, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(field, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new PiiSealError(`the ${field} value does not open under key ${keyId} (altered, or sealed for another field)`);
  }
}

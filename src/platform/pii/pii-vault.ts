/**
 * What services use to protect guest data: seal a value for storage, open a stored one, compute a
 * blind index. It holds the process's key ring and, when a stored value names a key the ring does
 * not hold (another process added it with `innkeeper keys rotate-pii`), loads the ring again — at
 * most once a second — before giving up. A ring from a key file is also read again every few seconds
 * before sealing, so that once a rotation put a new key first, new values are sealed under it.
 */
import { blindIndex, type IndexedKind } from './blind-index.js';
import { isSealed, keyIdOf, openPii, sealPii, type Sealed } from './pii-cipher.js';
import type { PiiKeyRing } from './pii-keys.js';

export const RELOAD_BEFORE_SEALING_MS = 5_000;

export class PiiVault {
  #ring: PiiKeyRing;
  readonly #load: (() => PiiKeyRing) | undefined;
  #loadedAt = 0;

  /** `load` reads the ring again from its source (absent: the ring never changes). */
  constructor(ring: PiiKeyRing, load?: () => PiiKeyRing) {
    this.#ring = ring;
    this.#load = load;
    this.#loadedAt = Date.now();
  }

  get ring(): PiiKeyRing {
    return this.#ring;
  }

  seal(field: string, plaintext: string): Sealed {
    if (Date.now() - this.#loadedAt > RELOAD_BEFORE_SEALING_MS) this.#reload();
    return sealPii(this.#ring, field, plaintext);
  }

  sealOptional(field: string, plaintext: string | null | undefined): Sealed | null {
    return plaintext === null || plaintext === undefined ? null : this.seal(field, plaintext);
  }

  /** The plain value; a value stored before sealing existed (plain text) is returned as it is. */
  open(field: string, stored: string): string {
    if (!isSealed(stored)) return stored;
    if (!this.#ring.keys.has(keyIdOf(stored))) this.#reload();
    return openPii(this.#ring, field, stored);
  }

  openOptional(field: string, stored: string | null | undefined): string | null {
    return stored === null || stored === undefined ? null : this.open(field, stored);
  }

  index(kind: IndexedKind, value: string): string {
    return blindIndex(this.#ring, kind, value);
  }

  indexOptional(kind: IndexedKind, value: string | null | undefined): string | null {
    return value === null || value === undefined ? null : this.index(kind, value);
  }

  #reload(): void {
    if (this.#load === undefined || Date.now() - this.#loadedAt < 1000) return;
    this.#loadedAt = Date.now();
    this.#ring = this.#load();
  }
}

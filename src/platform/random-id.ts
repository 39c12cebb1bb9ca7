/** Random identifiers for resources that show their kind in a prefix (`pi_…`, `ep_…`, `msg_…`). */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random characters of [A-Za-z0-9] (24: ≈143 bits). */
export function randomId(length = 24): string {
  let s = '';
  while (s.length < length) {
    // 248 = 4 × 62: bytes at or above it are skipped, so every character is equally likely.
    for (const b of randomBytes(32)) if (b < 248 && s.length < length) s += ALPHABET[b % 62];
  }
  return s;
}

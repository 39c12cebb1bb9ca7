/**
 * Exact-match lookups over sealed values: a keyed HMAC-SHA256 of the normalised email or phone,
 * stored beside the ciphertext. Equal inputs (after normalising) give equal indexes; without the
 * index key, the index says nothing about the value, and it is not the encryption key, so neither
 * key's loss gives away the other's work.
 *
 * Normalising is deliberately modest — what a guest plausibly types differently for one address:
 * - email: trimmed, Unicode NFKC, lower-cased (the local part too: every mail system we meet treats
 *   it case-insensitively, and a guest who typed `Anna@…` once must find the booking with `anna@…`);
 * - phone: every character but digits dropped, a leading `+` or `00` kept as `+` (so `+44 20 7946-0000`,
 *   `0044 (20) 79460000` and `+442079460000` are one number). No country guessing: `020…` stays `020…`.
 */
import { createHmac } from 'node:crypto';
import type { PiiKeyRing } from './pii-keys.js';

export type IndexedKind = 'email' | 'phone';

export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export function normalizePhone(phone: string): string {
  const text = phone.normalize('NFKC').trim();
  const digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  return digits;
}

const normalizers: Record<IndexedKind, (value: string) => string> = { email: normalizeEmail, phone: normalizePhone };

/** The blind index of a value (hex); the kind is part of the MAC so an email never matches a phone. */
export function blindIndex(ring: PiiKeyRing, kind: IndexedKind, value: string): string {
  return createHmac('sha256', ring.indexKey)
    .update(`${kind}\u0000${normalizers[kind](value)}`, 'utf8')
    .digest('hex');
}

export function blindIndexOptional(ring: PiiKeyRing, kind: IndexedKind, value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : blindIndex(ring, kind, value);
}

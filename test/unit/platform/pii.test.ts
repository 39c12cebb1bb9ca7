import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blindIndex, normalizeEmail, normalizePhone } from '../../../src/platform/pii/blind-index.js';
import { keyIdOf, openPii, PiiSealError, sealPii } from '../../../src/platform/pii/pii-cipher.js';
import {
  loadPiiKeyRing,
  parsePiiKeys,
  PiiKeyError,
  piiKeyFileOf,
  withNewCurrentKey,
  withoutKeys,
} from '../../../src/platform/pii/pii-keys.js';

const b64 = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const ring = (keys = `a:${b64(1)},b:${b64(2)}`) => parsePiiKeys(keys, b64(9));

describe('PII keys', () => {
  it('reads PII_KEYS in order: the first encrypts, every one decrypts', () => {
    const r = ring();
    expect(r.current.id).toBe('a');
    expect([...r.keys.keys()]).toEqual(['a', 'b']);
    expect(r.indexKey.equals(Buffer.alloc(32, 9))).toBe(true);
  });

  it.each([
    ['', b64(9), 'names no key'],
    [b64(1), b64(9), 'needs an id'],
    [`a:${Buffer.alloc(16).toString('base64')}`, b64(9), 'must be 32 bytes, not 16'],
    [`a:not base64!`, b64(9), 'is not base64'],
    [`a:${b64(1)},a:${b64(2)}`, b64(9), 'given twice'],
    [`a:${b64(1)}`, 'short', 'PII_INDEX_KEY must be 32 bytes'],
  ])('refuses PII_KEYS=%j, PII_INDEX_KEY=%j', (keys, index, message) => {
    expect(() => parsePiiKeys(keys, index)).toThrow(PiiKeyError);
    expect(() => parsePiiKeys(keys, index)).toThrow(message);
  });

  it('refuses PII_KEYS without PII_INDEX_KEY', () => {
    expect(() => loadPiiKeyRing({ PII_KEYS: `a:${b64(1)}` }, undefined)).toThrow('without PII_INDEX_KEY');
  });

  it('makes a 0600 key file beside the data directory on first start and reads the same keys after', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pii-keys-'));
    const file = piiKeyFileOf(path.join(dir, 'data/'));
    expect(file).toBe(path.join(dir, 'data.pii-keys.json'));
    const first = loadPiiKeyRing({}, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadPiiKeyRing({}, file);
    expect(again.current.id).toBe(first.current.id);
    expect(again.current.secret.equals(first.current.secret)).toBe(true);
    expect(again.indexKey.equals(first.indexKey)).toBe(true);
    expect(first.indexKey.equals(first.current.secret)).toBe(false);
    // A value sealed before the restart opens after it.
    expect(openPii(again, 'guest_email', sealPii(first, 'guest_email', 'ann@example.com'))).toBe('ann@example.com');
    expect(JSON.parse(readFileSync(file, 'utf8')).keys).toHaveLength(1);
  });

  it('prefers PII_KEYS to the key file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pii-keys-'));
    const r = loadPiiKeyRing({ PII_KEYS: `env1:${b64(3)}`, PII_INDEX_KEY: b64(4) }, path.join(dir, 'k.json'));
    expect(r.current.id).toBe('env1');
  });

  it('a rotation puts a new key in front and keeps the old ones until they are retired', () => {
    const r = ring();
    const rotated = withNewCurrentKey(r);
    expect(rotated.current.id).toBe('k1');
    expect([...rotated.keys.keys()]).toEqual(['k1', 'a', 'b']);
    expect(rotated.indexKey.equals(r.indexKey)).toBe(true);
    const retired = withoutKeys(rotated, new Set(['a', 'k1']));
    expect([...retired.keys.keys()]).toEqual(['k1', 'b']); // the current key is never retired
  });
});

describe('sealing PII (AES-256-GCM)', () => {
  it('opens a known-answer vector written outside this code (NIST GCM spec, test case 14)', () => {
    // K = 0^256, IV = 0^96, P = 0^128 → C = cea7403d…, T = d0d1c8a7… (no additional data).
    const zeroRing = parsePiiKeys(`z:${Buffer.alloc(32).toString('base64')}`, b64(9));
    const iv = Buffer.alloc(12).toString('base64url');
    const body = Buffer.from('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919', 'hex').toString('base64url');
    expect(openPii(zeroRing, '', `pii1.z.${iv}.${body}`)).toBe('\u0000'.repeat(16));
  });

  it('round-trips any text, with a fresh nonce each time and the key id in the value', () => {
    const r = ring();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const one = sealPii(r, 'guest_name', text);
        const two = sealPii(r, 'guest_name', text);
        expect(one).not.toBe(two);
        expect(keyIdOf(one)).toBe('a');
        expect(openPii(r, 'guest_name', one)).toBe(text);
        expect(one).not.toContain(Buffer.from(text).toString('base64url') || '\u0000');
      }),
    );
  });

  it('refuses a value altered by one bit, moved to another field, or under a key the process lacks', () => {
    const r = ring();
    const sealed = sealPii(r, 'guest_email', 'ann@example.com');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const flipped = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    expect(() => openPii(r, 'guest_email', flipped)).toThrow(PiiSealError);
    expect(() => openPii(r, 'guest_phone', sealed)).toThrow('sealed for another field');
    expect(() => openPii(ring(`b:${b64(2)}`), 'guest_email', sealed)).toThrow('key a, which this process does not hold');
    expect(() => openPii(r, 'guest_email', 'ann@example.com')).toThrow('is not sealed');
  });
});

describe('blind index', () => {
  it('is HMAC-SHA256 under the index key over the kind and the normalised value', () => {
    const r = ring();
    const expected = createHmac('sha256', Buffer.alloc(32, 9)).update('email\u0000ann@example.com').digest('hex');
    expect(blindIndex(r, 'email', '  Ann@Example.COM ')).toBe(expected);
  });

  it('matches what a guest types differently for one address, and nothing else', () => {
    const r = ring();
    expect(normalizeEmail(' ANN@example.com')).toBe('ann@example.com');
    expect(blindIndex(r, 'email', 'ann@example.com')).toBe(blindIndex(r, 'email', 'ANN@EXAMPLE.COM'));
    expect(blindIndex(r, 'email', 'ann@example.com')).not.toBe(blindIndex(r, 'email', 'anne@example.com'));
    for (const same of ['+44 20 7946-0000', '0044 (20) 79460000', '+442079460000']) {
      expect(normalizePhone(same)).toBe('+442079460000');
      expect(blindIndex(r, 'phone', same)).toBe(blindIndex(r, 'phone', '+442079460000'));
    }
    expect(normalizePhone('020 7946 0000')).toBe('02079460000');
    expect(blindIndex(r, 'phone', '02079460000')).not.toBe(blindIndex(r, 'phone', '+442079460000'));
  });

  it('differs by kind and by index key, and does not depend on the encryption keys', () => {
    const r = ring();
    expect(blindIndex(r, 'email', '12345')).not.toBe(blindIndex(r, 'phone', '12345'));
    expect(blindIndex(parsePiiKeys(`a:${b64(1)}`, b64(8)), 'email', 'x@y.z')).not.toBe(blindIndex(r, 'email', 'x@y.z'));
    expect(blindIndex(withNewCurrentKey(r), 'email', 'x@y.z')).toBe(blindIndex(r, 'email', 'x@y.z'));
  });
});

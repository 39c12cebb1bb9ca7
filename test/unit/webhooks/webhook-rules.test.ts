/**
 * The webhooks service's pure rules: which addresses the SSRF guard refuses (IPv4, IPv6, IPv4 inside
 * IPv6), the retry schedule with its jitter, and the signature checked by the reference
 * implementation (`standardwebhooks`).
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { RETRY_DELAYS_MS, retryDelayMs } from '../../../src/services/webhooks/webhook.model.js';
import { newSecret, signatureHeader } from '../../../src/services/webhooks/webhook.signing.js';
import { isPrivateAddress } from '../../../src/services/webhooks/webhook.ssrf.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.1.1',
    '0.0.0.0',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fdff:ffff::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
    '2002:c0a8:101::1',
    'not-an-address',
  ])('refuses %s', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '[2a00:1450::1]'])(
    'allows %s',
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );
});

describe('retry schedule', () => {
  it('grows from 5 s to 10 h, stays within ±10 % jitter, and ends after more than three days', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(1, () => 0)).toBe(4_500);
    expect(retryDelayMs(1, () => 1)).toBe(5_500);
    expect(retryDelayMs(2, () => 0.5)).toBe(300_000);
    expect(retryDelayMs(RETRY_DELAYS_MS.length + 1)).toBeUndefined();
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) expect(RETRY_DELAYS_MS[i]!).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i - 1]!);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total * 0.9).toBeGreaterThan(3 * 24 * 3_600_000);
    expect(total).toBeLessThan(4 * 24 * 3_600_000);
  });
});

describe('signatures', () => {
  it('verify with the reference implementation, with either of two secrets, and not with a third', () => {
    const [a, b, c] = [newSecret(), newSecret(), newSecret()];
    const id = 'c7b0b0a2-5d0e-4a55-9d3c-6a8f3f0f9a11';
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ event_type: 'booking.created', payload: { n: 1 } });
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signatureHeader([a, b], id, ts, body) };
    expect(() => new Webhook(a).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(b).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(c).verify(body, headers)).toThrow();
    expect(() => new Webhook(a).verify(`${body} `, headers)).toThrow();
  });
});

/** How a process learns its gateway's upstreams: `<SERVICE>_URL` with one URL or several, and the timeout. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.js';
import { serviceModules } from '../../../src/services/index.js';

describe('gateway configuration', () => {
  it('reads several comma-separated URLs per service; typed clients get the first', () => {
    const config = loadConfig(
      { BOOKING_URL: ' http://b1:8080/ , http://b2:8080,http://b1:8080', PRICING_URL: 'http://p:1', GATEWAY_UPSTREAM_TIMEOUT_MS: '2500' },
      { memory: true },
    );
    expect(config.serviceUrlLists).toEqual({ booking: ['http://b1:8080', 'http://b2:8080'], pricing: ['http://p:1'] });
    expect(config.serviceUrls).toEqual({ booking: 'http://b1:8080', pricing: 'http://p:1' });
    expect(config.gatewayUpstreamTimeoutMs).toBe(2500);
    expect(loadConfig({}, { memory: true }).gatewayUpstreamTimeoutMs).toBe(10_000);
  });

  it('refuses a bad URL in a list, replicas on different paths, and a bad timeout, naming the variable', () => {
    expect(() => loadConfig({ BOOKING_URL: 'http://b1:8080,ftp://b2' }, { memory: true })).toThrow(/^BOOKING_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ BOOKING_URL: 'http://b1/api,http://b2/other' }, { memory: true })).toThrow(
      /^BOOKING_URL names URLs with different paths/,
    );
    expect(() => loadConfig({ BOOKING_URL: ' , ' }, { memory: true })).toThrow(/^BOOKING_URL must be an http\(s\) URL or several/);
    expect(() => loadConfig({ GATEWAY_UPSTREAM_TIMEOUT_MS: '0' }, { memory: true })).toThrow(
      /^GATEWAY_UPSTREAM_TIMEOUT_MS must be between 1/,
    );
  });

  it('runs the gateway in the all-in-one process and alone with --services gateway', () => {
    expect(loadConfig({}, { memory: true }).services).toContain('gateway');
    const alone = loadConfig({}, { memory: true, services: 'gateway' });
    expect(serviceModules(alone.services, alone).map((m) => m.name)).toEqual(['gateway']);
  });
});

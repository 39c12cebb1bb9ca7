/**
 * HTTP hardening: helmet's headers (and a CSP the /docs UI loads under), CORS for the allow-list only,
 * the body limit (413 PAYLOAD_TOO_LARGE), the server timeouts, and TRUST_PROXY deciding whose address
 * a request counts against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEdgeConfig } from '../../../src/platform/http/edge.config.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

const ALLOWED = 'https://app.example.com';

describe('hardening', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      edge: loadEdgeConfig({
        CORS_ORIGINS: `${ALLOWED},http://localhost:5173`,
        BODY_LIMIT_BYTES: '2048',
        REQUEST_TIMEOUT_MS: '20000',
        HEADERS_TIMEOUT_MS: '7000',
        TRUST_PROXY: '127.0.0.1',
        RATE_LIMIT_DEFAULT: '2',
        RATE_LIMIT_WINDOW_MS: '600000',
      }),
    });
  });
  afterAll(async () => ctx?.close());

  it('answers carry helmet headers, with a CSP that allows no inline or foreign script', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('/docs loads under that CSP: every script and stylesheet it names is served from /docs, none inline, and the spec it fetches answers', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const html = page.body;
    // script-src 'self' refuses inline scripts: the page must have none.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="/);
      expect(body!.trim()).toBe('');
    }
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css|png))"/g)].map((m) => new URL(m[1]!, 'http://h/docs/').pathname);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/docs/'), asset).toBe(true);
      const res = await ctx.app.inject({ method: 'GET', url: asset });
      expect(res.statusCode, asset).toBe(200);
      expect(res.headers['content-security-policy'], asset).toContain("script-src 'self'");
    }
    const initializer = await ctx.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    // The UI resolves the document against the page's URL (/docs/) and sets its logo as a data: image (img-src data:).
    const spec = initializer.body.match(/url: resolveUrl\('([^']+)'\)/)?.[1];
    expect(spec).toBe('./json');
    expect(initializer.body).toContain("img.src = 'data:image/svg+xml");
    const json = await ctx.app.inject({ method: 'GET', url: new URL(spec!, 'http://h/docs/').pathname });
    expect(json.statusCode).toBe(200);
    expect(json.json<{ openapi: string }>().openapi).toBe('3.0.3');
  });

  it('CORS: a preflight from an allowed origin gets the allow headers; one from another origin gets none', async () => {
    const allowed = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/venues',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(allowed.headers['access-control-allow-methods'])).toContain('PATCH');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    expect(allowed.headers['access-control-max-age']).toBe('600');

    const refused = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/venues',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'PATCH' },
    });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('CORS: an allowed origin may read the answer and the rate-limit headers; another origin may not', async () => {
    const allowed = await ctx.app.inject({ method: 'GET', url: '/health', headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('ratelimit-remaining');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('retry-after');
    const refused = await ctx.app.inject({ method: 'GET', url: '/health', headers: { origin: 'http://localhost:5174' } });
    expect(refused.statusCode).toBe(200);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a body over BODY_LIMIT_BYTES is 413 PAYLOAD_TOO_LARGE; one under it reaches validation', async () => {
    const big = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/pricing/quote',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(3000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' } });
    const small = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/pricing/quote',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(1000) }),
    });
    expect(small.statusCode).toBe(400);
    expect(small.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
  });

  it('the server takes REQUEST_TIMEOUT_MS and HEADERS_TIMEOUT_MS', () => {
    expect(ctx.app.server.requestTimeout).toBe(20_000);
    expect(ctx.app.server.headersTimeout).toBe(7000);
  });

  it('TRUST_PROXY: behind a trusted proxy each forwarded client has its own budget; an untrusted peer cannot pick its address', async () => {
    const via = (remoteAddress: string, client: string) =>
      ctx.app.inject({ method: 'GET', url: '/api/v1/venues', remoteAddress, headers: { 'x-forwarded-for': client } });
    // Through the trusted proxy (127.0.0.1): counted per forwarded client.
    expect((await via('127.0.0.1', '203.0.113.1')).headers['ratelimit-remaining']).toBe('1');
    expect((await via('127.0.0.1', '203.0.113.1')).headers['ratelimit-remaining']).toBe('0');
    expect((await via('127.0.0.1', '203.0.113.1')).statusCode).toBe(429);
    expect((await via('127.0.0.1', '203.0.113.2')).headers['ratelimit-remaining']).toBe('1');
    // From an untrusted peer the header is ignored: every claimed client is the peer itself.
    expect((await via('198.51.100.9', '203.0.113.3')).headers['ratelimit-remaining']).toBe('1');
    expect((await via('198.51.100.9', '203.0.113.4')).headers['ratelimit-remaining']).toBe('0');
    expect((await via('198.51.100.9', '203.0.113.5')).statusCode).toBe(429);
  });
});

describe('defaults: no CORS_ORIGINS', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ edge: loadEdgeConfig({}) });
  });
  afterAll(async () => ctx?.close());

  it('no origin gets cross-origin access, and the body limit is 1 MiB', async () => {
    const preflight = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/venues',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await ctx.app.inject({ method: 'GET', url: '/health', headers: { origin: ALLOWED } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const big = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/pricing/quote',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    const under = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/pricing/quote',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(1000 * 1000) }),
    });
    expect(under.statusCode).toBe(400);
  });
});

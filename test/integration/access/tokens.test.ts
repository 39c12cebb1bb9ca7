/**
 * Bearer tokens that must be refused (401, and nothing changed), and an external identity provider's
 * tokens verified against its JWKS served over real HTTP, through a key rotation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';

type Json = Record<string, unknown>;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('tokens Innkeeper refuses', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ auth: true });
  });
  afterAll(async () => ctx.close());

  /** A write that would create a rate plan: 401 and no row, or it is not refused. */
  async function tryWrite(authorization: string) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/pricing/rate-plans',
      headers: { authorization },
      payload: { venue_id: 'hotel-x', code: 'BAR', name: 'Best available', currency: 'GBP' },
    });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pricing.rate_plan`.execute(ctx.database.db);
    return { status: res.statusCode, body: res.json<Json>(), header: res.headers['www-authenticate'], rows: rows[0]!.n };
  }

  async function expectRefused(authorization: string) {
    const r = await tryWrite(authorization);
    expect(r.status, JSON.stringify(r.body)).toBe(401);
    expect(r.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    expect(r.header).toMatch(/^Bearer realm="innkeeper"/);
    expect(r.rows).toBe(0);
  }

  async function adminPayload() {
    const { token } = await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 600);
    const [header, payload] = token.split('.') as [string, string, string];
    return {
      token,
      header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Json,
      payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Json,
    };
  }

  it('a good admin token is accepted (the refusals below are about the token, not the request)', async () => {
    const { token } = await adminPayload();
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/pricing/rate-plans', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
  });

  it('no token, a scheme other than Bearer, malformed tokens', async () => {
    const none = await ctx.app.inject({ method: 'POST', url: '/api/v1/pricing/rate-plans', payload: {} });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="innkeeper"');
    for (const bad of [
      'Basic YWRtaW46YWRtaW4=',
      'Bearer',
      'Bearer not-a-jwt',
      'Bearer a.b',
      'Bearer a.b.c',
      `Bearer ${b64({ alg: 'EdDSA' })}.${b64('x')}.`,
    ]) {
      await expectRefused(bad);
    }
  });

  it('alg none, a bad signature, HS256 signed with the public key, an unknown kid', async () => {
    const { token, header, payload } = await adminPayload();
    await expectRefused(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`);
    await expectRefused(`Bearer ${b64({ ...header, alg: 'none' })}.${b64(payload)}.`);
    // The real header and payload under another key's signature.
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT(payload).setProtectedHeader(header as { alg: string; kid: string }).sign(other.privateKey);
    await expectRefused(`Bearer ${forged}`);
    // A payload changed after signing.
    const [h, , s] = token.split('.') as [string, string, string];
    await expectRefused(`Bearer ${h}.${b64({ ...payload, sub: 'someone-else' })}.${s}`);
    // HMAC with the published public key as the secret (the algorithm-confusion attack).
    const jwks = (await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: JWK[] }>();
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const secret of [JSON.stringify(jwks.keys[0]), jwks.keys[0]!.x!]) {
      const hs = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid: header.kid as string })
        .sign(new TextEncoder().encode(secret));
      await expectRefused(`Bearer ${hs}`);
    }
    // A well-signed token whose kid is not one of ours.
    const stranger = await new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: 'no-such-key' }).sign(other.privateKey);
    await expectRefused(`Bearer ${stranger}`);
  });

  it('expired (beyond the 60 s skew), not yet valid, wrong issuer, wrong audience, missing role', async () => {
    const { token } = await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 60);
    const start = ctx.clock.now();
    ctx.clock.set(new Date(start.getTime() + 110_000)); // 50 s past exp: within the skew
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/pricing/rate-plans', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    ctx.clock.set(new Date(start.getTime() + 125_000)); // 65 s past exp
    await expectRefused(`Bearer ${token}`);
    ctx.clock.set(start);

    const later = await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 3600, { notBefore: new Date(start.getTime() + 600_000) });
    await expectRefused(`Bearer ${later.token}`);
    await expectRefused(
      `Bearer ${(await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 600, { issuer: 'https://evil.example' })).token}`,
    );
    await expectRefused(`Bearer ${(await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 600, { audience: 'another-api' })).token}`);
    await expectRefused(`Bearer ${(await ctx.tokens!.sign({ sub: 'root', role: 'superuser' as 'admin' }, 600)).token}`);
    await expectRefused(`Bearer ${(await ctx.tokens!.sign({ sub: 'biz', role: 'business' }, 600)).token}`); // a business token must name its organization
  });

  it('a role not allowed is 403 FORBIDDEN, and a rotation keeps old tokens valid while new ones use the new key', async () => {
    const { token: guest } = await ctx.tokens!.sign({ sub: 'g', role: 'guest' }, 600);
    const r = await tryWrite(`Bearer ${guest}`);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: { code: 'FORBIDDEN', details: { role: 'guest', allowed: ['business', 'admin'] } } });
    expect(r.rows).toBe(0);

    const { token: before } = await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 600);
    const rotated = await ctx.tokens!.rotate();
    expect(rotated.retired).toBeDefined();
    const { token: after } = await ctx.tokens!.sign({ sub: 'root', role: 'admin' }, 600);
    const kid = (t: string) => (JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()) as Json).kid;
    expect(kid(after)).toBe(rotated.active);
    expect(kid(before)).toBe(rotated.retired);
    for (const t of [before, after]) {
      expect(
        (await ctx.app.inject({ method: 'GET', url: '/api/v1/pricing/rate-plans', headers: { authorization: `Bearer ${t}` } })).statusCode,
      ).toBe(200);
    }
    const published = (await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: JWK[] }>();
    expect(published.keys.map((k) => k.kid).sort()).toEqual([rotated.active, rotated.retired].sort());
    expect(published.keys.every((k) => k.d === undefined)).toBe(true); // never a private part
  });
});

describe('an external identity provider (JWKS over HTTP)', () => {
  let ctx: TestContext;
  let server: http.Server;
  let published: JWK[] = [];
  let fetches = 0;
  const issuer = 'https://idp.example.test/realms/hotel';
  const audience = 'innkeeper-api';

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    ctx = await createTestContext({
      auth: { external: { jwksUrl: `http://127.0.0.1:${port}/certs`, issuer, audience, jwksCooldownMs: 0 } },
    });
  });
  afterAll(async () => {
    await ctx.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function providerKey(kid: string) {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    return {
      jwk,
      sign: (claims: Json, overrides: { iss?: string; aud?: string; alg?: string } = {}) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: overrides.alg ?? 'RS256', kid })
          .setIssuer(overrides.iss ?? issuer)
          .setAudience(overrides.aud ?? audience)
          .setIssuedAt(Math.floor(ctx.clock.now().getTime() / 1000))
          .setExpirationTime(Math.floor(ctx.clock.now().getTime() / 1000) + 600)
          .sign(pair.privateKey),
    };
  }

  const me = (token: string) => ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });

  it('accepts its tokens, follows its key rotation, refuses what it must', async () => {
    const k1 = await providerKey('k1');
    published = [k1.jwk];
    const first = await me(await k1.sign({ sub: 'guest-42', role: 'guest' }));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ sub: 'guest-42', role: 'guest', via: 'token' });
    const fetchedOnce = fetches;
    expect(fetchedOnce).toBeGreaterThanOrEqual(1);
    expect((await me(await k1.sign({ sub: 'guest-42', role: 'guest' }))).statusCode).toBe(200);
    expect(fetches).toBe(fetchedOnce); // the JWKS is cached

    // The provider rotates: a token under the new kid makes Innkeeper fetch the keys again.
    const k2 = await providerKey('k2');
    published = [k2.jwk];
    const rotated = await me(await k2.sign({ sub: 'manager', role: 'business', org: 'org-a', venues: ['h1'] }));
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json()).toEqual({ sub: 'manager', role: 'business', org: 'org-a', venues: ['h1'], via: 'token' });
    expect(fetches).toBeGreaterThan(fetchedOnce);

    // Refused: a key it no longer publishes, its issuer with another audience, another issuer, a service role
    // (services are Innkeeper's own), an HMAC token naming its kid.
    for (const bad of [
      await k1.sign({ sub: 'guest-42', role: 'guest' }),
      await k2.sign({ sub: 'x', role: 'admin' }, { aud: 'other' }),
      await k2.sign({ sub: 'x', role: 'admin' }, { iss: 'https://other-idp.test' }),
      await k2.sign({ sub: 'x', role: 'service' }),
      await new SignJWT({ sub: 'x', role: 'admin' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k2' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(JSON.stringify(k2.jwk))),
    ]) {
      const r = await me(bad);
      expect(r.statusCode, bad).toBe(401);
    }
    // Innkeeper's own tokens still work beside the provider's.
    const own = await ctx.tokens!.sign({ sub: 'svc', role: 'service' }, 600);
    expect((await me(own.token)).json()).toEqual({ sub: 'svc', role: 'service', via: 'token' });
  });
});

describe('the first tokens after a start', () => {
  it('are all verified when they arrive at once, while the keys are still being read', async () => {
    // A fresh app has read no verification key yet: forty requests race its first read.
    const fresh = await createTestContext({ auth: true });
    try {
      const { token } = await fresh.tokens!.sign({ sub: 'root', role: 'admin' }, 600);
      const answers = await Promise.all(
        Array.from({ length: 40 }, () =>
          fresh.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } }),
        ),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 40 }, () => 200));
    } finally {
      await fresh.close();
    }
  });
});

/**
 * Access control as an operator meets it, on real processes and both back ends: the default is on;
 * the banner says how to get a token; a handful of routes stay open; `innkeeper token` works while the
 * server runs and `innkeeper keys rotate` keeps issued tokens valid; staff accounts sign in (and are
 * locked after repeated failures); API keys open the compatibility surfaces until revoked;
 * INNKEEPER_AUTH=off opens everything and says so.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { crashWorld, send, type CrashWorld } from '../../helpers/crash.js';
import { runCli } from '../../helpers/process.js';

const backend = inject('backend');

/** The banner is printed just after the server starts listening: wait for it (a few seconds at most). */
async function printed(output: () => string, text: string): Promise<string> {
  for (let i = 0; i < 100 && !output().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
  return output();
}

describe('access control on a started platform', { timeout: 240_000 }, () => {
  let world: CrashWorld;
  beforeAll(async () => {
    world = await crashWorld(backend);
  });
  afterAll(async () => {
    await world.killAll();
    await world.dispose();
  });

  const cli = async (args: string[], input?: string) => {
    const r = await runCli([...args, ...world.cli.args], { ...world.cli.env }, 60_000, input);
    expect(r.code, `innkeeper ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout.trim();
  };

  it('is on by default: tokens from the CLI, staff sign-in with lockout, API keys for the old surfaces, key rotation', async () => {
    // Accounts and keys before the server starts (an embedded data directory admits one process).
    expect(
      await cli(
        ['users', 'add', '--email', 'Ops@Example.com', '--role', 'business', '--org', 'org-a', '--password-stdin'],
        'correct horse battery\n',
      ),
    ).toMatch(/^users: ops@example\.com \(business, org-a\) saved as /);
    const created = (await cli(['api-keys', 'create', '--name', 'channel-manager'])).split('\n');
    const key = created[1]!;
    expect(key).toMatch(/^ik_[A-Za-z0-9_-]{40,}$/);
    const revokedKey = (await cli(['api-keys', 'create', '--name', 'old-client'])).split('\n')[1]!;
    const listed = await cli(['api-keys', 'list']);
    const oldId = listed
      .split('\n')
      .find((l) => l.includes('old-client'))!
      .split('\t')[0]!;
    expect(await cli(['api-keys', 'revoke', oldId])).toBe(`api-keys: revoked ${oldId}`);
    expect(listed).not.toContain(key); // only hashes are stored

    const proc = await world.start({ INNKEEPER_AUTH: '', LOG_LEVEL: 'info' });
    expect(await printed(() => proc.output(), 'Access control is on')).toContain('Access control is on');
    const url = proc.url;

    const refused = await fetch(`${url}/api/v1/pricing/rate-plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

    // Open without a token: operations, docs, the gateway's greeting, search, an anonymous booking create.
    expect((await send(url, 'GET', '/health')).status).toBe(200);
    expect(await send(url, 'GET', '/ready')).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });
    expect((await fetch(`${url}/docs/`)).status).toBe(200);
    expect(await send(url, 'GET', '/')).toEqual({ status: 200, body: { message: 'API Gateway is running' } });
    expect((await send(url, 'GET', '/api/v1/venues')).status).toBe(200);
    const anonymous = await send(url, 'POST', '/api/v1/bookings', {});
    expect(anonymous.status).toBe(400); // past access control; the empty body fails validation
    expect((await send(url, 'GET', '/rooms')).status).toBe(401);

    // A token printed by the CLI while the server runs.
    const adminToken = await cli(['token', '--role', 'admin', '--ttl', '10m']);
    const asAdmin = { authorization: `Bearer ${adminToken}` };
    expect((await send(url, 'GET', '/api/v1/pricing/rate-plans', undefined, asAdmin)).status).toBe(200);
    // What the CLI did to accounts and keys is in the audit trail, under the operating-system user.
    const trail = (await send(url, 'GET', '/api/v1/audit', undefined, asAdmin)).body as { events: { action: string; actor: string }[] };
    expect(trail.events.map((e) => e.action).reverse()).toEqual([
      'staff_user.saved',
      'api_key.created',
      'api_key.created',
      'api_key.revoked',
    ]);
    expect(trail.events.every((e) => e.actor.startsWith('cli:'))).toBe(true);

    // Rotation while it runs: the old token still verifies, the new key signs.
    expect(await cli(['keys', 'rotate'])).toMatch(/^keys: now signing with [0-9a-f-]{36}; [0-9a-f-]{36} retired/);
    const newToken = await cli(['token', '--role', 'admin', '--ttl', '10m']);
    expect(newToken.split('.')[0]).not.toBe(adminToken.split('.')[0]);
    expect((await send(url, 'GET', '/api/v1/pricing/rate-plans', undefined, asAdmin)).status).toBe(200);
    expect((await send(url, 'GET', '/api/v1/pricing/rate-plans', undefined, { authorization: `Bearer ${newToken}` })).status).toBe(200);
    const jwks = await send(url, 'GET', '/.well-known/jwks.json');
    expect((jwks.body as { keys: unknown[] }).keys).toHaveLength(2);

    // Staff sign-in: the right password gives a token naming the account's grants; a wrong one and an
    // unknown email get the same answer; five failures lock that email for a while.
    const signIn = (email: string, password: string) => send(url, 'POST', '/api/v1/auth/token', { email, password });
    const ok = await signIn('ops@example.com', 'correct horse battery');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const me = await send(url, 'GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${ok.body.access_token as string}` });
    expect(me.body).toMatchObject({ role: 'business', org: 'org-a', via: 'token' });
    const wrong = await signIn('ops@example.com', 'not the password');
    const unknown = await signIn('nobody@example.com', 'not the password');
    expect(wrong).toEqual({
      status: 401,
      body: { error: { code: 'INVALID_CREDENTIALS', message: 'The email or password is not correct.' } },
    });
    expect(unknown).toEqual(wrong);
    for (let i = 0; i < 4; i++) expect((await signIn('ops@example.com', 'still wrong')).status).toBe(401);
    const locked = await signIn('ops@example.com', 'correct horse battery');
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: { code: 'TOO_MANY_LOGIN_FAILURES' } });

    // API keys on the compatibility surfaces.
    expect((await send(url, 'GET', '/rooms', undefined, { 'x-api-key': key })).status).toBe(200);
    expect((await send(url, 'GET', '/rooms', undefined, { 'x-api-key': revokedKey })).status).toBe(401);
    expect((await send(url, 'GET', '/rooms', undefined, { 'x-api-key': `${key}x` })).status).toBe(401);
    expect((await proc.stop()).code).toBe(0);
  });

  it('INNKEEPER_AUTH=off opens every route and says so in the banner and /ready', async () => {
    const proc = await world.start({ INNKEEPER_AUTH: 'off', LOG_LEVEL: 'info' });
    expect(await printed(() => proc.output(), 'ACCESS CONTROL IS OFF')).toContain('ACCESS CONTROL IS OFF');
    expect((await send(proc.url, 'GET', '/api/v1/pricing/rate-plans')).status).toBe(200);
    expect((await send(proc.url, 'GET', '/rooms')).status).toBe(200);
    const ready = await send(proc.url, 'GET', '/ready');
    expect(ready.body).toMatchObject({ status: 'ready', warnings: [expect.stringContaining('ACCESS CONTROL IS OFF')] });
    expect((await proc.stop()).code).toBe(0);
  });
});

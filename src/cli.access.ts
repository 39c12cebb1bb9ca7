/**
 * The access commands of the CLI: tokens from the local issuer, key rotation, staff accounts and API keys.
 * `token` and `keys rotate` read only the signing keys: on the embedded back end they live in a file
 * beside the data directory, so both work while the server runs; on PostgreSQL, in the database.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { recordAudit } from './platform/audit/audit.repository.js';
import { commandPiiStatus, commandRotatePii } from './cli.pii.js';
import { parseArgs } from 'node:util';
import { systemClock } from './platform/clock.js';
import { loadConfig, type Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { platformMigrations } from './platform/db/platform.migrations.js';
import { createApiKey, listApiKeys, revokeApiKey } from './platform/auth/api-keys.repository.js';
import { keyFileOf, keyStoreFor } from './platform/auth/access.runtime.js';
import { loadAuthConfig } from './platform/auth/auth.config.js';
import type { AuthDB } from './platform/auth/auth.tables.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './platform/auth/passwords.js';
import { fileKeyStore, type SigningKeyStore } from './platform/auth/signing-keys.repository.js';
import { upsertStaffUser } from './platform/auth/staff-users.repository.js';
import { TokenService } from './platform/auth/tokens.js';
import { ROLES, type Role } from './platform/http/roles.js';
import { databaseTarget } from './platform/server.js';

export class AccessUsageError extends Error {}

const common = { 'data-dir': { type: 'string' }, memory: { type: 'boolean' } } as const;

/** `1h`, `30m`, `7d`, `45s` or a number of seconds. */
export function parseTtl(raw: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(raw.trim());
  if (m === null) throw new AccessUsageError(`--ttl must look like 3600, 90s, 30m, 1h or 7d (got ${JSON.stringify(raw)})`);
  const seconds = Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (seconds < 1 || seconds > 400 * 86_400) throw new AccessUsageError('--ttl must be between 1 second and 400 days');
  return seconds;
}

async function withKeys<T>(config: Config, run: (store: SigningKeyStore) => Promise<T>): Promise<T> {
  if (config.databaseUrl === undefined) {
    if (config.dataDir === undefined)
      throw new AccessUsageError('a token from an in-memory database would verify nowhere; name --data-dir');
    return run(fileKeyStore(keyFileOf(config.dataDir)));
  }
  return withAccessDatabase(config, (database) => run(keyStoreFor(database)));
}

/** Who the audit trail names for a command run on the machine: the operating-system user. */
const CLI_ACTOR = { id: `cli:${osUser()}`, role: 'admin' };

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown'); // a container without a passwd entry for its uid
  }
}

async function withAccessDatabase<T>(config: Config, run: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(databaseTarget(config));
  try {
    await migrateToLatest(database.db, [platformMigrations]);
    return await run(database);
  } finally {
    await database.close();
  }
}

function role(raw: string | undefined, allowed: readonly Role[]): Role {
  if (raw === undefined || !(allowed as readonly string[]).includes(raw)) {
    throw new AccessUsageError(`--role must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
  }
  return raw as Role;
}

const list = (raw: string | undefined) =>
  raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');

/** innkeeper token --role R [--sub S] [--org O] [--venues a,b] [--booking B] [--ttl 1h] → prints a token. */
export async function commandToken(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...common,
      role: { type: 'string' },
      sub: { type: 'string' },
      org: { type: 'string' },
      venues: { type: 'string' },
      booking: { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
  });
  const r = role(values.role, ROLES);
  if (r === 'business' && values.org === undefined) throw new AccessUsageError('a business token needs --org');
  const config = loadConfig(process.env, { dataDir: values['data-dir'], memory: values.memory });
  const ttl = parseTtl(values.ttl ?? '1h');
  await withKeys(config, async (store) => {
    const tokens = new TokenService(store, systemClock, loadAuthConfig({ ...process.env, INNKEEPER_AUTH: 'on' }));
    const { token } = await tokens.sign(
      {
        sub: values.sub ?? (r === 'service' ? 'innkeeper-service' : `cli-${r}`),
        role: r,
        org: values.org,
        venues: list(values.venues),
        booking: values.booking,
      },
      ttl,
    );
    out(token);
  });
}

/** innkeeper keys rotate: retires the signing key; tokens it signed verify until they expire. */
export async function commandKeys(argv: string[], out: (line: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'rotate-pii') return commandRotatePii(rest, out);
  if (sub === 'status') return commandPiiStatus(rest, out);
  if (sub !== 'rotate') throw new AccessUsageError('usage: innkeeper keys rotate | rotate-pii | status [--data-dir DIR]');
  const { values } = parseArgs({ args: rest, options: common, strict: true });
  const config = loadConfig(process.env, { dataDir: values['data-dir'], memory: values.memory });
  await withKeys(config, async (store) => {
    const r = await store.rotate(systemClock.now());
    out(
      `keys: now signing with ${r.active.kid}${r.retired === undefined ? '' : `; ${r.retired} retired (verifies until its tokens expire)`}`,
    );
  });
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write('password: ');
  // Echo nothing while the password is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

/** innkeeper users add --email E --role business|admin [--org O] [--venues a,b] [--password-stdin] */
export async function commandUsers(argv: string[], out: (line: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'add')
    throw new AccessUsageError('usage: innkeeper users add --email E --role business|admin [--org O] [--venues a,b] [--password-stdin]');
  const { values } = parseArgs({
    args: rest,
    options: {
      ...common,
      email: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      venues: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    strict: true,
  });
  const email = values.email?.trim().toLowerCase();
  if (email === undefined || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new AccessUsageError('--email must be an email address');
  const r = role(values.role, ['business', 'admin']) as 'business' | 'admin';
  if (r === 'business' && values.org === undefined) throw new AccessUsageError('a business user needs --org');
  const password = await readPassword(values['password-stdin'] === true);
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AccessUsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  const config = loadConfig(process.env, { dataDir: values['data-dir'], memory: values.memory });
  await withAccessDatabase(config, async (database) => {
    const passwordHash = await hashPassword(password);
    const user = await (database.db as AuthDB).transaction().execute(async (trx) => {
      const saved = await upsertStaffUser(
        trx,
        { email, role: r, organizationId: values.org, venues: list(values.venues), passwordHash },
        systemClock.now(),
      );
      await recordAudit(trx, {
        actor: CLI_ACTOR,
        action: 'staff_user.saved',
        objectType: 'staff_user',
        objectId: saved.id,
        details: { role: saved.role },
        at: systemClock.now(),
      });
      return saved;
    });
    out(`users: ${user.email} (${user.role}${user.organizationId === null ? '' : `, ${user.organizationId}`}) saved as ${user.id}`);
  });
}

/** innkeeper api-keys create --name N --role service|admin | list | revoke ID */
export async function commandApiKeys(argv: string[], out: (line: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...common, name: { type: 'string' }, role: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const config = loadConfig(process.env, { dataDir: values['data-dir'], memory: values.memory });
  if (sub === 'create') {
    if (values.name === undefined || values.name.trim() === '') throw new AccessUsageError('--name is required');
    const r = role(values.role ?? 'service', ['service', 'admin']) as 'service' | 'admin';
    await withAccessDatabase(config, async (database) => {
      const { key, secret } = await (database.db as AuthDB).transaction().execute(async (trx) => {
        const created = await createApiKey(trx, { name: values.name!.trim(), role: r }, systemClock.now());
        await recordAudit(trx, {
          actor: CLI_ACTOR,
          action: 'api_key.created',
          objectType: 'api_key',
          objectId: created.key.id,
          details: { role: created.key.role },
          at: systemClock.now(),
        });
        return created;
      });
      out(`api-keys: created ${key.id} (${key.name}, ${key.role}); the key is shown once:`);
      out(secret);
    });
  } else if (sub === 'list') {
    await withAccessDatabase(config, async (database) => {
      for (const k of await listApiKeys(database.db as AuthDB))
        out(
          `${k.id}\t${k.name}\t${k.role}\t${k.createdAt.toISOString()}\t${k.revokedAt === null ? 'live' : `revoked ${k.revokedAt.toISOString()}`}`,
        );
    });
  } else if (sub === 'revoke' && positionals.length === 1) {
    await withAccessDatabase(config, async (database) => {
      const revoked = await (database.db as AuthDB).transaction().execute(async (trx) => {
        if (!(await revokeApiKey(trx, positionals[0]!, systemClock.now()))) return false;
        await recordAudit(trx, {
          actor: CLI_ACTOR,
          action: 'api_key.revoked',
          objectType: 'api_key',
          objectId: positionals[0]!,
          at: systemClock.now(),
        });
        return true;
      });
      if (!revoked) throw new AccessUsageError(`no live API key ${JSON.stringify(positionals[0])}`);
      out(`api-keys: revoked ${positionals[0]}`);
    });
  } else {
    throw new AccessUsageError('usage: innkeeper api-keys create --name N [--role service|admin] | list | revoke ID');
  }
}

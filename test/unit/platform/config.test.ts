import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/platform/config.js';

describe('loadConfig', () => {
  it('defaults to port 8080 and the embedded database in .innkeeper/data', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\.innkeeper\/data$/);
    expect(config.logLevel).toBe('info');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer between 0 and 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535 (got 70000)'],
    [{ PORT: '80.5' }, 'PORT must be an integer'],
    [{ DATABASE_URL: 'nonsense' }, 'DATABASE_URL must be a postgres:// URL'],
    [{ DATABASE_URL: 'mysql://root@localhost/db' }, 'DATABASE_URL must use the postgres:// or postgresql:// scheme'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ INNKEEPER_SERVICES: 'inventory,spa' }, 'INNKEEPER_SERVICES names an unknown service "spa"'],
    [{ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE must be between 1 and 500'],
    [{ INVENTORY_URL: 'ftp://x' }, 'INVENTORY_URL must be an http(s) URL'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a password from DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres//user:secret@host/db' })).toThrow(/^(?!.*secret)/);
  });

  it('takes command-line overrides over the environment', () => {
    const config = loadConfig({ PORT: '9000' }, { port: '9100', memory: true, services: 'inventory' });
    expect(config.port).toBe(9100);
    expect(config.dataDir).toBeUndefined();
    expect(config.services).toEqual(['inventory']);
  });

  it('runs on PostgreSQL when DATABASE_URL is set, with no data dir', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/innkeeper' });
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/innkeeper');
    expect(config.dataDir).toBeUndefined();
  });
});

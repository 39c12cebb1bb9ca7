/**
 * The import rules of ARCHITECTURE.md are lint rules: each case writes a small file at a realistic
 * place under src/ (the type-aware config lints only files its TypeScript project can see, so they
 * are real files, in a temporary folder removed afterwards), lints it with the repository's own
 * eslint.config.js, and names the rule that must fire — or that nothing fires for an allowed import.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

/** Each case: a folder under src/ to probe from, and the files to write into a temporary folder there. */
const cases = {
  platformImportsService: {
    under: 'src/platform/http',
    files: {
      'probe.ts': `import { bookingService } from '../../../services/booking/booking.service-module.js';\nexport const probe = bookingService.name;\n`,
    },
  },
  crossService: {
    under: 'src/services/booking',
    files: {
      'probe.ts': `import { inventoryError } from '../../inventory/inventory.errors.js';\nexport const probe = inventoryError.name;\n`,
    },
  },
  fastifyInRepository: {
    under: 'src/services/inventory/retail',
    files: {
      'probe.repository.ts': `import Fastify from 'fastify';\nexport const probe = Fastify.name;\n`,
    },
  },
  fastifyTypeInDomain: {
    under: 'src/services/pricing',
    files: {
      'probe.model.ts': `import type { FastifyRequest } from 'fastify';\nexport type Probe = FastifyRequest['id'];\n`,
    },
  },
  repositoryImportsRoutes: {
    under: 'src/services/payment',
    files: {
      'probe.repository.ts': `import { paymentRoutes } from '../payment.routes.js';\nexport const probe = paymentRoutes.name;\n`,
    },
  },
  serviceImportsHttp: {
    under: 'src/services/pricing',
    files: {
      'probe.service.ts': `import type { App } from '../../../platform/http/app.js';\nexport type Probe = App;\n`,
    },
  },
  migrationImportsApp: {
    under: 'src/services/pricing/migrations',
    files: {
      '2099_01_01_000000_probe.ts': `import { pricingError } from '../../pricing.errors.js';\nexport const probe = pricingError.name;\n`,
    },
  },
  cycle: {
    under: 'src/services/booking',
    files: {
      'left.ts': `import { right } from './right.js';\nexport const left = (): string => 'left';\nexport const viaRight = (): string => right();\n`,
      'right.ts': `import { left } from './left.js';\nexport const right = (): string => left();\n`,
    },
  },
  allowed: {
    under: 'src/services/booking',
    files: {
      // Own service, the platform (HTTP included, outside the restricted layers), and the composition.
      'probe.ts': [
        `import { addDays } from '../../../platform/dates.js';`,
        `import type { App } from '../../../platform/http/app.js';`,
        `import { bookingError } from '../booking.errors.js';`,
        `export const probe = [addDays('2026-01-01', 1), bookingError.name];`,
        `export type Probe = App;`,
        ``,
      ].join('\n'),
    },
  },
} as const satisfies Record<string, { under: string; files: Record<string, string> }>;

type CaseName = keyof typeof cases;
const probeDirs: string[] = [];
const results = new Map<string, Linter.LintMessage[]>();

function messagesOf(name: CaseName, file?: string): Linter.LintMessage[] {
  const c = cases[name];
  const dir = probeDirs[Object.keys(cases).indexOf(name)]!;
  const path = join(dir, file ?? Object.keys(c.files)[0]!);
  const messages = results.get(path);
  if (!messages) throw new Error(`no lint result for ${relative(root, path)}`);
  return messages;
}

const ruleIds = (messages: Linter.LintMessage[]): (string | null)[] => messages.map((m) => m.ruleId);

beforeAll(async () => {
  const paths: string[] = [];
  for (const c of Object.values(cases)) {
    mkdirSync(join(root, c.under), { recursive: true });
    // One level below `under`, so the relative imports above ('../') start from `under`'s level + 1.
    const dir = mkdtempSync(join(root, c.under, 'lint-probe-'));
    probeDirs.push(dir);
    for (const [file, code] of Object.entries(c.files)) {
      const path = join(dir, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, code);
      paths.push(path);
    }
  }
  const eslint = new ESLint({ cwd: root });
  for (const r of await eslint.lintFiles(paths)) results.set(r.filePath, r.messages);
}, 600_000);

afterAll(() => {
  for (const dir of probeDirs) rmSync(dir, { recursive: true, force: true });
});

describe('import boundaries (npm run lint)', () => {
  it('refuses an import of a service from src/platform', () => {
    const messages = messagesOf('platformImportsService');
    expect(ruleIds(messages)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0]!.message).toContain('src/platform serves every service and imports none of them');
  });

  it('refuses a service importing another service’s code', () => {
    const messages = messagesOf('crossService');
    expect(ruleIds(messages)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0]!.message).toContain('only through its HTTP client and src/contracts');
  });

  it('refuses Fastify in a repository, as a value or as a type in a domain file', () => {
    expect(ruleIds(messagesOf('fastifyInRepository'))).toEqual(['no-restricted-imports']);
    expect(messagesOf('fastifyInRepository')[0]!.message).toContain('Domain and repository code knows no HTTP');
    expect(ruleIds(messagesOf('fastifyTypeInDomain'))).toEqual(['no-restricted-imports']);
  });

  it('refuses a repository importing routes', () => {
    const messages = messagesOf('repositoryImportsRoutes');
    expect(ruleIds(messages)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0]!.message).toContain('Repositories hold SQL');
  });

  it('refuses a use-case importing src/platform/http', () => {
    const messages = messagesOf('serviceImportsHttp');
    expect(ruleIds(messages)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0]!.message).toContain('Use-cases return domain values');
  });

  it('refuses a migration importing application code', () => {
    const messages = messagesOf('migrationImportsApp');
    expect(ruleIds(messages)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0]!.message).toContain('Migrations are frozen');
  });

  it('refuses an import cycle, on both of its files', () => {
    expect(ruleIds(messagesOf('cycle', 'left.ts'))).toEqual(['import-x/no-cycle']);
    expect(ruleIds(messagesOf('cycle', 'right.ts'))).toEqual(['import-x/no-cycle']);
  });

  it('lets a service import its own code and the platform', () => {
    expect(messagesOf('allowed')).toEqual([]);
  });
});

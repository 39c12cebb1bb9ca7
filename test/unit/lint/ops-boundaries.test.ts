/**
 * The operator tools' boundary (src/ops): an audit across services may read each service's read-only
 * facts (`src/services/<service>/<service>.reconcile.ts`) and nothing else of a service, and no service
 * or platform code may import src/ops. Probed like test/unit/lint/boundaries.test.ts: real files in a
 * temporary folder under src/, linted with the repository's eslint.config.js.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

const cases = {
  opsReadsFacts: {
    under: 'src/ops',
    code: `import { bookingFacts } from '../../services/booking/booking.reconcile.js';\nimport { intentFacts } from '../../services/payment/payment.reconcile.js';\nexport const probe = [bookingFacts.name, intentFacts.name];\n`,
  },
  opsReadsRepository: {
    under: 'src/ops',
    code: `import { findBooking } from '../../services/booking/booking.repository.js';\nexport const probe = findBooking.name;\n`,
  },
  serviceImportsOps: {
    under: 'src/services/pricing',
    code: `import { reconcile } from '../../../ops/reconcile.js';\nexport const probe = reconcile.name;\n`,
  },
  platformImportsOps: {
    under: 'src/platform/jobs',
    code: `import { reconcile } from '../../../ops/reconcile.js';\nexport const probe = reconcile.name;\n`,
  },
  factsImportOtherService: {
    under: 'src/services/inventory',
    code: `import { bookingFacts } from '../../booking/booking.reconcile.js';\nexport const probe = bookingFacts.name;\n`,
  },
} as const;

const dirs: string[] = [];
const results = new Map<string, Linter.LintMessage[]>();
const messagesOf = (name: keyof typeof cases) => results.get(name)!;

beforeAll(async () => {
  const paths = new Map<string, string>();
  for (const [name, c] of Object.entries(cases)) {
    const dir = mkdtempSync(join(root, c.under, 'lint-probe-'));
    dirs.push(dir);
    const path = join(dir, name === 'factsImportOtherService' ? 'probe.reconcile.ts' : 'probe.ts');
    writeFileSync(path, c.code);
    paths.set(path, name);
  }
  const eslint = new ESLint({ cwd: root });
  for (const r of await eslint.lintFiles([...paths.keys()])) results.set(paths.get(r.filePath)!, r.messages);
}, 600_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the src/ops boundary (npm run lint)', () => {
  it("lets src/ops import each service's reconcile facts", () => {
    expect(messagesOf('opsReadsFacts')).toEqual([]);
  });

  it('refuses src/ops importing any other service code', () => {
    const messages = messagesOf('opsReadsRepository');
    expect(messages.map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0]!.message).toContain('only through its read-only facts');
  });

  it('refuses a service or the platform importing src/ops', () => {
    expect(messagesOf('serviceImportsOps').map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
    expect(messagesOf('platformImportsOps').map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
  });

  it("refuses a service's facts reading another service", () => {
    expect(messagesOf('factsImportOtherService').map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
  });
});

// Type-aware lint: floating promises and non-exhaustive switches over closed unions are errors.
// The import rules of ARCHITECTURE.md are lint rules too (the "Boundaries" block below), so a wrong
// arrow fails `npm run lint`; test/unit/lint/boundaries.test.ts shows each one firing.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** Every service, by folder: each one is a zone that may not reach into the others. */
const services = readdirSync(join(root, 'src/services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/**
 * The read-only facts each service answers about its own schema for the operator's reconciliation
 * (`src/services/<service>/<service>.reconcile.ts`): the only service code `src/ops` may import.
 */
const reconcileFacts = services
  .map((service) => `${service}/${service}.reconcile.ts`)
  .filter((file) => existsSync(join(root, 'src/services', file)));

/**
 * Files holding domain logic only (no HTTP, no SQL): the layer names, plus the pure-logic files
 * that do not carry one yet. Add a file here when it is renamed or created.
 */
const domainFiles = [
  'src/**/*.domain.ts',
  'src/**/*.model.ts',
  'src/**/*.states.ts',
  'src/**/*.errors.ts',
  'src/**/*.tables.ts',
  'src/**/*.events.ts',
  'src/**/*.calendar.ts',
  'src/**/*.settings.ts',
  'src/**/*.card.ts',
  'src/services/inventory/holds/hold.kinds.ts',
];
/** SQL: repositories, and the read-only reconciliation facts of each service. */
const repositoryFiles = ['src/**/*.repository.ts', 'src/**/*.reconcile.ts'];
/** Use-cases: they return domain values; the HTTP answer is the route's business. */
const useCaseFiles = ['src/**/*.service.ts', 'src/**/saga/**/*.ts', 'src/**/*.saga.ts'];

const noFastify = {
  group: ['fastify', 'fastify/*', '@fastify/*'],
  message: 'Domain and repository code knows no HTTP: Fastify belongs to routes, schemas and src/platform/http.',
};

/** Zones of import-x/no-restricted-paths: `target` files may not import `from` files. */
const boundaryZones = [
  {
    target: 'src/platform',
    from: ['src/services', 'src/contracts', 'src/datasets', 'src/ops', 'src/cli.ts'],
    message: 'src/platform serves every service and imports none of them (ARCHITECTURE.md).',
  },
  {
    target: 'src/ops',
    from: 'src/services',
    except: reconcileFacts,
    message: 'Operator tools read a service only through its read-only facts, `src/services/<service>/<service>.reconcile.ts`.',
  },
  {
    target: 'src/services',
    from: 'src/ops',
    message: 'Services know nothing of the operator tools that audit them.',
  },
  {
    target: 'src/contracts',
    from: 'src/services',
    message: 'A shared contract is imported by a service and its clients, so it imports no service code itself.',
  },
  ...services.map((service) => ({
    target: `src/services/${service}`,
    from: services.filter((other) => other !== service).map((other) => `src/services/${other}`),
    message: `A service reaches another only through its HTTP client and src/contracts, never its code.`,
  })),
  {
    target: [...domainFiles, ...repositoryFiles],
    from: 'src/platform/http',
    message: 'Domain and repository code knows no HTTP: src/platform/http is for routes, schemas and clients.',
  },
  {
    target: repositoryFiles,
    from: ['src/**/*.routes.ts'],
    message: 'Repositories hold SQL; routes call them, never the other way round.',
  },
  {
    target: useCaseFiles,
    from: 'src/platform/http',
    message: 'Use-cases return domain values; rendering and stored HTTP answers stay at the route edge.',
  },
  {
    target: 'src/**/migrations/**',
    from: 'src/**',
    except: [join(root, 'src/**/migrations/**')],
    message: 'Migrations are frozen: they import kysely only, never application code that may change.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.innkeeper/', 'bench/results/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['bin/*.mjs', 'bench/*.mjs', 'bench/lib/*.mjs', 'eslint.config.js'] },
        tsconfigRootDir: root,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },

  // Boundaries. Imports are resolved as TypeScript does (`./x.js` is `./x.ts`), so a zone sees the file.
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without this, import-x reads only .js files when it follows imports, and sees no cycle in .ts.
      'import-x/extensions': ['.ts'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: join(root, 'tsconfig.json') })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: boundaryZones }],
      // Runtime cycles (an `import type` is erased, so the rule does not follow it).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: [...domainFiles, ...repositoryFiles],
    rules: { 'no-restricted-imports': ['error', { patterns: [noFastify] }] },
  },
);

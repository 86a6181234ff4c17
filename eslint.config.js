import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import medyour from './lint/module-boundaries.js';

// ARCHITECTURE rule 4: only repositories, *.tables.ts and src/db speak drizzle or reach the tables.
const drizzleOnlyInRepositories = [
  {
    group: ['drizzle-orm', 'drizzle-orm/*'],
    message: 'Only repositories (*.repository.ts), *.tables.ts and src/db import drizzle (ARCHITECTURE rule 4).',
  },
  {
    regex: '(^|/)db/schema(\\.js)?$',
    message: 'The schema barrel (src/db/schema.ts) is for repositories and src/db only (ARCHITECTURE rule 4).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'clients/*/dist/**',
      'dist-bench/**',
      'coverage/**',
      'node_modules/**',
      '.data/**',
      'src/db/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/config (rule 7).',
        },
      ],
    },
  },
  {
    files: ['src/config/**', 'test/**', 'bench/**', '*.config.ts', '*.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  // ARCHITECTURE rule 1: a module reaches another only through its index.ts; the kernel imports no module.
  {
    files: ['src/**/*.ts'],
    plugins: { medyour },
    rules: { 'medyour/module-boundaries': 'error' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repository.ts', 'src/**/*.tables.ts', 'src/db/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: drizzleOnlyInRepositories }] },
  },
  // A module's public face exports functions and types, never its tables (other modules would query them).
  {
    files: ['src/modules/*/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...drizzleOnlyInRepositories,
            {
              group: ['./*.tables.js', './*.tables'],
              allowTypeImports: true,
              message: 'A module index.ts exports no tables: export a function or a query piece instead (rule 1).',
            },
          ],
        },
      ],
    },
  },
);

import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BOUNDARY_RULES = new Set(['medyour/module-boundaries', 'no-restricted-imports']);
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The boundary errors the project's own ESLint config reports for `code` as if it were the file `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return result.messages.filter((m) => m.severity === 2 && BOUNDARY_RULES.has(m.ruleId ?? '')).map((m) => m.ruleId!);
}

describe('module boundaries (ARCHITECTURE rule 1)', () => {
  it.each([
    ['src/modules/search/search.repository.ts', "import { products } from '../catalog/catalog.tables.js';"],
    ['src/modules/search/search.service.ts', "import { CatalogRepository } from '../catalog/catalog.repository.js';"],
    ['src/modules/search/search.service.ts', "import type { ProductRow } from '../catalog/catalog.repository.js';"],
    ['src/modules/search/search.service.ts', "import { x } from '../../modules/catalog/products.service.js';"],
    ['src/modules/identity/data/names.ts', "import { x } from '../../catalog/products.service.js';"],
    ['src/modules/search/index.ts', "export * from '../catalog/catalog.tables.js';"],
    ['src/modules/search/index.ts', "export { ProductsService } from '../catalog/products.service.js';"],
    ['src/modules/search/search.service.ts', "const m = await import('../catalog/products.service.js');"],
  ])('%s may not reach into another module: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual(['medyour/module-boundaries']);
  });

  it('lets a module use another through its index.js, and its own files freely', async () => {
    expect(
      await boundaryErrors(
        'src/modules/search/search.service.ts',
        [
          "import { ProductsService } from '../catalog/index.js';",
          "import { SearchRepository } from './search.repository.js';",
          "import { searchTerms } from '../search/search.rules.js';",
          "import { Public } from '../../kernel/auth/index.js';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('keeps the kernel free of modules', async () => {
    expect(
      await boundaryErrors('src/kernel/http/x.ts', "import { CatalogModule } from '../../modules/catalog/index.js';"),
    ).toEqual(['medyour/module-boundaries']);
  });
});

describe('drizzle only in repositories, tables and src/db (ARCHITECTURE rule 4)', () => {
  it.each([
    ['src/modules/search/search.service.ts', "import { sql } from 'drizzle-orm';"],
    ['src/modules/catalog/products.service.ts', "import type { SQL } from 'drizzle-orm';"],
    ['src/modules/catalog/catalog.rules.ts', "import { text } from 'drizzle-orm/pg-core';"],
    ['src/kernel/http/pagination.ts', "import { sql } from 'drizzle-orm';"],
    ['src/modules/search/search.service.ts', "import { products } from '../../db/schema.js';"],
  ])('%s may not import %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual(['no-restricted-imports']);
  });

  it.each([
    [
      'src/modules/search/search.repository.ts',
      "import { sql } from 'drizzle-orm';\nimport { products } from '../../db/schema.js';",
    ],
    ['src/modules/search/search.tables.ts', "import { pgTable } from 'drizzle-orm/pg-core';"],
    ['src/kernel/events/outbox.repository.ts', "import { eq } from 'drizzle-orm';"],
    ['src/db/seed/catalog.seed.ts', "import { inArray } from 'drizzle-orm';"],
  ])('%s may', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});

describe('a module index.ts exports no tables', () => {
  it('refuses a table re-export, allows a type', async () => {
    expect(
      await boundaryErrors('src/modules/catalog/index.ts', "export { products } from './catalog.tables.js';"),
    ).toEqual(['no-restricted-imports']);
    expect(
      await boundaryErrors('src/modules/catalog/index.ts', "export type { Ingredient } from './catalog.tables.js';"),
    ).toEqual([]);
  });
});

describe('the real tree', () => {
  it('has no boundary violation', async () => {
    const results = await eslint.lintFiles(['src']);
    const violations = results.flatMap((r) =>
      r.messages
        .filter((m) => BOUNDARY_RULES.has(m.ruleId ?? ''))
        .map((m) => `${r.filePath.slice(root.length)}:${m.line} ${m.message}`),
    );
    expect(violations).toEqual([]);
  });
});

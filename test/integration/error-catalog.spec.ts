import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { declaredMessages, defineMessages } from '../../src/kernel/errors/index.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

// A code as the first string argument of AppError's constructor (after the kind) or of its factories.
const THROWN = /AppError(?:\.\w+)?\(\s*(?:'[a-z_]+',\s*)?'([a-z]+\/[a-z-]+)'/g;

describe('error catalog (each module declares its own codes, the kernel collects them)', () => {
  it('has an English and an Arabic message for every code the source throws', () => {
    expect(AppModule).toBeDefined(); // loading the app loads every module's *.errors.ts
    const thrown = new Set<string>();
    for (const file of sourceFiles('src')) {
      for (const m of readFileSync(file, 'utf8').matchAll(THROWN)) thrown.add(m[1]);
    }
    expect(thrown.size).toBeGreaterThan(40);
    const missing = [...thrown].filter((code) => !declaredMessages().has(code)).sort();
    expect(missing).toEqual([]);
  });

  it('keeps each module to its own prefix', () => {
    const owners: Record<string, string[]> = {};
    for (const file of sourceFiles('src/modules').filter((f) => f.endsWith('.errors.ts'))) {
      const module = file.split('/')[2];
      const codes = [...readFileSync(file, 'utf8').matchAll(/^\s+'([a-z]+)\/[a-z-]+': \{/gm)].map((m) => m[1]);
      owners[module] = [...new Set(codes)];
    }
    expect(owners.inventory).toEqual(['inventory']);
    expect(owners.identity?.every((p) => p === 'identity' || p === 'auth')).toBe(true);
    for (const [module, prefixes] of Object.entries(owners)) {
      if (module !== 'identity') expect(prefixes.every((p) => p === module)).toBe(true);
    }
  });

  it('refuses one code declared twice with different words', () => {
    defineMessages({ 'spec/twice': { en: 'a', ar: 'أ' } });
    expect(() => defineMessages({ 'spec/twice': { en: 'a', ar: 'أ' } })).not.toThrow();
    expect(() => defineMessages({ 'spec/twice': { en: 'b', ar: 'ب' } })).toThrow(/declared twice/);
  });
});

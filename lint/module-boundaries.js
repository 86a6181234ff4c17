import path from 'node:path';

/**
 * Rule 1 of ARCHITECTURE.md as a lint rule: a file in src/modules/<a>/ reaches another module <b> only
 * through src/modules/<b>/index.js, and the kernel imports no module. Paths are resolved against the
 * importing file, so `../b/b.repository.js` and `../../modules/b/x.js` are caught alike at any depth.
 */
const src = path.resolve(import.meta.dirname, '..', 'src');
const INDEX = new Set(['index.js', 'index.ts', 'index']);

/** `{ area: 'modules', module: 'catalog', rest: 'catalog.tables.js' }` for a path under src/, else undefined. */
function place(file) {
  const rel = path.relative(src, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [area, module, ...rest] = rel.split(path.sep);
  return { area, module: area === 'modules' ? module : undefined, rest: rest.join('/') };
}

export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Modules import each other only through index.ts; the kernel imports no module' },
    schema: [],
    messages: {
      deep: "Module '{{from}}' may import module '{{to}}' only through '{{to}}/index.js' (ARCHITECTURE rule 1), not '{{source}}'.",
      kernel: "The kernel imports no module (ARCHITECTURE: kernel is domain-free), not '{{source}}'.",
    },
  },
  create(context) {
    const here = place(context.filename);
    if (!here || (here.area !== 'modules' && here.area !== 'kernel')) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = place(path.resolve(path.dirname(context.filename), source));
      if (!target || target.area !== 'modules' || !target.module) return;
      if (here.area === 'kernel') {
        context.report({ node: node.source, messageId: 'kernel', data: { source } });
      } else if (target.module !== here.module && !INDEX.has(target.rest)) {
        context.report({
          node: node.source,
          messageId: 'deep',
          data: { from: here.module, to: target.module, source },
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'module-boundaries': moduleBoundaries } };

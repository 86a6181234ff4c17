import { randomUUID } from 'node:crypto';
import type { Permission } from '../../src/kernel/auth/index.js';
import type { TestApp } from '../setup/app.js';

export interface DocOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** undefined = public */
  permission?: Permission;
  responses: string[];
  pathParams: string[];
}

/** The operations of the app's own OpenAPI document, with the permission each route declares. */
export async function documentedOperations(t: TestApp): Promise<DocOperation[]> {
  const doc = (await t.http.get('/docs-json')).body as {
    paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const permission = /Requires permission `([a-z]+:[a-z]+)`/.exec(op.description ?? '')?.[1] as
        Permission | undefined;
      if (!permission && !op.description?.startsWith('Public.')) {
        throw new Error(`${method.toUpperCase()} ${path} documents neither Public nor a permission`);
      }
      return {
        method: method.toUpperCase() as DocOperation['method'],
        path,
        permission,
        responses: Object.keys(op.responses),
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
      };
    }),
  );
}

/** A concrete URL for an operation: every path parameter a fresh uuid unless given. */
export function urlOf(op: DocOperation, params: Record<string, string> = {}): string {
  return op.path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => params[name] ?? (name === 'role' ? 'admin' : randomUUID()),
  );
}

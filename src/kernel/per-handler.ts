import type { ExecutionContext } from '@nestjs/common';

/**
 * What a route handler declares (its metadata), read once per handler instead of on every request:
 * metadata does not change after boot. Guards and interceptors wrap their reflector reads in it.
 */
export function perHandler<T>(read: (context: ExecutionContext) => T): (context: ExecutionContext) => T {
  const memo = new WeakMap<object, { value: T }>();
  return (context) => {
    const handler = context.getHandler();
    let hit = memo.get(handler);
    if (!hit) memo.set(handler, (hit = { value: read(context) }));
    return hit.value;
  };
}

import { sql } from 'drizzle-orm';
import type { TestApp } from '../setup/app.js';

/** How the object-level matrix makes an object owned by `ownerToken` and proves it unchanged. */
export interface OwnedResource {
  create(t: TestApp, ownerToken: string): Promise<Record<string, string>>;
  snapshot(t: TestApp, params: Record<string, string>): Promise<unknown>;
}
export interface Exempt {
  exempt: string;
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export async function uploadFile(t: TestApp, token: string): Promise<string> {
  const boundary = '----matrix' + Date.now();
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    PNG,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.http.request('POST', '/v1/files', {
    raw: body,
    token,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status}`);
  return res.body.id as string;
}

const files: OwnedResource = {
  create: async (t, token) => ({ id: await uploadFile(t, token) }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select owner_id, storage_key, size_bytes from files where id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

const staffOnly = (why: string): Exempt => ({
  exempt: `staff-only route (${why}); customers get 403 in the function-level matrix`,
});

/**
 * Every operation with a path parameter must be registered here, either with a way to create its object
 * or with the reason it has no owner. A new `{id}` route without an entry fails the build.
 */
export const OBJECT_ROUTES: Record<string, OwnedResource | Exempt> = {
  'GET /v1/files/{id}': files,
  'GET /v1/files/{id}/content': {
    exempt:
      'public by design: the HMAC signature of the link is the access check (files e2e: tampered or borrowed links get 403)',
  },
  'GET /v1/admin/users/{id}': staffOnly('users:read; accounts are not branch-scoped'),
  'POST /v1/admin/users/{id}/roles': staffOnly('roles:write'),
  'DELETE /v1/admin/users/{id}/roles/{role}': staffOnly('roles:write'),
  'POST /v1/admin/doctors/{id}/approve': staffOnly('doctors:approve'),
  'POST /v1/admin/users/{id}/suspend': staffOnly('users:write'),
  'POST /v1/admin/users/{id}/reactivate': staffOnly('users:write'),
};

/** Every list operation (`{ items, nextCursor }`) must say how a second user is kept from the first's rows. */
export const LIST_ROUTES: Record<string, ((t: TestApp, a: string, b: string) => Promise<void>) | Exempt> = {
  'GET /v1/admin/users': staffOnly('users:read: lists every account by design'),
};

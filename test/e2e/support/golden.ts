import type { AddressInfo } from 'node:net';
import {
  ApiError,
  createMedyourClient,
  type MedyourClient,
  type Tokens,
} from '../../../clients/typescript/src/index.js';
import { createStaff } from '../../factories/user.factory.js';
import { ResponseValidator } from '../../security/response-validator.js';
import { bootTestApp, type TestApp } from '../../setup/app.js';

export interface Golden {
  t: TestApp;
  baseUrl: string;
  /** A client over the real port whose every answer is checked against the served document. */
  newClient(tokens?: Tokens): MedyourClient;
  /** A staff account with these roles (created by the factory), signed in on a new client. */
  staffClient(
    roles: { role: string; branchId: string | null }[],
  ): Promise<{ client: MedyourClient; id: string; accessToken: string }>;
  /** How many POST /v1/auth/refresh requests the clients have sent so far. */
  refreshCalls(): number;
  close(): Promise<void>;
}

/**
 * The app on a real port for the golden flows through @medyour/client (types generated from the document,
 * openapi-fetch underneath): a flow that type-checks and passes is one the document describes.
 */
export async function bootGolden(env: Record<string, string | undefined> = {}): Promise<Golden> {
  const t = await bootTestApp(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const validator = new ResponseValidator((await t.http.get('/docs-json')).body);
  let refreshes = 0;

  /** Every answer is also checked against the document, as the in-process HttpClient does. */
  async function checkedFetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/v1/auth/refresh') refreshes++;
    const res = await fetch(request);
    const text = await res.clone().text();
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json') && text ? JSON.parse(text) : text;
    const problems = validator.check(request.method, url.pathname + url.search, res.status, type, body);
    if (problems.length > 0) throw new Error(`Response does not match the OpenAPI document:\n${problems.join('\n')}`);
    return res;
  }

  const newClient = (tokens?: Tokens) => createMedyourClient({ baseUrl, fetch: checkedFetch, language: 'en', tokens });
  return {
    t,
    baseUrl,
    newClient,
    async staffClient(roles) {
      const staff = await createStaff(t, roles);
      const { accessToken, refreshToken } = staff;
      return { client: newClient({ accessToken, refreshToken }), id: staff.user.id, accessToken };
    },
    refreshCalls: () => refreshes,
    close: () => t.close(),
  };
}

/** The ApiError a call was refused with (fails when it succeeded or failed otherwise). */
export async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const outcome = await call.then(
    () => new Error('expected the call to be refused with an ApiError, it succeeded'),
    (e: unknown) => e,
  );
  if (outcome instanceof ApiError) return outcome;
  throw outcome;
}

/** Every item of a client's cursor walk (client.paginate, client.products.list, ...). */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

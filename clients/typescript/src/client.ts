import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ApiError } from './errors.js';
import type { paths } from './schema.js';
import { Session, type Tokens } from './session.js';

export interface MedyourClientOptions {
  /** The API's address, e.g. `http://localhost:3000` (the document's `servers` entry). */
  baseUrl: string;
  /** Tokens from an earlier session (persisted by `onTokens`). */
  tokens?: Tokens;
  /** Called whenever the tokens change (login, rotation, logout): persist them here. */
  onTokens?: (tokens: Tokens | undefined) => void;
  /** Language of problem messages and notifications. */
  language?: 'en' | 'ar';
  fetch?: (request: Request) => Promise<Response>;
}

type Get<P extends keyof paths> = paths[P] extends { get: infer Op } ? Op : never;
type Json200<Op> = Op extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;
type QueryOf<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type PathParamsOf<Op> = Op extends { parameters: { path?: infer X } } ? X : never;

/** GET paths answering a cursor page `{ items, nextCursor }`. */
export type ListPath = {
  [P in keyof paths]: Json200<Get<P>> extends { items: unknown[]; nextCursor: string | null } ? P : never;
}[keyof paths];
type Page<P extends keyof paths> =
  Json200<Get<P>> extends { items: (infer T)[]; nextCursor: string | null }
    ? { items: T[]; nextCursor: string | null }
    : never;
export type ListItem<P extends ListPath> = Page<P>['items'][number];
export interface PageInit<P extends ListPath> {
  query?: Omit<QueryOf<Get<P>>, 'cursor'>;
  path?: PathParamsOf<Get<P>>;
}

/** Answers that carry a new token pair, and those that end the session. */
const ISSUES_TOKENS = new Set(['/v1/auth/login', '/v1/auth/register', '/v1/auth/refresh']);
const ENDS_SESSION = new Set(['/v1/auth/logout', '/v1/auth/logout-all']);
const REFRESH = '/v1/auth/refresh';

export type MedyourClient = ReturnType<typeof createMedyourClient>;

/**
 * openapi-fetch over the generated types, plus: the access token on every request, one automatic refresh
 * and retry on a 401, problem+json answers thrown as `ApiError`, and cursor pages as async iterables.
 */
export function createMedyourClient(options: MedyourClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));

  const session = new Session(
    async (refreshToken) => {
      const res = await send(
        new Request(`${baseUrl}${REFRESH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken }),
        }),
      );
      if (!res.ok) return undefined;
      const body = (await res.json()) as Tokens;
      return { accessToken: body.accessToken, refreshToken: body.refreshToken };
    },
    options.tokens,
    options.onTokens,
  );

  const withBearer = (request: Request, token: string) => {
    const authed = new Request(request);
    authed.headers.set('authorization', `Bearer ${token}`);
    return authed;
  };

  /** Sends with the current access token; on a 401, renews once and resends a copy of the request. */
  const authFetch = async (request: Request): Promise<Response> => {
    const token = session.tokens?.accessToken;
    if (!token || request.headers.has('authorization')) return send(request);
    const copy = request.clone();
    const res = await send(withBearer(request, token));
    if (res.status !== 401 || new URL(request.url).pathname.endsWith(REFRESH)) return res;
    if (!(await session.renew(token))) return res;
    return send(withBearer(copy, session.tokens!.accessToken));
  };

  const api: Client<paths> = createClient<paths>({
    baseUrl,
    fetch: authFetch,
    headers: options.language ? { 'accept-language': options.language } : undefined,
  });

  const lifecycle: Middleware = {
    async onResponse({ response, schemaPath }) {
      if (!response.ok) throw await ApiError.from(response);
      if (ISSUES_TOKENS.has(schemaPath)) {
        const body = (await response.clone().json()) as Tokens;
        session.set({ accessToken: body.accessToken, refreshToken: body.refreshToken });
      } else if (ENDS_SESSION.has(schemaPath)) session.set(undefined);
      return undefined;
    },
  };
  api.use(lifecycle);

  /** Every item of every page, following `nextCursor` until it is null. */
  async function* paginate<P extends ListPath>(path: P, init: PageInit<P> = {}): AsyncGenerator<ListItem<P>> {
    let cursor: string | null = null;
    do {
      const query: Record<string, unknown> = { ...(init.query ?? {}), ...(cursor ? { cursor } : {}) };
      const get = api.GET as unknown as (
        p: string,
        i: unknown,
      ) => Promise<{
        data: { items: ListItem<P>[]; nextCursor: string | null };
      }>;
      const { data } = await get(path, { params: { path: init.path, query } });
      yield* data.items;
      cursor = data.nextCursor;
    } while (cursor);
  }

  return Object.assign(api, {
    session,
    /** Rotates the token pair now (it also happens by itself on a 401). False when there is none to rotate. */
    refresh: () => session.renew(session.tokens?.accessToken ?? ''),
    paginate,
    products: { list: (query: PageInit<'/v1/products'>['query'] = {}) => paginate('/v1/products', { query }) },
    branches: { list: (query: PageInit<'/v1/branches'>['query'] = {}) => paginate('/v1/branches', { query }) },
  });
}

/** The body of a successful answer (failures were thrown as ApiError). */
export function ok<T>(result: { data?: T }): T {
  return result.data as T;
}

/**
 * A `bodySerializer` for multipart routes (`POST /v1/files`): each field of the typed body becomes a part, a
 * Blob a file part (a File keeps its name), anything else its text.
 * `client.POST('/v1/files', { body: { file, purpose: 'prescription' }, bodySerializer: formData })`
 */
export function formData(body: unknown): FormData {
  if (!body || typeof body !== 'object') throw new TypeError('formData needs an object of fields');
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (value instanceof Blob) form.append(name, value);
    else if (value !== undefined && value !== null) form.append(name, String(value));
  }
  return form;
}

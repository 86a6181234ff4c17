/** One field problem of a 400 answer. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/**
 * A non-2xx answer. The API speaks application/problem+json (RFC 9457): `code` is stable
 * (`auth/invalid-credentials`, `common/not-found`) and is what a client branches on; `detail` is the
 * translated message for people.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${code}: ${detail}`);
  }

  /** Reads the answer's problem body; an answer that is not problem+json (a proxy's 502) still throws. */
  static async from(response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: keep the status and the text
    }
    const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    return new ApiError(
      response.status,
      str(body.code, `http/${response.status}`),
      str(body.title, response.statusText),
      str(body.detail, text.slice(0, 200)),
      Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : [],
      typeof body.requestId === 'string' ? body.requestId : (response.headers.get('x-request-id') ?? undefined),
      typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : undefined,
    );
  }
}

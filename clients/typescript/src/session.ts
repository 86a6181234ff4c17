/** The two tokens the API issues; the refresh token rotates on every use. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * Holds the tokens and refreshes them: one refresh in flight at a time, however many requests met a 401
 * together (a second refresh would present a refresh token the first one already rotated away).
 */
export class Session {
  private refreshing?: Promise<boolean>;

  constructor(
    private readonly refreshWith: (refreshToken: string) => Promise<Tokens | undefined>,
    private current?: Tokens,
    private readonly onChange?: (tokens: Tokens | undefined) => void,
  ) {}

  get tokens(): Tokens | undefined {
    return this.current;
  }

  set(tokens: Tokens | undefined): void {
    this.current = tokens;
    this.onChange?.(tokens);
  }

  /**
   * After a 401 to a request sent with `usedAccessToken`: true when a newer access token is there to retry
   * with (refreshed now, or already by a concurrent request).
   */
  async renew(usedAccessToken: string): Promise<boolean> {
    if (this.current && this.current.accessToken !== usedAccessToken) return true;
    const refreshToken = this.current?.refreshToken;
    if (!refreshToken) return false;
    this.refreshing ??= this.refreshWith(refreshToken)
      .then((tokens) => {
        // A refused refresh token (revoked, reused, expired) ends the session.
        this.set(tokens);
        return tokens !== undefined;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}

// Where the client's access token comes from: a personal token is fixed, an OAuth connection's
// is refreshed (oauth/oauth_token_provider.ts). The one Lightspeed client (client.ts) asks for
// the token before every attempt and, after a 401, for a renewed one once.

/** What a token may wait for: the caller's deadline and abort signal. */
export interface TokenRequest {
  /** Epoch ms past which no wait may go. */
  deadline: number;
  signal?: AbortSignal;
}

export interface TokenProvider {
  /** The access token to send now (refreshed first when it is about to expire). */
  current(request: TokenRequest): Promise<string>;
  /**
   * After Lightspeed answered 401 to `rejected`: a newer token (another caller's refresh or
   * our own), or throws why there is none. Absent: a 401 is final (a personal token).
   */
  renew?(rejected: string, request: TokenRequest): Promise<string>;
  /** Every token value handed out so far: redacted from every message. */
  readonly known: ReadonlySet<string>;
}

/** A personal access token: the same value always, and a 401 is the operator's to fix. */
export function fixedTokenProvider(token: string): TokenProvider {
  if (token.trim() === "") throw new TypeError("Lightspeed token must not be empty");
  return { current: () => Promise.resolve(token), known: new Set([token]) };
}

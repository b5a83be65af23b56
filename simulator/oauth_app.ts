// Lightspeed's OAuth for one app and one store (README § OAuth of the simulator): the authorize
// page (approved at once, no sign-in), the token endpoint with the authorization-code and
// refresh-token grants, and the access tokens it issued. Refresh tokens rotate: issuing a new
// one revokes the one used, and the revoked one is refused (400 invalid_grant) from then on.
// Faults for the token endpoint: a slow reply sent after the tokens were issued (a refresher
// killed meanwhile never stores them), and a 5xx, at once or late, that issues nothing. Counts
// every request.
import { delay, errorResponse, jsonResponse } from "./http_json.ts";

export interface OAuthAppOptions {
  clientId: string;
  clientSecret: string;
  /** The store's prefix the callback names; "simulated" by default. */
  domainPrefix?: string;
  /** Lifetime of each access token; 604800 s (a week) by default. */
  accessTokenSeconds?: number;
  scopes?: string;
}

/** slow: issued, replied `ms` later; status: nothing issued, replied after `ms` (default 0). */
export type TokenFault = { type: "slow"; ms: number } | {
  type: "status";
  status: number;
  ms?: number;
};

export interface OAuthStats {
  /** Every POST to the token endpoint, whatever became of it. */
  tokenRequests: number;
  codeExchanges: number;
  refreshes: number;
  /** Grants refused: unknown, used or revoked codes and refresh tokens, bad clients. */
  refused: number;
}

export const AUTHORIZE_PATH = "/connect";
export const TOKEN_PATH = "/api/1.0/token";
const CODE_LIFETIME_MS = 10 * 60_000;

export class SimulatedOAuthApp {
  readonly options: Required<OAuthAppOptions>;
  readonly stats: OAuthStats = { tokenRequests: 0, codeExchanges: 0, refreshes: 0, refused: 0 };
  readonly #now: () => number;
  readonly #codes = new Map<string, { redirectUri: string; expiresAt: number }>();
  readonly #refreshTokens = new Set<string>();
  readonly #accessTokens = new Map<string, number>();
  #faults: TokenFault[] = [];
  readonly #issued: string[] = [];

  constructor(options: OAuthAppOptions, now: () => number = Date.now) {
    this.options = {
      domainPrefix: "simulated",
      accessTokenSeconds: 604_800,
      scopes: "customers:read outlets:read products:read sales:read inventory:read registers:read",
      ...options,
    };
    this.#now = now;
  }

  /** Whether an API call with this bearer token is let in: issued here and not expired. */
  accepts(token: string): boolean {
    const expiresAt = this.#accessTokens.get(token);
    return expiresAt !== undefined && this.#now() < expiresAt;
  }

  /** The next token requests meet these faults, one each, in order. */
  queueTokenFaults(...faults: TokenFault[]): void {
    this.#faults.push(...faults);
  }

  /** Every refresh token that still works (at most one after any rotation). */
  liveRefreshTokens(): string[] {
    return [...this.#refreshTokens];
  }

  /** Every access and refresh token ever issued, for searches that none leaked. */
  issuedTokens(): string[] {
    return [...this.#issued];
  }

  /** GET /connect: approves at once and redirects to redirect_uri with code, prefix and state. */
  authorize(url: URL): Response {
    const params = url.searchParams;
    const redirectUri = params.get("redirect_uri") ?? "";
    if (
      params.get("response_type") !== "code" || params.get("client_id") !== this.options.clientId
    ) {
      return errorResponse(400, "Unknown client_id or response_type other than code");
    }
    if (!/^https?:\/\//.test(redirectUri)) return errorResponse(400, "redirect_uri is required");
    const code = randomToken("code");
    this.#codes.set(code, { redirectUri, expiresAt: this.#now() + CODE_LIFETIME_MS });
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    target.searchParams.set("domain_prefix", this.options.domainPrefix);
    target.searchParams.set("state", params.get("state") ?? "");
    return new Response(null, { status: 302, headers: { location: target.href } });
  }

  /** POST /api/1.0/token, form-encoded. */
  async token(request: Request): Promise<Response> {
    this.stats.tokenRequests++;
    const fault = this.#faults.shift();
    if (fault?.type === "status") {
      await delay(fault.ms ?? 0);
      return errorResponse(fault.status, "Injected token failure");
    }
    const form = new URLSearchParams(await request.text());
    const reply = this.#grant(form);
    if (fault?.type === "slow") await delay(fault.ms);
    return reply;
  }

  #grant(form: URLSearchParams): Response {
    if (
      form.get("client_id") !== this.options.clientId ||
      form.get("client_secret") !== this.options.clientSecret
    ) {
      return this.#refuse("invalid_client");
    }
    if (form.get("grant_type") === "authorization_code") {
      const code = this.#codes.get(form.get("code") ?? "");
      this.#codes.delete(form.get("code") ?? "");
      if (!code || code.expiresAt <= this.#now() || code.redirectUri !== form.get("redirect_uri")) {
        return this.#refuse("invalid_grant");
      }
      this.stats.codeExchanges++;
      return this.#issue();
    }
    if (form.get("grant_type") === "refresh_token") {
      // Rotation: the token used is revoked the moment a new one is issued.
      if (!this.#refreshTokens.delete(form.get("refresh_token") ?? "")) {
        return this.#refuse("invalid_grant");
      }
      this.stats.refreshes++;
      return this.#issue();
    }
    return this.#refuse("unsupported_grant_type");
  }

  #refuse(error: string): Response {
    this.stats.refused++;
    return jsonResponse(400, { error });
  }

  #issue(): Response {
    const accessToken = randomToken("access");
    const refreshToken = randomToken("refresh");
    const seconds = this.options.accessTokenSeconds;
    const expires = this.#now() + seconds * 1000;
    this.#accessTokens.set(accessToken, expires);
    this.#refreshTokens.add(refreshToken);
    this.#issued.push(accessToken, refreshToken);
    return jsonResponse(200, {
      access_token: accessToken,
      token_type: "Bearer",
      expires: Math.floor(expires / 1000),
      expires_in: seconds,
      refresh_token: refreshToken,
      domain_prefix: this.options.domainPrefix,
      scope: this.options.scopes,
    });
  }
}

function randomToken(kind: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `sim-${kind}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

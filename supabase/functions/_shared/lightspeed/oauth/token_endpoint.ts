// Lightspeed's token endpoint, POST https://{prefix}.retail.lightspeed.app/api/1.0/token
// (form-encoded): the code exchange of a connect and every refresh. Judges the reply only as
// far as the refresher needs: new tokens, a refusal (the code or refresh token is no longer
// good), or no usable answer (it may or may not have been spent).
import { isTokenSafeUrl } from "../../loopback.ts";

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms the access token expires at. */
  expiresAt: number;
  /** Seconds the access token was issued for. */
  lifetimeSeconds: number;
  scopes: string;
  domainPrefix?: string;
}

export type TokenReply =
  | { kind: "issued"; tokens: IssuedTokens }
  | { kind: "refused"; status: number }
  | { kind: "no_answer"; detail: string };

export interface TokenEndpointCall {
  url: string;
  form: Record<string, string>;
  timeoutMs: number;
  now?: () => number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** The token URL of the API base ".../api/2.0": the same origin's /api/1.0/token. */
export function tokenUrlOf(apiBaseUrl: string): string {
  return new URL("/api/1.0/token", apiBaseUrl).href;
}

/** Sends one token request; never throws for what the server or the network does. */
export async function callTokenEndpoint(call: TokenEndpointCall): Promise<TokenReply> {
  // The client secret and the refresh token travel in the body: never in clear text.
  if (!isTokenSafeUrl(call.url)) throw new TypeError("The token URL must use https");
  const timeout = AbortSignal.timeout(call.timeoutMs);
  let response: Response;
  try {
    response = await (call.fetch ?? fetch)(call.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(call.form).toString(),
      redirect: "manual",
      signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout,
    });
  } catch (error) {
    if (call.signal?.aborted) throw call.signal.reason;
    const timedOut = timeout.aborted;
    return {
      kind: "no_answer",
      detail: timedOut
        ? `no reply within ${call.timeoutMs} ms`
        : `the request failed (${(error as Error).name})`,
    };
  }
  const text = await response.text().catch(() => "");
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    return { kind: "refused", status: response.status };
  }
  if (!response.ok) return { kind: "no_answer", detail: `status ${response.status}` };
  const tokens = issuedTokens(text, (call.now ?? Date.now)());
  return tokens ? { kind: "issued", tokens } : { kind: "no_answer", detail: "an unreadable reply" };
}

/** The reply's tokens, or null when it lacks one; `expires_in` wins over `expires`. */
function issuedTokens(text: string, now: number): IssuedTokens | null {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const { access_token, refresh_token, expires, expires_in, scope, domain_prefix } = body;
  if (typeof access_token !== "string" || access_token === "") return null;
  if (typeof refresh_token !== "string" || refresh_token === "") return null;
  const lifetimeSeconds = typeof expires_in === "number"
    ? expires_in
    : typeof expires === "number"
    ? expires - now / 1000
    : NaN;
  if (!Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) return null;
  return {
    accessToken: access_token,
    refreshToken: refresh_token,
    expiresAt: now + lifetimeSeconds * 1000,
    lifetimeSeconds: Math.round(lifetimeSeconds),
    scopes: typeof scope === "string" ? scope : "",
    domainPrefix: typeof domain_prefix === "string" ? domain_prefix : undefined,
  };
}

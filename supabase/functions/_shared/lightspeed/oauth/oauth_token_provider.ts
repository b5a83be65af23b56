// The access token of an OAuth connection, refreshed single-flight across every invocation
// (README § OAuth): the refresher claims the refresh of the generation it saw
// (sync_private.oauth_claim_refresh, a compare-and-swap with a lease); everyone else waits for
// the generation to move and uses the new token. The new pair is stored, refresh token
// included, before the new access token is used. A refresh token Lightspeed refuses marks the
// connection "reconnect needed", after which no refresh is tried again until a reconnect.
import type { Clock } from "../../clock.ts";
import { systemClock } from "../../clock.ts";
import type { Sql } from "../../database.ts";
import type { TokenProvider, TokenRequest } from "../token_provider.ts";
import { LightspeedReconnectNeededError, LightspeedTokenRefreshError } from "./errors.ts";
import { callTokenEndpoint } from "./token_endpoint.ts";
import {
  claimRefresh,
  markReconnectNeeded,
  readConnection,
  type RefreshClaim,
  releaseRefresh,
  type StoredConnection,
  storeRefreshed,
} from "./token_store.ts";

export interface OAuthTokenOptions {
  sql: Sql;
  /** https://{prefix}.retail.lightspeed.app/api/1.0/token */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Longest one token request may take. */
  tokenTimeoutMs?: number;
  /** How long a claim keeps other refreshers waiting: longer than a token request. */
  leaseMs?: number;
  /** How often a waiting caller looks for the new generation. */
  pollMs?: number;
  /** Told every token value met (access and refresh), so messages can redact it. */
  onToken?: (token: string) => void;
}

/** Refresh this long before expiry: 5 minutes, or half the lifetime of a short-lived token. */
export function refreshAheadMs(lifetimeSeconds: number): number {
  return Math.min(300_000, (lifetimeSeconds * 1000) / 2);
}

const OWN_REFRESH_TRIES = 3;

export function oauthTokenProvider(options: OAuthTokenOptions): TokenProvider {
  const { sql } = options;
  const clock = options.clock ?? systemClock;
  const tokenTimeoutMs = options.tokenTimeoutMs ?? 15_000;
  const leaseMs = options.leaseMs ?? tokenTimeoutMs * 2;
  const pollMs = options.pollMs ?? 100;
  const known = new Set<string>();
  const remember = (token: string) => {
    if (known.has(token)) return;
    known.add(token);
    options.onToken?.(token);
  };
  let cached: StoredConnection | null = null;

  const use = (connection: StoredConnection): string => {
    cached = connection;
    const token = connection.accessToken!;
    remember(token);
    return token;
  };
  const fresh = (connection: StoredConnection) =>
    clock.now() < connection.expiresAt - refreshAheadMs(connection.lifetimeSeconds);

  /** The stored connection while usable; otherwise why not, as a permanent error. */
  async function load(): Promise<StoredConnection> {
    const connection = await readConnection(sql);
    if (connection === null) {
      throw new LightspeedReconnectNeededError("the store was never connected");
    }
    if (connection.status !== "connected" || connection.accessToken === null) {
      throw new LightspeedReconnectNeededError(connection.problem ?? "the connection was lost");
    }
    return connection;
  }

  /** A connection newer than generation `seen`: ours, or the one another caller stored. */
  async function refreshed(seen: number, request: TokenRequest): Promise<StoredConnection> {
    let ownTries = 0;
    let lastFailure = "another refresh was still running";
    for (;;) {
      const owner = crypto.randomUUID();
      const claim = await claimRefresh(sql, seen, owner, leaseMs);
      if (claim.claimed) {
        ownTries++;
        const outcome = await refreshOnce(seen, owner, claim, request);
        if (typeof outcome !== "string") return outcome;
        lastFailure = outcome;
      } else {
        const stored = await load();
        if (stored.generation !== seen) return stored;
      }
      const waitMs = claim.claimed ? pollMs * 10 : pollMs;
      if (ownTries >= OWN_REFRESH_TRIES || clock.now() + waitMs > request.deadline) {
        throw new LightspeedTokenRefreshError(lastFailure);
      }
      await clock.sleep(waitMs, request.signal);
    }
  }

  /** One claimed refresh: the stored new connection, or why it got no answer. */
  async function refreshOnce(
    seen: number,
    owner: string,
    claim: RefreshClaim,
    request: TokenRequest,
  ): Promise<StoredConnection | string> {
    if (claim.refreshToken !== null) remember(claim.refreshToken);
    if (claim.refreshToken === null) {
      return await reconnectNeeded(seen, "no refresh token is stored");
    }
    const reply = await callTokenEndpoint({
      url: options.tokenUrl,
      form: {
        grant_type: "refresh_token",
        refresh_token: claim.refreshToken,
        client_id: options.clientId,
        client_secret: options.clientSecret,
      },
      timeoutMs: Math.max(1, Math.min(tokenTimeoutMs, request.deadline - clock.now())),
      now: () => clock.now(),
      fetch: options.fetch,
      signal: request.signal,
    });
    if (reply.kind === "refused") {
      return await reconnectNeeded(
        seen,
        claim.interrupted
          ? "an earlier refresh was cut off before its new token was stored, and Lightspeed " +
            `no longer accepts the refresh token it used (${reply.status})`
          : `Lightspeed refused the refresh token (${reply.status}): revoked or expired`,
      );
    }
    if (reply.kind === "no_answer") {
      // It may have been spent: the claim stays, so the next refresher knows.
      await releaseRefresh(sql, owner);
      return `the token endpoint gave ${reply.detail}`;
    }
    remember(reply.tokens.accessToken);
    remember(reply.tokens.refreshToken);
    await storeRefreshed(sql, seen, reply.tokens);
    return await load();
  }

  async function reconnectNeeded(seen: number, problem: string): Promise<never> {
    await markReconnectNeeded(sql, seen, problem);
    throw new LightspeedReconnectNeededError(problem);
  }

  return {
    known,
    async current(request) {
      if (cached && fresh(cached)) return use(cached);
      const stored = await load();
      return use(fresh(stored) ? stored : await refreshed(stored.generation, request));
    },
    async renew(rejected, request) {
      const stored = await load();
      if (stored.accessToken !== rejected) return use(stored);
      return use(await refreshed(stored.generation, request));
    },
  };
}

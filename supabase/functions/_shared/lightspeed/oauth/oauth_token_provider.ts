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

/** One provider's settings and what it has met. */
interface Refresher {
  options: OAuthTokenOptions;
  clock: Clock;
  tokenTimeoutMs: number;
  leaseMs: number;
  pollMs: number;
  remember(token: string): void;
}

export function oauthTokenProvider(options: OAuthTokenOptions): TokenProvider {
  const known = new Set<string>();
  const tokenTimeoutMs = options.tokenTimeoutMs ?? 15_000;
  const refresher: Refresher = {
    options,
    clock: options.clock ?? systemClock,
    tokenTimeoutMs,
    leaseMs: options.leaseMs ?? tokenTimeoutMs * 2,
    pollMs: options.pollMs ?? 100,
    remember(token) {
      if (known.has(token)) return;
      known.add(token);
      options.onToken?.(token);
    },
  };
  let cached: StoredConnection | null = null;
  const use = (connection: StoredConnection): string => {
    cached = connection;
    refresher.remember(connection.accessToken!);
    return connection.accessToken!;
  };
  const fresh = (connection: StoredConnection) =>
    refresher.clock.now() < connection.expiresAt - refreshAheadMs(connection.lifetimeSeconds);
  return {
    known,
    async current(request) {
      if (cached && fresh(cached)) return use(cached);
      const stored = await load(refresher);
      return use(fresh(stored) ? stored : await refreshed(refresher, stored.generation, request));
    },
    async renew(rejected, request) {
      const stored = await load(refresher);
      if (stored.accessToken !== rejected) return use(stored);
      return use(await refreshed(refresher, stored.generation, request));
    },
  };
}

/** The stored connection while usable; otherwise why not, as a permanent error. */
async function load(refresher: Refresher): Promise<StoredConnection> {
  const connection = await readConnection(refresher.options.sql);
  if (connection === null) {
    throw new LightspeedReconnectNeededError("the store was never connected");
  }
  if (connection.status !== "connected" || connection.accessToken === null) {
    throw new LightspeedReconnectNeededError(connection.problem ?? "the connection was lost");
  }
  return connection;
}

/** A connection newer than generation `seen`: ours, or the one another caller stored. */
async function refreshed(
  refresher: Refresher,
  seen: number,
  request: TokenRequest,
): Promise<StoredConnection> {
  const { clock, pollMs } = refresher;
  let ownTries = 0;
  let lastFailure = "another refresh was still running";
  for (;;) {
    const owner = crypto.randomUUID();
    const claim = await claimRefresh(refresher.options.sql, seen, owner, refresher.leaseMs);
    if (claim.claimed) {
      ownTries++;
      const outcome = await refreshOnce(refresher, { seen, owner, claim }, request);
      if (typeof outcome !== "string") return outcome;
      lastFailure = outcome;
    } else {
      const stored = await load(refresher);
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
  refresher: Refresher,
  { seen, owner, claim }: { seen: number; owner: string; claim: RefreshClaim },
  request: TokenRequest,
): Promise<StoredConnection | string> {
  const { options, clock } = refresher;
  if (claim.refreshToken === null) {
    return await reconnectNeeded(refresher, seen, "no refresh token is stored");
  }
  refresher.remember(claim.refreshToken);
  const reply = await callTokenEndpoint({
    url: options.tokenUrl,
    form: {
      grant_type: "refresh_token",
      refresh_token: claim.refreshToken,
      client_id: options.clientId,
      client_secret: options.clientSecret,
    },
    timeoutMs: Math.max(1, Math.min(refresher.tokenTimeoutMs, request.deadline - clock.now())),
    now: () => clock.now(),
    fetch: options.fetch,
    signal: request.signal,
  });
  if (reply.kind === "refused") {
    return await reconnectNeeded(
      refresher,
      seen,
      claim.interrupted
        ? "an earlier refresh was cut off before its new token was stored, and Lightspeed " +
          `no longer accepts the refresh token it used (${reply.status})`
        : `Lightspeed refused the refresh token (${reply.status}): revoked or expired`,
    );
  }
  if (reply.kind === "no_answer") {
    // It may have been spent: the claim stays, so the next refresher knows.
    await releaseRefresh(options.sql, owner);
    return `the token endpoint gave ${reply.detail}`;
  }
  refresher.remember(reply.tokens.accessToken);
  refresher.remember(reply.tokens.refreshToken);
  await storeRefreshed(options.sql, seen, reply.tokens);
  return await load(refresher);
}

async function reconnectNeeded(
  refresher: Refresher,
  seen: number,
  problem: string,
): Promise<never> {
  await markReconnectNeeded(refresher.options.sql, seen, problem);
  throw new LightspeedReconnectNeededError(problem);
}

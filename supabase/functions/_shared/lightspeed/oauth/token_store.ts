// The OAuth connection in the database (sync_private.lightspeed_oauth, tokens in Vault), through
// the SECURITY DEFINER functions of its migration only: no token is ever in a table.
import type { Sql } from "../../database.ts";
import type { IssuedTokens } from "./token_endpoint.ts";

export interface StoredConnection {
  status: "connected" | "reconnect_needed";
  problem: string | null;
  generation: number;
  domainPrefix: string;
  scopes: string;
  /** Null unless connected. */
  accessToken: string | null;
  /** Epoch ms. */
  expiresAt: number;
  lifetimeSeconds: number;
  /** Another refresher holds the lease. */
  refreshing: boolean;
}

export interface RefreshClaim {
  claimed: boolean;
  /** An earlier refresh of this generation never stored its result. */
  interrupted: boolean;
  refreshToken: string | null;
}

interface CurrentRow {
  status: StoredConnection["status"];
  problem: string | null;
  generation: string;
  domain_prefix: string;
  scopes: string;
  access_token: string | null;
  access_expires_at: Date;
  access_lifetime_seconds: number;
  refreshing: boolean;
}

/** The stored connection, or null when the store was never connected. */
export async function readConnection(sql: Sql): Promise<StoredConnection | null> {
  const [row] = await sql<CurrentRow[]>`select * from sync_private.oauth_current()`;
  if (!row) return null;
  return {
    status: row.status,
    problem: row.problem,
    generation: Number(row.generation),
    domainPrefix: row.domain_prefix,
    scopes: row.scopes,
    accessToken: row.access_token,
    expiresAt: row.access_expires_at.getTime(),
    lifetimeSeconds: row.access_lifetime_seconds,
    refreshing: row.refreshing,
  };
}

export async function claimRefresh(
  sql: Sql,
  seen: number,
  owner: string,
  leaseMs: number,
): Promise<RefreshClaim> {
  const [row] = await sql<{ claimed: boolean; interrupted: boolean; refresh_token: string }[]>`
    select * from sync_private.oauth_claim_refresh(${seen}, ${owner}, ${leaseMs})`;
  return { claimed: row.claimed, interrupted: row.interrupted, refreshToken: row.refresh_token };
}

/** Stores a refresh's pair; the new generation, or null when a newer pair was stored first. */
export async function storeRefreshed(
  sql: Sql,
  seen: number,
  tokens: IssuedTokens,
): Promise<number | null> {
  const [row] = await sql<{ generation: string | null }[]>`
    select sync_private.oauth_store_refreshed(${seen}, ${tokens.accessToken},
      ${tokens.refreshToken}, ${new Date(tokens.expiresAt)}, ${tokens.lifetimeSeconds},
      ${tokens.scopes}) as generation`;
  return row.generation === null ? null : Number(row.generation);
}

/** A new connection's pair (the connect callback); returns its generation. */
export async function storeConnection(
  sql: Sql,
  domainPrefix: string,
  tokens: IssuedTokens,
): Promise<number> {
  const [row] = await sql<{ generation: string }[]>`
    select sync_private.oauth_connect(${domainPrefix}, ${tokens.scopes}, ${tokens.accessToken},
      ${tokens.refreshToken}, ${new Date(tokens.expiresAt)}, ${tokens.lifetimeSeconds})
      as generation`;
  return Number(row.generation);
}

export async function releaseRefresh(sql: Sql, owner: string): Promise<void> {
  await sql`select sync_private.oauth_release_refresh(${owner})`;
}

export async function markReconnectNeeded(sql: Sql, seen: number, problem: string): Promise<void> {
  await sql`select sync_private.oauth_mark_reconnect(${seen}, ${problem})`;
}

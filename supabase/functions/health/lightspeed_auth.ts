// Health's `lightspeed_auth` block (README § OAuth): in oauth mode whether the store is
// connected, and when a reconnect is needed, the whole health is red: every sync would fail
// until an operator reconnects. Anyone sees the state and times; only callers with credentials
// see the problem's text. Never a token: it reads the connection's row, not Vault.
import type { SyncConfig } from "../_shared/config.ts";
import type { Sql } from "../_shared/database.ts";

export type LightspeedAuthStatus = "personal" | "connected" | "reconnect_needed" | "not_connected";

export interface LightspeedAuthHealth {
  mode: SyncConfig["authMode"];
  status: LightspeedAuthStatus;
  domain_prefix?: string;
  scopes?: string;
  access_expires_at?: string;
  refreshed_at?: string | null;
  /** A refresh holds the lease now. */
  refreshing?: boolean;
  problem?: string | null;
}

interface ConnectionRow {
  status: "connected" | "reconnect_needed";
  problem: string | null;
  domain_prefix: string;
  scopes: string;
  access_expires_at: Date;
  refreshed_at: Date | null;
  refreshing: boolean;
}

export async function lightspeedAuthHealth(
  sql: Sql,
  config: SyncConfig,
  trusted: boolean,
): Promise<LightspeedAuthHealth> {
  if (config.authMode === "personal") return { mode: "personal", status: "personal" };
  const [row] = await sql<ConnectionRow[]>`
    select status, problem, domain_prefix, scopes, access_expires_at, refreshed_at,
      refresh_owner is not null and refresh_lease_until > clock_timestamp() as refreshing
    from sync_private.lightspeed_oauth`;
  if (!row) return { mode: "oauth", status: "not_connected" };
  return {
    mode: "oauth",
    status: row.status,
    domain_prefix: row.domain_prefix,
    scopes: row.scopes,
    access_expires_at: row.access_expires_at.toISOString(),
    refreshed_at: row.refreshed_at?.toISOString() ?? null,
    refreshing: row.refreshing,
    ...(trusted ? { problem: row.problem } : {}),
  };
}

/** Why health is red because of the connection, or null when the connection is fine. */
export function authProblem(auth: LightspeedAuthHealth): string | null {
  if (auth.status === "reconnect_needed") {
    return 'Lightspeed OAuth needs reconnecting: run "deno task connect" (README § OAuth)';
  }
  if (auth.status === "not_connected") {
    return 'Lightspeed OAuth is not connected yet: run "deno task connect" (README § OAuth)';
  }
  return null;
}

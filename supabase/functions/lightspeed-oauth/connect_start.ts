// The start of a connect (README § OAuth): a random single-use `state`, kept as its SHA-256 for
// ten minutes, and Lightspeed's authorize URL carrying it.
import type { SyncConfig } from "../_shared/config.ts";
import type { Sql } from "../_shared/database.ts";

export const STATE_LIFETIME_MS = 10 * 60_000;

/**
 * What the sync reads, plus `webhooks` so `deno task webhooks register` works with OAuth too.
 * Lightspeed names scopes for users, taxes, payment types, suppliers and consignments; brands,
 * tags, customer groups and outlet taxes have no scope of their own in its list (README, OAuth).
 */
export const REQUESTED_SCOPES = [
  "outlets:read",
  "registers:read",
  "customers:read",
  "products:read",
  "sales:read",
  "inventory:read",
  "users:read",
  "taxes:read",
  "payment_types:read",
  "suppliers:read",
  "consignments:read",
  "webhooks",
].join(" ");

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(
    /[+/=]/g,
    (c) => c === "+" ? "-" : c === "/" ? "_" : "",
  );
}

/** Records a new state and returns the authorize URL to open, with when it stops working. */
export async function startConnect(
  sql: Sql,
  config: SyncConfig,
  redirectUrl: string,
): Promise<{ authorizeUrl: string; expiresAt: Date }> {
  const state = randomState();
  const expiresAt = new Date(Date.now() + STATE_LIFETIME_MS);
  await sql`delete from sync_private.oauth_states where expires_at < now()`;
  await sql`insert into sync_private.oauth_states (state_hash, expires_at)
    values (${await sha256Hex(state)}, ${expiresAt})`;
  const url = new URL(config.oauthAuthorizeUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.lightspeedClientId!,
    redirect_uri: redirectUrl,
    state,
    scope: REQUESTED_SCOPES,
  }).toString();
  return { authorizeUrl: url.href, expiresAt };
}

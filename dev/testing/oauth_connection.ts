// Test help for OAuth: a store connected through the simulator's authorize page and token
// endpoint, stored the way the callback stores it, and a clean slate between tests.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import {
  callTokenEndpoint,
  tokenUrlOf,
} from "../../supabase/functions/_shared/lightspeed/oauth/token_endpoint.ts";
import { storeConnection } from "../../supabase/functions/_shared/lightspeed/oauth/token_store.ts";
import type { RunningSimulator } from "../../simulator/simulator.ts";

export const testOAuthApp = {
  clientId: "test-oauth-client",
  clientSecret: "test-oauth-client-secret-0123",
};

/** Forgets any connection: its row, its Vault secrets and pending states. */
export async function forgetOAuthConnection(sql: Sql): Promise<void> {
  await sql`delete from sync_private.lightspeed_oauth`;
  await sql`delete from sync_private.oauth_states`;
  await sql`delete from vault.secrets where name like 'lightspeed_oauth_%'`;
}

/** The code the simulator's authorize page hands the redirect URI. */
export async function authorizeCode(sim: RunningSimulator, redirectUri: string): Promise<string> {
  const url = new URL(sim.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: testOAuthApp.clientId,
    redirect_uri: redirectUri,
    state: crypto.randomUUID(),
  }).toString();
  const reply = await fetch(url, { redirect: "manual" });
  return new URL(reply.headers.get("location")!).searchParams.get("code")!;
}

/** Connects the simulator's store as the callback would; returns the generation stored. */
export async function connectThroughSimulator(sql: Sql, sim: RunningSimulator): Promise<number> {
  const redirectUri = "http://127.0.0.1:9/callback";
  const reply = await callTokenEndpoint({
    url: tokenUrlOf(sim.apiBaseUrl),
    form: {
      grant_type: "authorization_code",
      code: await authorizeCode(sim, redirectUri),
      redirect_uri: redirectUri,
      client_id: testOAuthApp.clientId,
      client_secret: testOAuthApp.clientSecret,
    },
    timeoutMs: 5_000,
  });
  if (reply.kind !== "issued") throw new Error(`The code exchange failed: ${reply.kind}`);
  return await storeConnection(sql, "simulated", reply.tokens);
}

// Lightspeed's redirect after the retailer approved (README § OAuth): the state must be one we
// issued, unused and unexpired (it is spent here either way); the store must be the configured
// one; the code is exchanged and the tokens go to Vault. The outcome is a sentence for the page,
// never a token or a reply body.
import type { SyncConfig } from "../_shared/config.ts";
import type { Sql } from "../_shared/database.ts";
import { callTokenEndpoint, tokenUrlOf } from "../_shared/lightspeed/oauth/token_endpoint.ts";
import { storeConnection } from "../_shared/lightspeed/oauth/token_store.ts";
import { sha256Hex } from "./connect_start.ts";

export interface CallbackOutcome {
  status: number;
  message: string;
}

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOKEN_TIMEOUT_MS = 15_000;

/** Spends the state: "ok", or why it is refused. */
async function spendState(sql: Sql, state: string): Promise<"ok" | "unknown" | "expired"> {
  const [row] = await sql<{ fresh: boolean }[]>`
    delete from sync_private.oauth_states where state_hash = ${await sha256Hex(state)}
    returning expires_at > now() as fresh`;
  if (!row) return "unknown";
  return row.fresh ? "ok" : "expired";
}

/** The configured store's prefix, when the API base URL is Lightspeed's own. */
function configuredPrefix(config: SyncConfig): string | null {
  const host = new URL(config.lightspeedBaseUrl).hostname;
  return host.endsWith(".retail.lightspeed.app") ? host.split(".")[0] : null;
}

export async function completeConnect(
  sql: Sql,
  config: SyncConfig,
  params: URLSearchParams,
  redirectUrl: string,
): Promise<CallbackOutcome> {
  const retry = 'Start again with "deno task connect" or the dashboard\'s Connect button.';
  const state = params.get("state") ?? "";
  const spent = state === "" ? "unknown" : await spendState(sql, state);
  if (spent !== "ok") {
    const why = spent === "expired" ? "has expired" : "is unknown or was already used";
    return { status: 400, message: `This connect link ${why}. ${retry}` };
  }
  if (params.get("error")) {
    return { status: 400, message: `Lightspeed did not grant access. ${retry}` };
  }
  const code = params.get("code") ?? "";
  const prefix = (params.get("domain_prefix") ?? "").toLowerCase();
  if (code === "" || !DOMAIN_PREFIX.test(prefix)) {
    return { status: 400, message: `Lightspeed's reply lacked the code or the store. ${retry}` };
  }
  const expected = configuredPrefix(config);
  if (expected !== null && expected !== prefix) {
    return {
      status: 400,
      message: `The store approved was "${prefix}", but the sync is set up for "${expected}" ` +
        `(LIGHTSPEED_DOMAIN_PREFIX). Sign in to "${expected}" and start again.`,
    };
  }
  return await exchange(sql, config, { code, prefix, redirectUrl, retry });
}

async function exchange(
  sql: Sql,
  config: SyncConfig,
  input: { code: string; prefix: string; redirectUrl: string; retry: string },
): Promise<CallbackOutcome> {
  const reply = await callTokenEndpoint({
    url: tokenUrlOf(config.lightspeedBaseUrl),
    form: {
      grant_type: "authorization_code",
      code: input.code,
      redirect_uri: input.redirectUrl,
      client_id: config.lightspeedClientId!,
      client_secret: config.lightspeedClientSecret!,
    },
    timeoutMs: TOKEN_TIMEOUT_MS,
  });
  if (reply.kind === "refused") {
    return {
      status: 400,
      message: `Lightspeed refused the code (${reply.status}): used, expired, or the app's ` +
        `client id, secret or redirect URL do not match. ${input.retry}`,
    };
  }
  if (reply.kind === "no_answer") {
    return {
      status: 502,
      message: `Lightspeed's token endpoint gave ${reply.detail}. ${input.retry}`,
    };
  }
  await storeConnection(sql, input.prefix, reply.tokens);
  const scopes = reply.tokens.scopes || "(none listed)";
  return {
    status: 200,
    message: `Connected: the sync now reads store "${input.prefix}" with scopes ${scopes}. ` +
      "You can close this page.",
  };
}

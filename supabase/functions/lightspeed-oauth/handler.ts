// /functions/v1/lightspeed-oauth (README § OAuth). POST {"action": "start"} by an operator
// (x-sync-secret) or a signed-in staff member with the operator role: a new connect's authorize
// URL (whoever approves it decides which Lightspeed user the sync acts as). GET from Lightspeed's
// redirect (anyone; the state is the credential): finishes the connect and answers a plain text
// page (the platform serves a function's HTML as text/plain anyway).
import { hasOperatorRole } from "../_shared/auth/operator_role.ts";
import type { FunctionHandler } from "../_shared/function_entry.ts";
import { errorReply, jsonReply } from "../_shared/http/json_reply.ts";
import { completeConnect } from "./connect_callback.ts";
import { startConnect } from "./connect_start.ts";

function plainPage(status: number, message: string): Response {
  return new Response(`Lightspeed connection\n\n${message}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

export const handleLightspeedOAuth: FunctionHandler = async (req, context, caller) => {
  const { config } = context;
  const redirectUrl = config.oauthRedirectUrl;
  if (req.method === "GET") {
    if (config.authMode !== "oauth" || !redirectUrl) {
      return plainPage(409, "This sync is not set up for OAuth (LIGHTSPEED_AUTH_MODE=oauth).");
    }
    const outcome = await completeConnect(
      context.sql,
      config,
      new URL(req.url).searchParams,
      redirectUrl,
    );
    return plainPage(outcome.status, outcome.message);
  }
  if (req.method !== "POST") return errorReply(405, "Use POST to start, GET for the callback");
  if (caller.kind !== "operator" && caller.kind !== "staff") {
    return errorReply(401, "Send x-sync-secret or a signed-in staff member's token");
  }
  if (config.authMode !== "oauth") {
    return errorReply(409, "LIGHTSPEED_AUTH_MODE is not oauth: this sync uses a personal token");
  }
  if (caller.kind === "staff" && !await hasOperatorRole(context.sql, caller.userId)) {
    return errorReply(
      403,
      "Connecting Lightspeed needs the operator role: the x-sync-secret header (deno task " +
        "connect), or a staff member marked operator (README, OAuth)",
    );
  }
  if (!redirectUrl) {
    return errorReply(503, "Set LIGHTSPEED_OAUTH_REDIRECT_URL (or SUPABASE_URL)");
  }
  const body = await req.json().catch(() => null);
  if (body?.action !== "start") return errorReply(400, 'Send {"action": "start"}');
  const { authorizeUrl, expiresAt } = await startConnect(context.sql, config, redirectUrl);
  return jsonReply(200, {
    authorize_url: authorizeUrl,
    redirect_url: redirectUrl,
    expires_at: expiresAt.toISOString(),
  }, { "cache-control": "no-store" });
};

// The common front of every function: resolve the context (a bad setting is a clear 500),
// identify the caller, and keep unexpected failures to a one-line, secret-free message that
// only callers with credentials see (a database error can say more than anyone should read).
import { type Caller, identifyCaller } from "./auth/caller.ts";
import { ConfigError } from "./config.ts";
import { type FunctionContext, isolateFunctionContext } from "./function_context.ts";
import { errorReply } from "./http/json_reply.ts";
import { describeError } from "./redact.ts";

export type FunctionHandler = (
  req: Request,
  context: FunctionContext,
  caller: Caller,
) => Promise<Response>;

export type ContextProvider = () => FunctionContext;

export interface ServeOptions {
  /**
   * The status of a failure the handler could not answer: 500 by default; health answers 503,
   * since a health check that failed cannot say the sync is healthy.
   */
  failureStatus?: number;
  /**
   * The function's name as the scheduler calls it (`sync-entity`, `import-history`); without
   * one, signed scheduler calls are refused.
   */
  functionName?: string;
}

const GENERIC_FAILURE =
  "Unexpected failure; the details are logged and shown to callers with credentials";

// The dashboard calls the functions from the browser with a staff JWT.
const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers":
    "authorization, apikey, content-type, x-client-info, x-sync-secret",
  "access-control-max-age": "3600",
};

function withCors(response: Response): Response {
  for (const [name, value] of Object.entries(corsHeaders)) response.headers.set(name, value);
  return response;
}

export function serveFunction(
  handler: FunctionHandler,
  contextProvider: ContextProvider = isolateFunctionContext,
  options: ServeOptions = {},
): (req: Request) => Promise<Response> {
  const failureStatus = options.failureStatus ?? 500;
  return async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: corsHeaders });
    return withCors(await handleRequest(req));
  };

  async function handleRequest(req: Request): Promise<Response> {
    let context: FunctionContext;
    try {
      context = contextProvider();
    } catch (error) {
      if (error instanceof ConfigError) {
        return errorReply(failureStatus, "The sync is not configured correctly", {
          problems: error.problems,
        });
      }
      throw error;
    }
    // Until identified, a caller is anonymous: a failure while identifying tells them nothing.
    let caller: Caller = { kind: "anonymous" };
    try {
      caller = await identifyCaller(req, {
        sql: context.sql,
        syncSecret: context.config.syncSecret,
        functionName: options.functionName,
        supabaseUrl: context.config.supabaseUrl,
        // A project's legacy anon key may be disabled; its publishable key is the current one.
        supabaseKey: context.config.supabasePublishableKey ?? context.config.supabaseAnonKey,
        apiKeys: context.config.supabaseApiKeys,
        jwks: context.config.supabaseJwks,
      });
      // Credentials presented and refused (a stale or replayed scheduler signature): say why.
      if (caller.kind === "anonymous" && caller.refused) return errorReply(401, caller.refused);
      return await handler(req, context, caller);
    } catch (error) {
      const message = describeError(error, context.secrets);
      console.error(`Unexpected failure: ${message}`);
      if (caller.kind === "anonymous") return errorReply(failureStatus, GENERIC_FAILURE);
      return errorReply(failureStatus, `Unexpected failure: ${message}`);
    }
  }
}

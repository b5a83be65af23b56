// The local API on 127.0.0.1:54321, standing in for what `supabase start` serves there:
// /functions/v1/<name> (the project's functions), and the development stand-ins for
// /auth/v1 (GoTrue) and /rest/v1 (PostgREST) that the dashboard uses. The key mode
// (dev/api/key_mode.ts) decides which API keys the stand-ins accept, how user tokens are signed,
// and which key variables the functions get (the names hosted Supabase gives them).
import { localDatabaseUrl } from "../paths.ts";
import { authStandInDatabase, restStandInUrl } from "./stand_in_logins.ts";
import { localDashboardOrigins, withCors } from "./cors.ts";
import { createAuthHandler } from "./auth/handler.ts";
import { createFunctionsRouter, type FunctionsRouterOptions } from "./functions_router.ts";
import { createRestHandler } from "./rest/handler.ts";
import { functionsKeyEnv, type KeyMode } from "./key_mode.ts";
import { localKeys } from "./local_keys.ts";

export interface LocalApiOptions {
  port?: number;
  /** Environment of the functions (Deno.env and supabase/functions/.env are not read here). */
  functionsEnv: Record<string, string | undefined>;
  databaseUrl?: string;
  /** Which keys the stack uses (default "both"). */
  keyMode?: KeyMode;
  /** The functions' workers: their wall clock, and who hears of their lives. */
  functions?: FunctionsRouterOptions;
  /** The dashboard origins browsers may call from (default: the local dashboard's). */
  allowedOrigins?: readonly string[];
}

export interface LocalApi {
  url: string;
  keyMode: KeyMode;
  port: number;
  stop(): Promise<void>;
}

export function startLocalApi(options: LocalApiOptions): LocalApi {
  const databaseUrl = options.databaseUrl ?? localDatabaseUrl;
  const authSql = authStandInDatabase(databaseUrl);
  const keyMode = options.keyMode ?? "both";
  const project = { mode: keyMode, keys: localKeys };
  const auth = createAuthHandler({ sql: authSql, project });
  const rest = createRestHandler({ databaseUrl: restStandInUrl(databaseUrl), project });
  let functions: ReturnType<typeof createFunctionsRouter> | null = null;

  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: options.port ?? 54321,
      onListen: () => {},
    },
    withCors((req) => {
      const path = new URL(req.url).pathname;
      const fn = path.match(/^\/functions\/v1\/([a-z0-9-]+)\/?$/);
      if (fn) return functions!.handle(req, fn[1]);
      if (path.startsWith("/auth/v1/")) return auth(req);
      if (path.startsWith("/rest/v1/")) return rest(req);
      return Promise.resolve(Response.json({ error: "Not found" }, { status: 404 }));
    }, options.allowedOrigins ?? localDashboardOrigins),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  functions = createFunctionsRouter({
    SUPABASE_URL: url,
    SUPABASE_DB_URL: databaseUrl,
    ...functionsKeyEnv(keyMode, localKeys),
    ...options.functionsEnv,
  }, options.functions);
  return {
    url,
    keyMode,
    port: server.addr.port,
    async stop() {
      await server.shutdown();
      await functions!.close();
      await authSql.end({ timeout: 5 });
      await rest.close();
    },
  };
}

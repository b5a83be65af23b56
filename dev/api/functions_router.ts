// Serves the project's Edge Functions in this process under /functions/v1/<name>, the URL
// shape of `supabase start`. Handlers are the same modules the deployed functions run.
import {
  createFunctionContext,
  type FunctionContext,
} from "../../supabase/functions/_shared/function_context.ts";
import { ConfigError } from "../../supabase/functions/_shared/config.ts";
import {
  serveFunction,
  type ServeOptions,
} from "../../supabase/functions/_shared/function_entry.ts";
import { handleHealth } from "../../supabase/functions/health/handler.ts";
import { healthServeOptions } from "../../supabase/functions/health/serve_options.ts";
import { handleImportHistory } from "../../supabase/functions/import-history/handler.ts";
import { handleSyncEntity } from "../../supabase/functions/sync-entity/handler.ts";

const handlers = {
  "sync-entity": handleSyncEntity,
  "import-history": handleImportHistory,
  "health": handleHealth,
};

// As each function's index.ts serves it.
const serveOptions: Record<string, ServeOptions> = { health: healthServeOptions };

export const functionNames = Object.keys(handlers);

// EdgeRuntime.waitUntil, as the hosted runtime provides it: background work is tracked so the
// server can wait for it before stopping.
const pending = new Set<Promise<unknown>>();
(globalThis as { EdgeRuntime?: unknown }).EdgeRuntime ??= {
  waitUntil(promise: Promise<unknown>) {
    pending.add(promise);
    promise.finally(() => pending.delete(promise));
  },
};

export async function settleBackgroundWork(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

export interface FunctionsRouter {
  handle(req: Request, name: string): Promise<Response>;
  close(): Promise<void>;
}

/** One context per server, built lazily so a bad setting is reported per request, by name. */
export function createFunctionsRouter(env: Record<string, string | undefined>): FunctionsRouter {
  let context: FunctionContext | null = null;
  const provider = () => (context ??= createFunctionContext(env));
  const served = Object.fromEntries(
    Object.entries(handlers).map((
      [name, handler],
    ) => [name, serveFunction(handler, provider, serveOptions[name])]),
  );
  return {
    handle(req, name) {
      const serve = served[name];
      if (!serve) {
        return Promise.resolve(
          Response.json({ error: `Function "${name}" not found` }, { status: 404 }),
        );
      }
      return serve(req);
    },
    async close() {
      await settleBackgroundWork();
      await context?.sql.end({ timeout: 5 });
    },
  };
}

export { ConfigError };

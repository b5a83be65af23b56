// Serves the project's Edge Functions under /functions/v1/<name>, the URL shape of
// `supabase start`. Each runs its own index.ts in workers of the local edge runtime
// (dev/edge_runtime/), with a wall clock per worker like the hosted runtime's.
import { createEdgeRuntime, type WorkerEvent } from "../edge_runtime/runtime.ts";

import { functionNames } from "../function_names.ts";

export { functionNames };

const functionsFolder = new URL("../../supabase/functions/", import.meta.url);

export interface FunctionsRouter {
  handle(req: Request, name: string): Promise<Response>;
  /** Waits for the functions' requests and background work (EdgeRuntime.waitUntil), then ends. */
  close(): Promise<void>;
}

export interface FunctionsRouterOptions {
  /** Each worker's wall clock (default 150 s, the Free plan's). */
  workerWallClockMs?: number;
  onWorkerEvent?: (event: WorkerEvent) => void;
}

export type { WorkerEvent };

/**
 * The functions with this environment, read as each worker starts (so it may still be
 * completed after the router is made, before the first request).
 */
export function createFunctionsRouter(
  env: Record<string, string | undefined>,
  options: FunctionsRouterOptions = {},
): FunctionsRouter {
  return createEdgeRuntime({
    functions: Object.fromEntries(
      functionNames.map((name) => [name, new URL(`${name}/index.ts`, functionsFolder).href]),
    ),
    env: () => env,
    wallClockMs: options.workerWallClockMs,
    onEvent: options.onWorkerEvent,
  });
}

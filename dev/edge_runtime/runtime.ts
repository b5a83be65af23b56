// The local stand-in for Supabase's Edge Runtime: each function runs in workers of its own
// (dev/edge_runtime/local_worker.ts), one taking new requests at a time and serving several,
// each with its own wall clock; a request that finds none (or only a retired one) starts a
// fresh worker, as the hosted pool does. docs/interface.md § Worker wall clock says what it
// reproduces and what it does not.
import { bootErrorReply, DEFAULT_WALL_CLOCK_MS } from "./limits.ts";
import { LocalWorker, type WorkerEvent } from "./local_worker.ts";
import { toWireRequest } from "./messages.ts";

export interface EdgeRuntimeOptions {
  /** Function name → URL of the module that serves it (its index.ts). */
  functions: Record<string, string>;
  /** The functions' environment, read as each worker starts. */
  env: () => Record<string, string | undefined>;
  /** Each worker's wall clock (default 150 s, the Free plan's). */
  wallClockMs?: number;
  onEvent?: (event: WorkerEvent) => void;
}

export interface EdgeRuntime {
  /** Serves a request for the named function; 404 when there is no such function. */
  handle(req: Request, name: string): Promise<Response>;
  /** Takes no new request, lets every worker finish its requests and background work, ends. */
  close(): Promise<void>;
}

export type { WorkerEvent };

// A request may find its worker retired while it boots another; a few tries always suffice.
const MAX_ROUTING_TRIES = 5;

export function createEdgeRuntime(options: EdgeRuntimeOptions): EdgeRuntime {
  const wallClockMs = options.wallClockMs ?? DEFAULT_WALL_CLOCK_MS;
  /** Per function, the worker taking new requests (or booting to). */
  const active = new Map<string, Promise<LocalWorker | null>>();
  const starting = new Set<Promise<LocalWorker | null>>();
  const live = new Set<LocalWorker>();
  let nextId = 1;
  let closed = false;

  function startWorker(name: string): Promise<LocalWorker | null> {
    let started: LocalWorker | null = null;
    const boot: Promise<LocalWorker | null> = LocalWorker.start({
      functionName: name,
      id: nextId++,
      entryUrl: options.functions[name],
      env: definedValues(options.env()),
      wallClockMs,
      onEvent: options.onEvent ?? (() => {}),
      onRetire: () => {
        if (active.get(name) === boot) active.delete(name);
      },
      onEnd: () => {
        if (started) live.delete(started);
      },
    });
    active.set(name, boot);
    starting.add(boot);
    void boot.then((worker) => {
      starting.delete(boot);
      started = worker;
      if (worker) live.add(worker);
      // A function that failed to boot is tried again by the next request.
      else if (active.get(name) === boot) active.delete(name);
    });
    return boot;
  }

  async function handle(req: Request, name: string): Promise<Response> {
    if (!Object.hasOwn(options.functions, name)) {
      return Response.json({ error: `Function "${name}" not found` }, { status: 404 });
    }
    if (closed) return bootErrorReply();
    const request = await toWireRequest(req);
    for (let tries = 0; tries < MAX_ROUTING_TRIES; tries++) {
      const worker = await (active.get(name) ?? startWorker(name));
      if (!worker) return bootErrorReply();
      // Checked and sent in one step: nothing can retire the worker in between.
      if (worker.acceptsRequests()) return worker.serve(request);
    }
    return bootErrorReply();
  }

  async function close(): Promise<void> {
    closed = true;
    active.clear();
    await Promise.all(starting);
    await Promise.all([...live].map((worker) => worker.close()));
  }

  return { handle, close };
}

function definedValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

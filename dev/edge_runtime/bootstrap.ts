// The first module of every local worker: it gives the function what the hosted Edge Runtime
// gives a user worker (its own environment, EdgeRuntime.waitUntil, a `beforeunload` event with
// detail.reason), captures the handler the function's index.ts passes to Deno.serve, then
// serves the requests the runtime forwards. See docs/interface.md § Worker wall clock.
import {
  fromWireRequest,
  type RuntimeMessage,
  toWireResponse,
  transferablesOf,
  type WorkerMessage,
} from "./messages.ts";

type Handler = (req: Request) => Response | Promise<Response>;

interface WorkerScope {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<RuntimeMessage>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
let handler: Handler | null = null;
const background = new Set<Promise<unknown>>();

/** Deno.env reads and writes this worker's own copy, as each hosted function has its own. */
function installEnvironment(values: Record<string, string>): void {
  const env = new Map(Object.entries(values));
  const ownEnv = {
    get: (name: string) => env.get(name),
    set: (name: string, value: string) => void env.set(name, value),
    has: (name: string) => env.has(name),
    delete: (name: string) => void env.delete(name),
    toObject: () => Object.fromEntries(env),
  };
  Object.defineProperty(Deno, "env", { value: ownEnv, configurable: true, writable: true });
}

/** Deno.serve(handler), Deno.serve(options, handler) or Deno.serve({handler}): kept, not bound. */
function installServe(): void {
  const serve = (...args: unknown[]) => {
    const options = args[0] as { handler?: Handler } | undefined;
    handler = (args.find((arg) => typeof arg === "function") as Handler | undefined) ??
      options?.handler ?? null;
    return {
      finished: new Promise<void>(() => {}),
      shutdown: () => Promise.resolve(),
      ref() {},
      unref() {},
      addr: { transport: "tcp", hostname: "127.0.0.1", port: 0 },
    };
  };
  Object.defineProperty(Deno, "serve", { value: serve, configurable: true, writable: true });
}

/** EdgeRuntime.waitUntil: the runtime counts pending promises to know when the worker idles. */
function installEdgeRuntime(): void {
  const report = () => scope.postMessage({ type: "background", pending: background.size });
  (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime = {
    waitUntil<T>(promise: Promise<T>): Promise<T> {
      background.add(promise);
      report();
      const settle = () => {
        background.delete(promise);
        report();
      };
      promise.then(settle, settle);
      return promise;
    },
  };
}

async function boot(entryUrl: string, env: Record<string, string>): Promise<void> {
  installEnvironment(env);
  installServe();
  installEdgeRuntime();
  try {
    await import(entryUrl);
    if (!handler) throw new Error(`${entryUrl} did not call Deno.serve`);
    scope.postMessage({ type: "ready" });
  } catch (error) {
    console.error(error);
    scope.postMessage({ type: "boot_error", message: String(error) });
  }
}

async function serve(id: number, message: Extract<RuntimeMessage, { type: "request" }>) {
  let response: Response;
  try {
    response = await handler!(fromWireRequest(message.request));
  } catch (error) {
    // What Deno.serve does with a handler that throws.
    console.error(error);
    response = new Response("Internal Server Error", { status: 500 });
  }
  const wire = await toWireResponse(response);
  scope.postMessage({ type: "response", id, response: wire }, transferablesOf(wire));
}

function dispatchBeforeUnload(reason: string): void {
  globalThis.dispatchEvent(
    new CustomEvent("beforeunload", { cancelable: true, detail: { reason } }),
  );
  scope.postMessage({ type: "beforeunload_dispatched", reason });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === "boot") void boot(message.entryUrl, message.env);
  else if (message.type === "request") void serve(message.id, message);
  else if (message.type === "beforeunload") dispatchBeforeUnload(message.reason);
};

// Work that continues after the reply. On Supabase, EdgeRuntime.waitUntil keeps the isolate
// alive for it; the local functions server provides the same hook.

interface EdgeRuntimeLike {
  waitUntil(promise: Promise<unknown>): void;
}

export function background(work: Promise<unknown>): void {
  const runtime = (globalThis as { EdgeRuntime?: EdgeRuntimeLike }).EdgeRuntime;
  const guarded = work.catch((error) => {
    console.error(`Background work failed: ${error instanceof Error ? error.message : error}`);
  });
  if (runtime) runtime.waitUntil(guarded);
}

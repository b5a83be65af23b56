// A function for the local edge runtime's tests: says which worker answered and what it sees,
// sleeps or leaves background work on request, and reports `beforeunload` to CALLBACK_URL.
const worker = crypto.randomUUID();
const callbackUrl = Deno.env.get("CALLBACK_URL");

function report(what: string): Promise<void> {
  return fetch(`${callbackUrl}/${what}?worker=${worker}`, { method: "POST" })
    .then((reply) => reply.body?.cancel());
}

globalThis.addEventListener("beforeunload", (event) => {
  void report(`beforeunload/${(event as CustomEvent<{ reason: string }>).detail.reason}`);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.serve(async (req) => {
  const url = new URL(req.url);
  const ms = Number(url.searchParams.get("ms") ?? 0);
  if (url.pathname.endsWith("/background")) {
    const edgeRuntime = (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } })
      .EdgeRuntime;
    edgeRuntime?.waitUntil(sleep(ms).then(() => report("background-done")));
  } else {
    await sleep(ms);
  }
  return Response.json({
    worker,
    greeting: Deno.env.get("GREETING") ?? null,
    body: req.method === "POST" ? await req.text() : null,
  });
});

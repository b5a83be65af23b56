// A call to the simulator's control API (simulator/README.md): GET without a body, POST with
// one; a non-2xx reply is an error naming the route.

// Replies are read field by field by their callers.
// deno-lint-ignore no-explicit-any
type Json = any;

export async function simulatorControl(
  controlUrl: string,
  path: string,
  body?: unknown,
): Promise<Json> {
  const reply = await fetch(`${controlUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await reply.text();
  if (!reply.ok) throw new Error(`simulator ${path} answered HTTP ${reply.status}: ${text}`);
  return JSON.parse(text);
}

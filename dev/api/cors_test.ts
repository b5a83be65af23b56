// The local API answers browsers from the dashboard's origins only: a page of another origin
// gets no CORS allowance, neither on a preflight nor on a simple request, whatever the route.
// Real HTTP against the real server (requests refused before any database access).
import assert from "node:assert/strict";
import { startLocalApi } from "./server.ts";

const dashboard = "http://127.0.0.1:5999";
const foreign = "https://evil.example";

async function withApi(
  allowedOrigins: string[] | undefined,
  run: (url: string) => Promise<void>,
) {
  const api = startLocalApi({ port: 0, functionsEnv: {}, allowedOrigins });
  try {
    await run(api.url);
  } finally {
    await api.stop();
  }
}

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "PATCH",
      "access-control-request-headers": "apikey, authorization, content-type",
    },
  });
}

const routes = ["/rest/v1/sync_settings", "/auth/v1/settings", "/functions/v1/health"];

Deno.test("a preflight from the dashboard's origin is allowed, from any other origin not", async () => {
  await withApi([dashboard], async (url) => {
    for (const route of routes) {
      const allowed = await preflight(`${url}${route}`, dashboard);
      await allowed.body?.cancel();
      assert.equal(allowed.status, 204, route);
      assert.equal(allowed.headers.get("access-control-allow-origin"), dashboard, route);
      assert.match(allowed.headers.get("access-control-allow-headers")!, /\bapikey\b/);
      assert.match(allowed.headers.get("access-control-allow-methods")!, /\bPATCH\b/);

      const refused = await preflight(`${url}${route}`, foreign);
      await refused.body?.cancel();
      for (const [name] of refused.headers) {
        assert.ok(!name.startsWith("access-control-"), `${route}: ${name} sent to ${foreign}`);
      }
    }
  });
});

Deno.test("replies carry the allowance for the dashboard's origin only, never a wildcard", async () => {
  await withApi([dashboard], async (url) => {
    for (const route of routes) {
      const own = await fetch(`${url}${route}`, { headers: { origin: dashboard } });
      await own.body?.cancel();
      assert.equal(own.headers.get("access-control-allow-origin"), dashboard, route);
      assert.match(own.headers.get("vary")!, /\bOrigin\b/, route);

      for (const headers of [{ origin: foreign }, {} as Record<string, string>]) {
        const other = await fetch(`${url}${route}`, { headers });
        await other.body?.cancel();
        assert.equal(other.headers.get("access-control-allow-origin"), null, route);
        assert.equal(other.headers.get("access-control-allow-credentials"), null, route);
      }
    }
  });
});

Deno.test("by default the local API allows the local dashboard (port 5001) by either host name", async () => {
  await withApi(undefined, async (url) => {
    for (const origin of ["http://127.0.0.1:5001", "http://localhost:5001"]) {
      const reply = await preflight(`${url}/rest/v1/sync_settings`, origin);
      await reply.body?.cancel();
      assert.equal(reply.headers.get("access-control-allow-origin"), origin);
    }
    const other = await preflight(`${url}/rest/v1/sync_settings`, "http://127.0.0.1:5002");
    await other.body?.cancel();
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });
});

import assert from "node:assert/strict";
import { startPageReplay } from "./page_replay.ts";

Deno.test("pages are recorded from upstream, then answered from memory; an unknown one is a 500", async () => {
  let upstreamCalls = 0;
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    upstreamCalls++;
    const url = new URL(request.url);
    if (request.headers.get("authorization") !== "Bearer t") {
      return new Response("", { status: 401 });
    }
    if (url.searchParams.get("after") === "9") return new Response("{}", { status: 429 });
    return Response.json({
      data: [{ id: url.searchParams.get("after") }],
      version: { min: 1, max: 2 },
    });
  });
  const replay = startPageReplay(`http://127.0.0.1:${upstream.addr.port}/api/2.0`);
  const get = (query: string) =>
    fetch(`${replay.apiBaseUrl}/sales${query}`, { headers: { authorization: "Bearer t" } });
  try {
    const recorded = await get("?after=0&page_size=500");
    const body = await recorded.text();
    assert.equal(recorded.status, 200);
    const limited = await get("?after=9");
    assert.equal(limited.status, 429, "a 429 is passed on");
    await limited.body?.cancel();
    assert.equal(replay.pages, 1, "only the successful reply is kept");
    assert.equal(replay.bytes, new TextEncoder().encode(body).byteLength);

    replay.replay();
    await upstream.shutdown();
    const again = await get("?after=0&page_size=500");
    assert.equal(again.status, 200);
    assert.equal(await again.text(), body, "the same bytes, from memory");
    assert.equal(again.headers.get("content-type"), "application/json");
    const unknown = await get("?after=0&page_size=499");
    assert.equal(unknown.status, 500);
    assert.match(await unknown.text(), /not recorded: \/sales\?after=0&page_size=499/);
    assert.equal(replay.replayed, 1);
    assert.equal(upstreamCalls, 2);
  } finally {
    await replay.stop();
    await upstream.shutdown().catch(() => {});
  }
});

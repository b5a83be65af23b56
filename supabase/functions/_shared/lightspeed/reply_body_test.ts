import assert from "node:assert/strict";
import { readReplyBody } from "./reply_body.ts";

const CHUNK = 64 * 1024;

/** A body made chunk by chunk as it is read, counting what was made and whether it was cancelled. */
function countedBody(totalBytes: number, fill = 0x78) {
  const made = { bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(CHUNK, totalBytes - made.bytes);
      if (size <= 0) return controller.close();
      made.bytes += size;
      controller.enqueue(new Uint8Array(size).fill(fill));
    },
    cancel() {
      made.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, made };
}

Deno.test("readReplyBody() reads a body within the cap whole, decoding UTF-8 across chunks", async () => {
  const bytes = new TextEncoder().encode('{"name":"Zoë 🎉"}');
  // Split inside the emoji's four bytes: the decode must not break it.
  const stream = ReadableStream.from([bytes.subarray(0, 15), bytes.subarray(15)]);
  const body = await readReplyBody(new Response(stream), { maxBytes: 100, timeoutMs: 1000 });
  assert.equal(body?.text, '{"name":"Zoë 🎉"}');
  assert.deepEqual(body?.bytes, bytes, "the bytes as they arrived");
  const empty = await readReplyBody(new Response(null), { maxBytes: 1, timeoutMs: 1000 });
  assert.equal(empty?.text, "");
});

Deno.test("readReplyBody() stops reading at the cap and cancels the rest", async () => {
  const { stream, made } = countedBody(64 * 1024 * 1024);
  const body = await readReplyBody(new Response(stream), {
    maxBytes: 1024 * 1024,
    timeoutMs: 5000,
  });
  assert.equal(body, undefined);
  assert.ok(made.bytes <= 1024 * 1024 + CHUNK, `made ${made.bytes} bytes of a 64 MiB body`);
  assert.ok(made.cancelled, "the rest of the body was cancelled");
});

Deno.test("readReplyBody() does not read a body whose content-length is over the cap", async () => {
  const { stream, made } = countedBody(8 * 1024 * 1024);
  const response = new Response(stream, { headers: { "content-length": String(8 * 1024 * 1024) } });
  assert.equal(await readReplyBody(response, { maxBytes: 1024, timeoutMs: 1000 }), undefined);
  assert.ok(made.cancelled);
  assert.ok(made.bytes <= CHUNK, `made ${made.bytes} bytes`);
});

Deno.test("readReplyBody() with truncate keeps exactly the first maxBytes", async () => {
  const { stream, made } = countedBody(10 * CHUNK);
  const body = await readReplyBody(new Response(stream), {
    maxBytes: CHUNK + 10,
    timeoutMs: 1000,
    truncate: true,
  });
  assert.equal(body?.text, "x".repeat(CHUNK + 10));
  assert.ok(made.cancelled && made.bytes <= 3 * CHUNK);
});

Deno.test("readReplyBody() fails with a TimeoutError when the body stops arriving", async () => {
  let cancelled = false;
  const stalled = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"data":['));
    },
    cancel() {
      cancelled = true;
    },
  });
  const error = await readReplyBody(new Response(stalled), { maxBytes: 1024, timeoutMs: 20 })
    .catch((e) => e);
  assert.ok(error instanceof DOMException && error.name === "TimeoutError", String(error));
  assert.ok(cancelled, "the stalled body was cancelled");
});

/** Bytes that differ from position to position, so a misplaced chunk shows. */
function patterned(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

/** A local HTTP server answering each path with its body, fetched as the client fetches. */
async function withServer(
  bodies: Record<string, () => Response>,
  run: (get: (path: string) => Promise<Response>) => Promise<void>,
) {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (request) => bodies[new URL(request.url).pathname](),
  );
  try {
    await run((path) => fetch(`http://127.0.0.1:${server.addr.port}${path}`));
  } finally {
    await server.shutdown();
  }
}

const gzipped = async (bytes: Uint8Array<ArrayBuffer>) =>
  new Uint8Array(
    await new Response(
      new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );

Deno.test("readReplyBody() reads fetched bodies whole: announced, chunked and compressed", async () => {
  const page = patterned(700 * 1024 + 3);
  const compressed = await gzipped(page);
  await withServer({
    "/announced": () => new Response(page),
    // No content-length: the reading grows its buffer.
    "/chunked": () =>
      new Response(
        ReadableStream.from([
          page.subarray(0, 5),
          page.subarray(5, 300_000),
          page.subarray(300_000),
        ]),
      ),
    // Content-length is the compressed size; fetch hands on the decompressed body.
    "/gzip": () => new Response(compressed, { headers: { "content-encoding": "gzip" } }),
  }, async (get) => {
    for (const path of ["/announced", "/chunked", "/gzip"]) {
      const body = await readReplyBody(await get(path), { maxBytes: page.length, timeoutMs: 5000 });
      assert.equal(body?.bytes.length, page.length, path);
      assert.deepEqual(body?.bytes, page, path);
    }
  });
});

Deno.test("readReplyBody() caps fetched bodies of unannounced length", async () => {
  const page = patterned(2 * 1024 * 1024);
  await withServer({
    "/chunked": () =>
      new Response(ReadableStream.from([page.subarray(0, 1000), page.subarray(1000)])),
  }, async (get) => {
    const capped = await readReplyBody(await get("/chunked"), {
      maxBytes: 1_000_000,
      timeoutMs: 5000,
    });
    assert.equal(capped, undefined);
    const kept = await readReplyBody(await get("/chunked"), {
      maxBytes: 1_000_000,
      timeoutMs: 5000,
      truncate: true,
    });
    assert.deepEqual(kept?.bytes, page.subarray(0, 1_000_000));
    const exact = await readReplyBody(await get("/chunked"), {
      maxBytes: page.length,
      timeoutMs: 5000,
    });
    assert.deepEqual(exact?.bytes, page, "a body exactly at the cap is whole");
  });
});

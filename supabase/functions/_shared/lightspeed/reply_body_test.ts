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

// Reads a reply's body as a stream and stops at a byte cap, so a huge or endless body costs at
// most the cap in memory and download, never the whole of it (README "Lightspeed client
// safety").

/**
 * The most the client reads of one reply. A page of 500 sales is 2–3 MB and the default pages
 * of the other entities are smaller still; the largest a legitimate page can be, 10,000
 * records at LIGHTSPEED_PAGE_SIZE's maximum, stays well below this. Past it the isolate
 * (about 150 MB) could not hold the text and its parsed records anyway: the cap turns an
 * out-of-memory kill into an error that says what happened.
 */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Of a failing reply only the start is read: its error keeps an excerpt. */
export const ERROR_REPLY_BYTES = 64 * 1024;

export interface ReadOptions {
  maxBytes: number;
  /** Longest the whole body may take to arrive. */
  timeoutMs: number;
  /** Keep the first maxBytes of a longer body instead of reporting it too large. */
  truncate?: boolean;
}

const utf8 = new TextDecoder();

/**
 * A reply's body as it arrived. Its text is decoded once, when first asked for: a page that
 * lands unparsed goes to PostgreSQL as these bytes (sync/page_reply.ts) and is never decoded.
 */
export class ReplyBody {
  #text: string | undefined;
  constructor(readonly bytes: Uint8Array) {}

  /** A body made from text (a reply that did not come over HTTP: tests, stand-ins). */
  static fromText(text: string): ReplyBody {
    return new ReplyBody(new TextEncoder().encode(text));
  }

  /** The UTF-8 text, as Response.text() gives it (invalid sequences replaced). */
  get text(): string {
    return this.#text ??= utf8.decode(this.bytes);
  }
}

/**
 * The body, or undefined when it is longer than maxBytes (reading stopped there and
 * the rest was cancelled). A body that stops arriving fails with a TimeoutError DOMException.
 */
export async function readReplyBody(
  response: Response,
  options: ReadOptions,
): Promise<ReplyBody | undefined> {
  const bytes = await readReplyBytes(response, options);
  return bytes && new ReplyBody(bytes);
}

async function readReplyBytes(
  response: Response,
  { maxBytes, timeoutMs, truncate = false }: ReadOptions,
): Promise<Uint8Array | undefined> {
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const announced = Number(response.headers.get("content-length"));
  // A body that announces it is too long is not read at all.
  if (!truncate && announced > maxBytes) {
    await body.cancel().catch(() => {});
    return undefined;
  }
  const byob = byobReader(body);
  const reader = byob ?? body.getReader();
  const stopReading = () => void reader.cancel().catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DOMException(`reply body took over ${timeoutMs} ms`, "TimeoutError")),
      timeoutMs,
    );
  });
  const cap: Cap = {
    maxBytes,
    truncate,
    stopReading,
    next: (read) => Promise.race([read, timedOut]),
  };
  try {
    return byob
      ? await readIntoBuffer(byob, initialCapacity(announced, maxBytes), cap)
      : await readChunks(reader as ReadableStreamDefaultReader<Uint8Array>, cap);
  } catch (error) {
    stopReading();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

interface Cap {
  maxBytes: number;
  truncate: boolean;
  stopReading: () => void;
  /** The read, or the body's timeout if that comes first. */
  next: <T>(read: Promise<T>) => Promise<T>;
}

/** A reader that fills buffers it is given, where the body is a byte stream (fetch's is). */
function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: "byob" });
  } catch {
    return undefined; // Not a byte stream (a body made in a test, a stand-in): chunk by chunk.
  }
}

const UNANNOUNCED_CAPACITY = 64 * 1024;

/**
 * Room for the announced length and one byte more, so the read that finds the end needs no
 * more room; a body that announces none (chunked) or is longer (decompressed) grows.
 */
function initialCapacity(announced: number, maxBytes: number): number {
  const wanted = Number.isSafeInteger(announced) && announced >= 0
    ? announced + 1
    : UNANNOUNCED_CAPACITY;
  return Math.min(wanted, maxBytes + 1);
}

/**
 * The body read straight into one buffer: no chunk of it is allocated on its own or copied
 * again to join it (about a fifth of reading a 2 MB page's CPU, measured).
 */
async function readIntoBuffer(
  reader: ReadableStreamBYOBReader,
  capacity: number,
  { maxBytes, truncate, stopReading, next }: Cap,
): Promise<Uint8Array | undefined> {
  let buffer = new Uint8Array(capacity);
  let filled = 0;
  for (;;) {
    if (filled === buffer.length) {
      if (filled > maxBytes) {
        stopReading();
        return truncate ? buffer.subarray(0, maxBytes) : undefined;
      }
      const larger = new Uint8Array(Math.min(buffer.length * 2, maxBytes + 1));
      larger.set(buffer);
      buffer = larger;
    }
    // The read takes the buffer over and hands it back as the view it returns.
    const { done, value } = await next(reader.read(buffer.subarray(filled)));
    if (value) buffer = new Uint8Array(value.buffer);
    if (done) return buffer.subarray(0, filled);
    filled += value.byteLength;
  }
}

async function readChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  { maxBytes, truncate, stopReading, next }: Cap,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await next(reader.read());
    if (done) return joined(chunks, total);
    if (total + value.byteLength > maxBytes) {
      stopReading();
      if (!truncate) return undefined;
      chunks.push(value.subarray(0, maxBytes - total));
      return joined(chunks, maxBytes);
    }
    chunks.push(value);
    total += value.byteLength;
  }
}

function joined(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.length;
  }
  return whole;
}

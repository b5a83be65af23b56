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
  // A body that announces it is too long is not read at all.
  if (!truncate && Number(response.headers.get("content-length")) > maxBytes) {
    await body.cancel().catch(() => {});
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  const stopReading = () => void reader.cancel().catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DOMException(`reply body took over ${timeoutMs} ms`, "TimeoutError")),
      timeoutMs,
    );
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), timedOut]);
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
  } catch (error) {
    stopReading();
    throw error;
  } finally {
    clearTimeout(timer);
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

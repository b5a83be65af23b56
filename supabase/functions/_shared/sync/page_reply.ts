// An unchecked page's reply handed to PostgreSQL as the bytes that arrived: COPY FROM STDIN in
// binary format into the session's reply table. Nothing is decoded, encoded or escaped in the
// function (a text parameter would cost a UTF-8 decode of the reply and an encode of the
// string, about 8 ms per 2 MB page); the server checks the bytes are UTF-8 as it stores them,
// and a reply that is not fails the statement like any other refused data.
import type { TransactionSql } from "../database.ts";
import type { ReplyBody } from "../lightspeed/reply_body.ts";

// Safe under transaction pooling, as the input table (page_input.ts) is. Created at the start of
// every page's transaction (ingest_page.ts), with the input table.
export const createReplyTable =
  "create temp table if not exists sync_page_reply (body text not null) on commit delete rows";

/** The reply's text, for the statement that parses it (ingest_statements.ts). */
export const replyText = "(select body from pg_temp.sync_page_reply)";

// PostgreSQL's binary COPY: signature, flags, header extension length; then one tuple of one
// field (its byte length, then the bytes); then the trailer.
const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];

function tupleHeader(byteLength: number): Uint8Array {
  const header = new Uint8Array(SIGNATURE.length + 4 + 4 + 2 + 4);
  header.set(SIGNATURE);
  const view = new DataView(header.buffer);
  view.setInt32(SIGNATURE.length, 0);
  view.setInt32(SIGNATURE.length + 4, 0);
  view.setInt16(SIGNATURE.length + 8, 1);
  view.setInt32(SIGNATURE.length + 10, byteLength);
  return header;
}

const TRAILER = new Uint8Array([0xff, 0xff]);

interface RejectableQuery {
  reject: (error: unknown) => void;
}

/** Stores the reply's bytes as the one row of the session's reply table (created already). */
export async function copyReply(tx: TransactionSql, reply: ReplyBody): Promise<void> {
  const copy = tx.unsafe("copy pg_temp.sync_page_reply (body) from stdin (format binary)");
  // postgres.js (3.4.9) never ends the stream of a COPY the server refuses after the last
  // write: the error goes only to the query, whose promise has already given the stream.
  // It is heard there.
  const query = copy as unknown as RejectableQuery;
  const reject0 = query.reject;
  if (typeof reject0 !== "function") {
    throw new Error("postgres.js no longer has Query.reject: page_reply.ts must change with it");
  }
  const refused = new Promise<never>((_resolve, reject) => {
    query.reject = (error) => {
      reject(error);
      reject0(error);
    };
  });
  refused.catch(() => {});
  const stream = await copy.writable();
  const finished = new Promise<void>((resolve, reject) => {
    stream.once("finish", resolve);
    stream.once("error", reject);
  });
  // The body in one write: each write is a message and a socket write of its own (writing
  // the reply's 10–20 kB chunks one by one cost more than joining them, profiled).
  stream.write(tupleHeader(reply.bytes.byteLength));
  stream.write(reply.bytes);
  stream.write(TRAILER);
  stream.end();
  await Promise.race([finished, refused]);
}

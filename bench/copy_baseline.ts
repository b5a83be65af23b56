// PostgreSQL's own bulk load, the ceiling the engine's ingest is compared with: the rows an
// import landed, taken out with COPY TO and put back with COPY FROM into the same tables,
// emptied first (same indexes, constraints and triggers), in one transaction.
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { int, log, seconds } from "./log.ts";

/** The driver hands COPY's text over a row at a time; it goes back in blocks of this size. */
const BLOCK_BYTES = 1 << 20;

/** COPY's text of one table, in blocks. */
async function copyOut(sql: Sql, table: string): Promise<Uint8Array[]> {
  const blocks: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const block = new Uint8Array(pendingBytes);
    let offset = 0;
    for (const chunk of pending) {
      block.set(chunk, offset);
      offset += chunk.byteLength;
    }
    blocks.push(block);
    pending = [];
    pendingBytes = 0;
  };
  const readable = await sql.unsafe(`copy public.${table} to stdout`).readable();
  for await (const chunk of readable) {
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= BLOCK_BYTES) flush();
  }
  if (pendingBytes > 0) flush();
  return blocks;
}

/** Writes the blocks, waiting whenever the connection asks to (stream.pipeline hangs here). */
async function copyIn(sql: Sql, table: string, blocks: Uint8Array[]): Promise<void> {
  const writable = await sql.unsafe(`copy public.${table} from stdin`).writable();
  const finished = new Promise<void>((resolve, reject) => {
    writable.on("finish", resolve);
    writable.on("error", reject);
  });
  for (const block of blocks) {
    if (!writable.write(block)) await new Promise((resolve) => writable.once("drain", resolve));
  }
  writable.end();
  await finished;
}

/**
 * Loads the rows the tables hold now `repeats` times into the emptied tables, parents first;
 * each load starts from a checkpoint. Leaves the tables holding the rows.
 */
export async function copyBaseline(
  sql: Sql,
  tables: readonly string[],
  repeats: number,
): Promise<{ ms: number }[]> {
  const dumps = new Map<string, Uint8Array[]>();
  for (const table of tables) dumps.set(table, await copyOut(sql, table));
  const runs: { ms: number }[] = [];
  for (let i = 1; i <= repeats; i++) {
    await sql.unsafe(`truncate ${tables.map((table) => `public.${table}`).join(", ")}`);
    await sql`checkpoint`;
    const started = performance.now();
    await sql.begin(async (tx) => {
      for (const table of tables) await copyIn(tx as unknown as Sql, table, dumps.get(table)!);
    });
    const ms = performance.now() - started;
    runs.push({ ms });
    log(`   COPY ${i} of ${repeats}: ${seconds(ms)}`);
  }
  let rows = 0;
  for (const table of tables) {
    const [{ n }] = await sql.unsafe<{ n: string }[]>(`select count(*) as n from public.${table}`);
    rows += Number(n);
  }
  log(`   COPY landed ${int(rows)} rows each time`);
  return runs;
}

// PostgreSQL's own bulk load, the ceiling the engine's ingest is compared with: the rows an
// import landed, written out by the server with COPY TO and loaded back with COPY FROM into the
// same tables, emptied first (same indexes, constraints and triggers), in one transaction under
// the engine's own transaction settings (its TOAST compression above all). The
// files stay on the server's side (in its data directory), so the figure is PostgreSQL's alone,
// with no client in the way.
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { pageTransactionSettings } from "../supabase/functions/_shared/sync/transaction_settings.ts";
import { benchDataDir, benchPostmasterPid } from "./isolated_db.ts";
import { int, log, seconds } from "./log.ts";
import { readProcessTreeCpuMs } from "./machine_cpu.ts";

/** A table's COPY file, in the data directory. */
const copyFile = (table: string) => `${benchDataDir}/bench-copy-${table}.txt`;

/** The file's path as an SQL literal. */
const fileLiteral = (table: string) => `'${copyFile(table).replaceAll("'", "''")}'`;

/**
 * Loads the rows the tables hold now `repeats` times into the emptied tables, parents first;
 * each load starts from a checkpoint. Leaves the tables holding the rows.
 */
export async function copyBaseline(
  sql: Sql,
  tables: readonly string[],
  repeats: number,
): Promise<{ ms: number; postgresMs: number }[]> {
  for (const table of tables) {
    await sql.unsafe(`copy public.${table} to ${fileLiteral(table)}`);
  }
  const runs: { ms: number; postgresMs: number }[] = [];
  const postmaster = benchPostmasterPid();
  try {
    for (let i = 1; i <= repeats; i++) {
      await sql.unsafe(`truncate ${tables.map((table) => `public.${table}`).join(", ")}`);
      await sql`checkpoint`;
      const started = performance.now();
      const postgresBefore = readProcessTreeCpuMs(postmaster);
      await sql.begin(async (tx) => {
        // The compression the engine writes with, so the two write the same bytes.
        await tx.unsafe(pageTransactionSettings);
        for (const table of tables) {
          await tx.unsafe(`copy public.${table} from ${fileLiteral(table)}`);
        }
      });
      const ms = performance.now() - started;
      const postgresMs = readProcessTreeCpuMs(postmaster) - postgresBefore;
      runs.push({ ms, postgresMs });
      log(`   COPY ${i} of ${repeats}: ${seconds(ms)}, PostgreSQL CPU ${int(postgresMs)} ms`);
    }
  } finally {
    for (const table of tables) {
      await Deno.remove(copyFile(table)).catch(() => {});
    }
  }
  let rows = 0;
  for (const table of tables) {
    const [{ n }] = await sql.unsafe<{ n: string }[]>(`select count(*) as n from public.${table}`);
    rows += Number(n);
  }
  log(`   COPY landed ${int(rows)} rows each time`);
  return runs;
}

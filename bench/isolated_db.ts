// The benchmark's own PostgreSQL 15 cluster (127.0.0.1:54342, under .local/bench-postgres, or
// outside the checkout like the local stack's when PostgreSQL's OS user cannot enter it), built
// by the same code as the local stack's (dev/db/cluster.ts, bootstrap, migrations through the
// Supabase CLI), so a run neither wipes the demo's data nor is disturbed by tests emptying tables.
// Durable like a Supabase database unless a run asks for the fast one (--fast-cluster).
import { clusterExists, initCluster, startCluster, stopCluster } from "../dev/db/cluster.ts";
import { installLocalExtensions } from "../dev/db/local_extensions.ts";
import { applyMigrations, applySupabaseBootstrap } from "../dev/db/migrations.ts";
import { ensureDebianPackages } from "../dev/db/system_packages.ts";
import { databaseUrlOf, pgInstanceNamed } from "../dev/paths.ts";
import { createDatabase } from "../supabase/functions/_shared/database.ts";

export const benchDbPort = 54342;
const benchInstance = (durable: boolean) =>
  pgInstanceNamed("bench-postgres", benchDbPort, { durable });
export const benchDatabaseUrl = databaseUrlOf(benchInstance(true));

export interface ClusterDurability {
  durable: boolean;
  fsync: string;
  synchronousCommit: string;
  fullPageWrites: string;
}

/**
 * Creates (first time) and starts the bench cluster, durable unless asked otherwise, then
 * applies bootstrap and migrations. Returns the settings the server really runs with.
 */
export async function startBenchDatabase(
  options: { durable: boolean } = { durable: true },
): Promise<ClusterDurability> {
  await ensureDebianPackages();
  await installLocalExtensions();
  const instance = benchInstance(options.durable);
  if (!clusterExists(instance)) await initCluster(instance);
  await startCluster(instance);
  await applySupabaseBootstrap(databaseUrlOf(instance));
  await applyMigrations(databaseUrlOf(instance));
  return await settledDurability(options.durable);
}

/**
 * fsync, synchronous_commit and full_page_writes as pg_settings has them, once all three are
 * what was asked for (a running cluster applies rewritten settings at its reload).
 */
async function settledDurability(durable: boolean): Promise<ClusterDurability> {
  const wanted = durable ? "on" : "off";
  const sql = createDatabase(benchDatabaseUrl, { max: 1 });
  try {
    const deadline = Date.now() + 10_000;
    while (true) {
      const rows = await sql<{ name: string; setting: string }[]>`
        select name, setting from pg_settings
        where name in ('fsync', 'synchronous_commit', 'full_page_writes')`;
      const setting = (name: string) => rows.find((r) => r.name === name)?.setting ?? "?";
      const found = {
        durable,
        fsync: setting("fsync"),
        synchronousCommit: setting("synchronous_commit"),
        fullPageWrites: setting("full_page_writes"),
      };
      const { fsync, synchronousCommit, fullPageWrites } = found;
      if ([fsync, synchronousCommit, fullPageWrites].every((value) => value === wanted)) {
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(`The bench cluster runs with ${JSON.stringify(found)}, not all ${wanted}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function stopBenchDatabase(): Promise<void> {
  await stopCluster(benchInstance(true));
}

/** The bench cluster's data directory: a server-side COPY's relative paths start there. */
export const benchDataDir: string = benchInstance(true).dataDir;

/** The bench cluster's postmaster (its backends are its children), from postmaster.pid. */
export function benchPostmasterPid(): number {
  const pidFile = Deno.readTextFileSync(`${benchDataDir}/postmaster.pid`);
  return Number(pidFile.split("\n")[0]);
}

// The benchmark's own PostgreSQL 15 cluster (127.0.0.1:54342, under .local/bench-postgres, or
// outside the checkout like the local stack's when PostgreSQL's OS user cannot enter it), built
// by the same code as the local stack's (dev/db/cluster.ts, bootstrap, migrations through the
// Supabase CLI), so a run neither wipes the demo's data nor is disturbed by tests emptying tables.
import { clusterExists, initCluster, startCluster, stopCluster } from "../dev/db/cluster.ts";
import { installLocalExtensions } from "../dev/db/local_extensions.ts";
import { applyMigrations, applySupabaseBootstrap } from "../dev/db/migrations.ts";
import { ensureDebianPackages } from "../dev/db/system_packages.ts";
import { databaseUrlOf, pgInstanceNamed } from "../dev/paths.ts";

export const benchDbPort = 54342;
const benchInstance = () => pgInstanceNamed("bench-postgres", benchDbPort);
export const benchDatabaseUrl = `postgresql://postgres@127.0.0.1:${benchDbPort}/postgres`;

/** Creates (first time) and starts the bench cluster, then applies bootstrap and migrations. */
export async function startBenchDatabase(): Promise<void> {
  await ensureDebianPackages();
  await installLocalExtensions();
  const instance = benchInstance();
  if (!clusterExists(instance)) await initCluster(instance);
  await startCluster(instance);
  await applySupabaseBootstrap(databaseUrlOf(instance));
  await applyMigrations(databaseUrlOf(instance));
}

export async function stopBenchDatabase(): Promise<void> {
  await stopCluster(benchInstance());
}

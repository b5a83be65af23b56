// The chaos suite's own PostgreSQL cluster (127.0.0.1:54352 under .local/chaos-postgres), built
// by the same code as the local stack's (dev/db/cluster.ts, bootstrap, migrations through the
// Supabase CLI), so a scenario can stop and restart it without disturbing the shared 54322.
import { clusterExists, initCluster, startCluster, stopCluster } from "../dev/db/cluster.ts";
import { installLocalExtensions } from "../dev/db/local_extensions.ts";
import { applyMigrations, applySupabaseBootstrap } from "../dev/db/migrations.ts";
import { databaseUrlOf, pgInstanceNamed } from "../dev/paths.ts";
import { createDatabase, type Sql } from "../supabase/functions/_shared/database.ts";

export const chaosInstance = pgInstanceNamed("chaos-postgres", 54352, { durable: true });
export const chaosDatabaseUrl = databaseUrlOf(chaosInstance);

/** Creates (first time) and starts the cluster, then applies the bootstrap and migrations. */
export async function startChaosDatabase(): Promise<void> {
  await installLocalExtensions();
  if (!clusterExists(chaosInstance)) await initCluster(chaosInstance);
  await startWithRetry();
  await applySupabaseBootstrap(chaosDatabaseUrl);
  await applyMigrations(chaosDatabaseUrl);
}

/** Stops it: "fast" disconnects every client cleanly, "immediate" is a crash stop. */
export async function stopChaosDatabase(mode: "fast" | "immediate" = "fast"): Promise<void> {
  await stopCluster(chaosInstance, mode);
}

export async function restartChaosDatabase(mode: "fast" | "immediate"): Promise<void> {
  await stopCluster(chaosInstance, mode);
  await startWithRetry();
}

/**
 * The port lies in Linux's ephemeral range (32768-60999), so on a busy machine an outgoing
 * connection can hold it for a moment; PostgreSQL then cannot bind. Try again shortly.
 */
async function startWithRetry(): Promise<void> {
  for (let attempt = 1;; attempt++) {
    try {
      await startCluster(chaosInstance);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

let started: Promise<void> | null = null;

/**
 * A connection to the suite's cluster, started (once per test process) on first use. Every
 * scenario runs there: the suite truncates tables and drives the scheduler, and on the shared
 * 54322 that would race other test runs working in the same checkout at the same time.
 */
export async function connectChaosDatabase(): Promise<Sql> {
  started ??= startChaosDatabase();
  await started;
  return createDatabase(chaosDatabaseUrl, { max: 4 });
}

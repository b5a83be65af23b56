// A PostgreSQL cluster of a test's own, on a free port, built like the local stack's
// (dev/db/cluster.ts) and removed afterwards. For a test that applies migrations of its own: the
// shared 54322 cannot take them in a second database, since pg_cron installs only in the one
// database it runs jobs for (cron.database_name), and the migrations schedule jobs.
import {
  clusterExists,
  initCluster,
  removeCluster,
  startCluster,
  stopCluster,
} from "../db/cluster.ts";
import { installLocalExtensions } from "../db/local_extensions.ts";
import { databaseUrlOf, pgInstanceNamed } from "../paths.ts";
import { freePort } from "./functions_process.ts";

export interface PrivateCluster {
  /** The superuser's URL of its `postgres` database (pg_cron's). */
  url: string;
  remove(): Promise<void>;
}

/** Starts an empty cluster; the caller applies the bootstrap and migrations it wants. */
export async function startPrivateCluster(name: string): Promise<PrivateCluster> {
  const instance = pgInstanceNamed(`${name}-${Deno.pid}`, freePort());
  await installLocalExtensions();
  await removeCluster(instance);
  const remove = async () => {
    if (clusterExists(instance)) await stopCluster(instance, "immediate");
    await removeCluster(instance);
  };
  try {
    await initCluster(instance);
    await startCluster(instance);
  } catch (error) {
    await remove();
    throw error;
  }
  return { url: databaseUrlOf(instance), remove };
}

// deno task db:start | db:stop | db:reset — the local Supabase-compatible PostgreSQL, and in
// front of it the local transaction pooler (dev/db/pooler.ts).
import { localDatabaseUrl, localPgInstance, repoRoot } from "../paths.ts";
import { passwordFileOf, printableUrl } from "./local_password.ts";
import { clusterExists, initCluster, removeCluster, startCluster, stopCluster } from "./cluster.ts";
import { installLocalExtensions } from "./local_extensions.ts";
import { applyMigrations, applySupabaseBootstrap } from "./migrations.ts";
import { poolerUrl, startPooler, stopPooler } from "./pooler.ts";
import { ensureDebianPackages } from "./system_packages.ts";

/** Starts (or reuses) the local database; says which, so a caller can stop only what it started. */
export async function startLocalDatabase(
  options: { quiet?: boolean } = {},
): Promise<"started" | "already running"> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  await ensureDebianPackages();
  await installLocalExtensions();
  if (!clusterExists()) {
    log(`Creating a new PostgreSQL 15 cluster in ${localPgInstance().homeDir}`);
    await initCluster();
  }
  const state = await startCluster();
  log(`PostgreSQL ${state}`);
  await applySupabaseBootstrap();
  const migrationOutput = await applyMigrations();
  for (const line of migrationOutput.split("\n")) {
    if (/Applying migration|up to date/i.test(line)) log(line.trim());
  }
  log(`Database URL: ${printableUrl(localDatabaseUrl)} (password in ${passwordFileOf(repoRoot)})`);
  return state;
}

export async function resetLocalDatabase(): Promise<void> {
  await stopCluster();
  await removeCluster();
  await startLocalDatabase();
}

/** Starts (or reloads) the local transaction pooler, the stand-in for Supavisor on 6543. */
export async function startLocalPooler(): Promise<void> {
  console.log(
    `Transaction pooler (PgBouncer) ${await startPooler()}: ${printableUrl(poolerUrl())}`,
  );
}

if (import.meta.main) {
  const command = Deno.args[0];
  try {
    if (command === "start") {
      await startLocalDatabase();
      await startLocalPooler();
    } else if (command === "stop") {
      console.log(`Transaction pooler ${await stopPooler()}`);
      console.log(`PostgreSQL ${await stopCluster()}`);
    } else if (command === "reset") {
      await resetLocalDatabase();
      await startLocalPooler();
    } else throw new Error(`Unknown command "${command}": use start, stop or reset`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}

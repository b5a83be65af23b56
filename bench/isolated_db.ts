// The benchmark's own PostgreSQL 15 cluster (127.0.0.1:54342, under .local/bench-postgres),
// built like the local stack's (same settings, bootstrap and migrations through the Supabase
// CLI), so a run neither wipes the demo's data nor is disturbed by tests emptying tables.
import { supabaseCli } from "../dev/db/migrations.ts";
import { installLocalExtensions } from "../dev/db/local_extensions.ts";
import { ensureDebianPackages, pgBinDir } from "../dev/db/system_packages.ts";
import { join } from "../dev/path_helpers.ts";
import { repoRoot, stateDir } from "../dev/paths.ts";
import { isRoot, runChecked, runCommand } from "../dev/run_command.ts";

export const benchDbPort = 54342;
export const benchDatabaseUrl = `postgresql://postgres@127.0.0.1:${benchDbPort}/postgres`;
const home = join(stateDir, "bench-postgres");
const dataDir = join(home, "data");
const socketDir = join(home, "socket");
const logFile = join(home, "postgres.log");

const settings = `
# Written by bench/isolated_db.ts: the benchmark's throwaway cluster.
listen_addresses = '127.0.0.1'
port = ${benchDbPort}
unix_socket_directories = '${socketDir}'
max_connections = 200
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 32
timezone = 'UTC'
log_timezone = 'UTC'
fsync = off
synchronous_commit = off
full_page_writes = off
`;

function pg(binary: string, args: string[]): [string, string[]] {
  const path = `${pgBinDir}/${binary}`;
  return isRoot() ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
}

async function prepareHome(): Promise<void> {
  await Deno.mkdir(socketDir, { recursive: true });
  if (isRoot()) await runChecked("chown", ["-R", "postgres:postgres", home]);
}

/** Creates (first time) and starts the bench cluster, then applies bootstrap and migrations. */
export async function startBenchDatabase(): Promise<void> {
  await ensureDebianPackages();
  await installLocalExtensions();
  let exists = true;
  try {
    await Deno.stat(join(dataDir, "PG_VERSION"));
  } catch {
    exists = false;
  }
  if (!exists) {
    await prepareHome();
    const [cmd, args] = pg("initdb", [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--auth=trust",
      "--encoding=UTF8",
      "--locale=C.UTF-8",
      "--no-sync",
    ]);
    await runChecked(cmd, args);
    await Deno.writeTextFile(join(dataDir, "postgresql.conf"), settings, { append: true });
  }
  const [statusCmd, statusArgs] = pg("pg_ctl", ["status", "-D", dataDir]);
  if ((await runCommand(statusCmd, statusArgs)).code !== 0) {
    await prepareHome();
    await Deno.remove(join(dataDir, "postmaster.pid")).catch(() => {});
    const [cmd, args] = pg("pg_ctl", ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60"]);
    await runChecked(cmd, args);
  }
  await runChecked("psql", [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-d",
    benchDatabaseUrl,
    "-f",
    join(repoRoot, "dev/db/supabase_bootstrap.sql"),
  ]);
  await runChecked(supabaseCli, [
    "migration",
    "up",
    "--include-all",
    "--workdir",
    repoRoot,
    "--db-url",
    `${benchDatabaseUrl}?sslmode=disable`,
  ], { env: { SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" } });
}

export async function stopBenchDatabase(): Promise<void> {
  const [cmd, args] = pg("pg_ctl", ["stop", "-D", dataDir, "-m", "fast", "-w"]);
  await runCommand(cmd, args);
}

// A throwaway PostgreSQL 15 cluster for development and tests, under the git-ignored state
// folder, listening where `supabase start` puts its database (127.0.0.1:54322). Every function
// takes the cluster as an optional argument (default: that one), so a test can run a second,
// separately restartable cluster built the same way.
import { localPgInstance, type PgInstance } from "../paths.ts";
import { isRoot, runChecked, runCommand } from "../run_command.ts";
import { pgBinDir } from "./system_packages.ts";

// initdb and postgres refuse to run as root; Debian's packages create this OS user.
const osUserWhenRoot = "postgres";

const serverSettings = (instance: PgInstance) => `
# Written by dev/db/cluster.ts for the local stack.
listen_addresses = '${instance.host}'
port = ${instance.port}
unix_socket_directories = '${instance.socketDir}'
max_connections = 200
shared_preload_libraries = 'pg_cron'
cron.database_name = '${instance.database}'
cron.use_background_workers = on
max_worker_processes = 32
timezone = 'UTC'
log_timezone = 'UTC'
# A throwaway development cluster: durability across OS crashes is not needed, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
`;

function pgCommand(binary: string, args: string[]): [string, string[]] {
  const path = `${pgBinDir}/${binary}`;
  return isRoot() ? ["runuser", ["-u", osUserWhenRoot, "--", path, ...args]] : [path, args];
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function prepareHome(instance: PgInstance): Promise<void> {
  await Deno.mkdir(instance.socketDir, { recursive: true });
  if (isRoot()) {
    await runChecked("chown", ["-R", `${osUserWhenRoot}:${osUserWhenRoot}`, instance.homeDir]);
  }
}

export function clusterExists(instance: PgInstance = localPgInstance): boolean {
  return exists(`${instance.dataDir}/PG_VERSION`);
}

export async function initCluster(instance: PgInstance = localPgInstance): Promise<void> {
  await prepareHome(instance);
  const [cmd, args] = pgCommand("initdb", [
    "-D",
    instance.dataDir,
    "-U",
    instance.user,
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  await runChecked(cmd, args);
  await Deno.writeTextFile(`${instance.dataDir}/postgresql.conf`, serverSettings(instance), {
    append: true,
  });
}

export async function isClusterRunning(instance: PgInstance = localPgInstance): Promise<boolean> {
  if (!clusterExists(instance)) return false;
  const [cmd, args] = pgCommand("pg_ctl", ["status", "-D", instance.dataDir]);
  return (await runCommand(cmd, args)).code === 0;
}

async function isPortInUse(instance: PgInstance): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: instance.host, port: instance.port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

export async function startCluster(
  instance: PgInstance = localPgInstance,
): Promise<"started" | "already running"> {
  if (await isClusterRunning(instance)) return "already running";
  if (await isPortInUse(instance)) {
    throw new Error(
      `Port ${instance.port} on ${instance.host} is in use by another process (not this project's ` +
        `database). Stop it (for example "supabase stop" or another PostgreSQL) and retry`,
    );
  }
  const pidFile = `${instance.dataDir}/postmaster.pid`;
  if (exists(pidFile)) {
    console.log(`Removing a stale PostgreSQL pid file left by a crash: ${pidFile}`);
    await Deno.remove(pidFile);
  }
  await prepareHome(instance);
  const [cmd, args] = pgCommand("pg_ctl", [
    "start",
    "-D",
    instance.dataDir,
    "-l",
    instance.logFile,
    "-w",
    "-t",
    "60",
  ]);
  const result = await runCommand(cmd, args);
  if (result.code !== 0) {
    let tail = "";
    try {
      tail = (await Deno.readTextFile(instance.logFile)).trim().split("\n").slice(-10).join("\n");
    } catch { /* no log yet */ }
    throw new Error(
      `PostgreSQL did not start (see ${instance.logFile}):\n${tail || result.stderr}`,
    );
  }
  return "started";
}

/**
 * Stops the cluster: "fast" (the default) disconnects clients and shuts down cleanly;
 * "immediate" is a crash stop (recovery runs at the next start).
 */
export async function stopCluster(
  instance: PgInstance = localPgInstance,
  mode: "fast" | "immediate" = "fast",
): Promise<"stopped" | "not running"> {
  if (!(await isClusterRunning(instance))) return "not running";
  const [cmd, args] = pgCommand("pg_ctl", ["stop", "-D", instance.dataDir, "-m", mode, "-w"]);
  await runChecked(cmd, args);
  return "stopped";
}

export async function removeCluster(instance: PgInstance = localPgInstance): Promise<void> {
  await Deno.remove(instance.homeDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

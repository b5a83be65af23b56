// A throwaway PostgreSQL 15 cluster for development and tests, under the git-ignored state
// folder, listening where `supabase start` puts its database (127.0.0.1:54322).
import { localDb, pgDataDir, pgHomeDir, pgLogFile, pgSocketDir } from "../paths.ts";
import { isRoot, runChecked, runCommand } from "../run_command.ts";
import { pgBinDir } from "./system_packages.ts";

// initdb and postgres refuse to run as root; Debian's packages create this OS user.
const osUserWhenRoot = "postgres";

const serverSettings = `
# Written by dev/db/cluster.ts for the local stack.
listen_addresses = '${localDb.host}'
port = ${localDb.port}
unix_socket_directories = '${pgSocketDir}'
max_connections = 200
shared_preload_libraries = 'pg_cron'
cron.database_name = '${localDb.database}'
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

async function prepareHome(): Promise<void> {
  await Deno.mkdir(pgSocketDir, { recursive: true });
  if (isRoot()) {
    await runChecked("chown", ["-R", `${osUserWhenRoot}:${osUserWhenRoot}`, pgHomeDir]);
  }
}

export function clusterExists(): boolean {
  return exists(`${pgDataDir}/PG_VERSION`);
}

export async function initCluster(): Promise<void> {
  await prepareHome();
  const [cmd, args] = pgCommand("initdb", [
    "-D",
    pgDataDir,
    "-U",
    localDb.user,
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  await runChecked(cmd, args);
  await Deno.writeTextFile(`${pgDataDir}/postgresql.conf`, serverSettings, { append: true });
}

export async function isClusterRunning(): Promise<boolean> {
  if (!clusterExists()) return false;
  const [cmd, args] = pgCommand("pg_ctl", ["status", "-D", pgDataDir]);
  return (await runCommand(cmd, args)).code === 0;
}

async function isPortInUse(): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: localDb.host, port: localDb.port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

export async function startCluster(): Promise<"started" | "already running"> {
  if (await isClusterRunning()) return "already running";
  if (await isPortInUse()) {
    throw new Error(
      `Port ${localDb.port} on ${localDb.host} is in use by another process (not this project's ` +
        `database). Stop it (for example "supabase stop" or another PostgreSQL) and retry`,
    );
  }
  const pidFile = `${pgDataDir}/postmaster.pid`;
  if (exists(pidFile)) {
    console.log(`Removing a stale PostgreSQL pid file left by a crash: ${pidFile}`);
    await Deno.remove(pidFile);
  }
  await prepareHome();
  const [cmd, args] = pgCommand("pg_ctl", [
    "start",
    "-D",
    pgDataDir,
    "-l",
    pgLogFile,
    "-w",
    "-t",
    "60",
  ]);
  const result = await runCommand(cmd, args);
  if (result.code !== 0) {
    let tail = "";
    try {
      tail = (await Deno.readTextFile(pgLogFile)).trim().split("\n").slice(-10).join("\n");
    } catch { /* no log yet */ }
    throw new Error(`PostgreSQL did not start (see ${pgLogFile}):\n${tail || result.stderr}`);
  }
  return "started";
}

export async function stopCluster(): Promise<"stopped" | "not running"> {
  if (!(await isClusterRunning())) return "not running";
  const [cmd, args] = pgCommand("pg_ctl", ["stop", "-D", pgDataDir, "-m", "fast", "-w"]);
  await runChecked(cmd, args);
  return "stopped";
}

export async function removeCluster(): Promise<void> {
  await Deno.remove(pgHomeDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

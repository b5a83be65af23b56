// A throwaway PostgreSQL 15 cluster for development and tests, under the git-ignored state
// folder, listening where `supabase start` puts its database (127.0.0.1:54322). Every function
// takes the cluster as an optional argument (default: that one), so a test can run a second,
// separately restartable cluster built the same way.
import { localPgInstance, type PgInstance } from "../paths.ts";
import { isRoot, runChecked, runCommand, type RunOptions } from "../run_command.ts";
import { pgBinDir } from "./system_packages.ts";
import { pathExists } from "../path_helpers.ts";
import { isOutsideCheckout, osUserWhenRoot } from "./cluster_home.ts";
import { requirePasswords } from "./cluster_auth.ts";

const settingsMarker = "# Written by dev/db/cluster.ts for the local stack.";

const serverSettings = (instance: PgInstance) =>
  `${settingsMarker}
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
${
    instance.durable
      ? `# Durable, like a real Supabase database: an acknowledged commit survives a crash stop.
fsync = on
synchronous_commit = on
full_page_writes = on`
      : `# A throwaway development cluster: durability across OS crashes is not needed, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off`
  }
`;

/**
 * Puts the current serverSettings at the end of postgresql.conf, replacing the block an earlier
 * version wrote (initdb's own lines above it are kept), so a cluster made before a setting
 * changed gets it too. Returns whether the file changed.
 */
async function writeServerSettings(instance: PgInstance): Promise<boolean> {
  const path = `${instance.dataDir}/postgresql.conf`;
  const current = await Deno.readTextFile(path);
  const at = current.indexOf(settingsMarker);
  const wanted = (at === -1 ? `${current}\n` : current.slice(0, at)) + serverSettings(instance);
  if (wanted === current) return false;
  await Deno.writeTextFile(path, wanted);
  return true;
}

/**
 * A command run as the OS user PostgreSQL runs as: `postgres` when we are root, from "/" then,
 * since our working folder may be one that user cannot enter.
 */
function asPgUser(program: string, args: string[]): [string, string[], RunOptions] {
  return isRoot()
    ? ["runuser", ["-u", osUserWhenRoot, "--", program, ...args], { cwd: "/" }]
    : [program, args, {}];
}

/** A PostgreSQL program (initdb and postgres refuse to run as root). */
function pgCommand(binary: string, args: string[]): [string, string[], RunOptions] {
  return asPgUser(`${pgBinDir}/${binary}`, args);
}

/** The cluster's folder, owned by the OS user PostgreSQL runs as. */
async function prepareHome(instance: PgInstance): Promise<void> {
  if (isRoot() && isOutsideCheckout(instance.homeDir)) {
    // Made by the postgres user, so every folder on the way is that user's and mode 700.
    await runChecked(...asPgUser("mkdir", ["-p", "-m", "700", instance.homeDir]));
  }
  await Deno.mkdir(instance.socketDir, { recursive: true });
  if (isRoot()) {
    await runChecked("chown", ["-R", `${osUserWhenRoot}:${osUserWhenRoot}`, instance.homeDir]);
  }
}

export function clusterExists(instance: PgInstance = localPgInstance()): boolean {
  return pathExists(`${instance.dataDir}/PG_VERSION`);
}

/**
 * A new cluster whose superuser has the checkout's password, asked for on TCP and on the socket
 * (scram-sha-256). initdb reads it from a file PostgreSQL's OS user can read, removed at once.
 */
export async function initCluster(instance: PgInstance = localPgInstance()): Promise<void> {
  await prepareHome(instance);
  const passwordFile = `${instance.homeDir}/initdb-password`;
  await Deno.writeTextFile(passwordFile, `${instance.password}\n`, { mode: 0o600 });
  try {
    if (isRoot()) await runChecked("chown", [`${osUserWhenRoot}:`, passwordFile]);
    await runChecked(...pgCommand("initdb", [
      "-D",
      instance.dataDir,
      "-U",
      instance.user,
      `--pwfile=${passwordFile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C.UTF-8",
      "--no-sync",
    ]));
  } finally {
    await Deno.remove(passwordFile).catch(() => {});
  }
  await writeServerSettings(instance);
}

/** The pid postmaster.pid names, or null when there is no such file. */
async function pidFromFile(instance: PgInstance): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(pidFileOf(instance))).split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function pidFileOf(instance: PgInstance): string {
  return `${instance.dataDir}/postmaster.pid`;
}

/**
 * Whether `pid` is a PostgreSQL postmaster serving this data directory: its name is postgres
 * and its working directory (the postmaster changes into its data directory) is this one.
 * Without /proc (not Linux) nothing can be told apart, and pg_ctl's answer stands.
 */
async function isOurPostmaster(instance: PgInstance, pid: number): Promise<boolean> {
  if (!pathExists("/proc/self")) return true;
  try {
    const name = (await Deno.readTextFile(`/proc/${pid}/comm`)).trim();
    const cwd = await Deno.readLink(`/proc/${pid}/cwd`);
    return name === "postgres" && cwd === await Deno.realPath(instance.dataDir);
  } catch {
    // Gone, or another user's process: not a postmaster of ours (ours runs as our OS user).
    return false;
  }
}

/**
 * pg_ctl only checks that the pid in postmaster.pid is alive. After a crash that pid may have
 * been reused by an unrelated process; such a cluster is not running (and must not be signalled).
 */
export async function isClusterRunning(instance: PgInstance = localPgInstance()): Promise<boolean> {
  if (!clusterExists(instance)) return false;
  if ((await runCommand(...pgCommand("pg_ctl", ["status", "-D", instance.dataDir]))).code !== 0) {
    return false;
  }
  const pid = await pidFromFile(instance);
  return pid !== null && await isOurPostmaster(instance, pid);
}

/** pg_isready: 0 accepting, 1 rejecting (e.g. starting up), 2 no response, 3 no attempt. */
async function answersOnPort(instance: PgInstance): Promise<boolean> {
  const result = await runCommand(`${pgBinDir}/pg_isready`, [
    "-h",
    instance.host,
    "-p",
    String(instance.port),
    "-t",
    "5",
  ]);
  return result.code === 0 || result.code === 1;
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

/** A running cluster made when the local clusters trusted every connection now asks for one. */
async function requirePasswordsOf(instance: PgInstance): Promise<void> {
  if (!(await requirePasswords(instance))) return;
  await runChecked(...pgCommand("pg_ctl", ["reload", "-D", instance.dataDir]));
  console.log(
    `PostgreSQL of ${instance.dataDir} trusted every local connection; it now asks for the ` +
      "checkout's password (.local/db-password), data kept",
  );
}

export async function startCluster(
  instance: PgInstance = localPgInstance(),
): Promise<"started" | "already running"> {
  if (await isClusterRunning(instance)) {
    if (!(await answersOnPort(instance))) {
      const pid = await pidFromFile(instance);
      throw new Error(
        `PostgreSQL of ${instance.dataDir} is running (pid ${pid}, from ${pidFileOf(instance)}) ` +
          `but nothing answers on ${instance.host}:${instance.port}. Stop it with ` +
          `"pg_ctl stop -D ${instance.dataDir}" (or kill ${pid}) and retry; its log is ` +
          instance.logFile,
      );
    }
    await requirePasswordsOf(instance);
    if (await writeServerSettings(instance)) {
      await runChecked(...pgCommand("pg_ctl", ["reload", "-D", instance.dataDir]));
      console.log(
        `Server settings of ${instance.dataDir} rewritten and reloaded (a setting that needs a ` +
          "restart, such as shared_preload_libraries, applies at the next stop and start)",
      );
    }
    return "already running";
  }
  if (await isPortInUse(instance)) {
    throw new Error(
      `Port ${instance.port} on ${instance.host} is in use by another process (not this project's ` +
        `database). Stop it (for example "supabase stop" or another PostgreSQL) and retry`,
    );
  }
  const pidFile = pidFileOf(instance);
  if (pathExists(pidFile)) {
    const pid = await pidFromFile(instance);
    console.log(
      `Removing a stale PostgreSQL pid file left by a crash: ${pidFile} (pid ${pid} is not ` +
        "this cluster's PostgreSQL)",
    );
    await Deno.remove(pidFile);
  }
  await prepareHome(instance);
  await writeServerSettings(instance);
  const result = await runCommand(...pgCommand("pg_ctl", [
    "start",
    "-D",
    instance.dataDir,
    "-l",
    instance.logFile,
    "-w",
    "-t",
    "60",
  ]));
  if (result.code !== 0) {
    let tail = "";
    try {
      tail = (await Deno.readTextFile(instance.logFile)).trim().split("\n").slice(-10).join("\n");
    } catch { /* no log yet */ }
    throw new Error(
      `PostgreSQL did not start (see ${instance.logFile}):\n${tail || result.stderr}`,
    );
  }
  await requirePasswordsOf(instance);
  return "started";
}

/**
 * Stops the cluster: "fast" (the default) disconnects clients and shuts down cleanly;
 * "immediate" is a crash stop (recovery runs at the next start).
 */
export async function stopCluster(
  instance: PgInstance = localPgInstance(),
  mode: "fast" | "immediate" = "fast",
): Promise<"stopped" | "not running"> {
  if (!(await isClusterRunning(instance))) {
    // A pid file naming an unrelated process: pg_ctl stop would signal that process.
    await Deno.remove(pidFileOf(instance)).catch(() => {});
    return "not running";
  }
  await runChecked(...pgCommand("pg_ctl", ["stop", "-D", instance.dataDir, "-m", mode, "-w"]));
  return "stopped";
}

export async function removeCluster(instance: PgInstance = localPgInstance()): Promise<void> {
  await Deno.remove(instance.homeDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

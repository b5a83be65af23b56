// The local stand-in for Supabase's transaction pooler (Supavisor on port 6543): Debian's
// PgBouncer in pool_mode = transaction, which enforces the same rules (a transaction may run on
// any server connection, so no session state across transactions and no prepared statements).
// Not a system service: a daemon this project starts and stops, its configuration in the
// git-ignored state folder, listening where `supabase start` puts its pooler (127.0.0.1:54329)
// in front of the local cluster (127.0.0.1:54322).
import { join, pathExists } from "../path_helpers.ts";
import { localDb, repoRoot } from "../paths.ts";
import { clusterHome } from "./cluster_home.ts";
import { isRoot, runChecked, runCommand } from "../run_command.ts";
import { ensureDebianPackages, pgBinDir, pgbouncerRequirement } from "./system_packages.ts";

/** One PgBouncer of the local stack: where it listens, what it pools, where its files live. */
export interface PoolerInstance {
  host: string;
  port: number;
  /** The PostgreSQL it pools. */
  server: { host: string; port: number };
  user: string;
  /** The user's password, asked of clients and given to the server (scram-sha-256 both ways). */
  password: string;
  database: string;
  homeDir: string;
  /** Server connections per database and user (default_pool_size). */
  poolSize: number;
  /** Server connections to the database in all (max_db_connections): the ceiling. */
  maxServerConnections: number;
}

/**
 * A pooler under .local/<name> on 127.0.0.1:<port>; by default small, in front of 54322. Its
 * files are placed like a cluster's (dev/db/cluster_home.ts): PgBouncer runs as the postgres OS
 * user, which may not be able to enter the checkout.
 */
export function poolerInstanceNamed(
  name: string,
  port: number,
  options: Partial<
    Pick<PoolerInstance, "server" | "password" | "poolSize" | "maxServerConnections">
  > = {},
): PoolerInstance {
  const poolSize = options.poolSize ?? 5;
  return {
    host: "127.0.0.1",
    port,
    server: options.server ?? { host: localDb.host, port: localDb.port },
    user: localDb.user,
    // The server's superuser password (the checkout's, unless the server is another's).
    password: options.password || localDb.password,
    database: localDb.database,
    homeDir: clusterHome(repoRoot, name),
    poolSize,
    maxServerConnections: options.maxServerConnections ?? poolSize,
  };
}

/** The local stack's pooler: 127.0.0.1:54329, like `supabase start`'s, five server connections. */
export const localPooler: PoolerInstance = poolerInstanceNamed("pgbouncer", 54329);

export function poolerUrl(instance: PoolerInstance = localPooler): string {
  return `postgresql://${instance.user}:${encodeURIComponent(instance.password)}@` +
    `${instance.host}:${instance.port}/${instance.database}`;
}

const pgbouncerBinary = "/usr/sbin/pgbouncer";
// PgBouncer refuses to run as root; Debian's PostgreSQL packages create this OS user.
const osUserWhenRoot = "postgres";

const files = (instance: PoolerInstance) => ({
  config: join(instance.homeDir, "pgbouncer.ini"),
  users: join(instance.homeDir, "userlist.txt"),
  pid: join(instance.homeDir, "pgbouncer.pid"),
  log: join(instance.homeDir, "pgbouncer.log"),
});

const poolerSettings = (instance: PoolerInstance) => {
  const paths = files(instance);
  return `;; Written by dev/db/pooler.ts for the local stack.
[databases]
* = host=${instance.server.host} port=${instance.server.port}

[pgbouncer]
listen_addr = ${instance.host}
listen_port = ${instance.port}
;; TCP only: no socket file to collide with another PgBouncer's.
unix_socket_dir =
;; Clients give the password, and PgBouncer logs in to the cluster with it (auth_file, mode 600).
auth_type = scram-sha-256
auth_file = ${paths.users}
admin_users = ${instance.user}
pool_mode = transaction
default_pool_size = ${instance.poolSize}
max_db_connections = ${instance.maxServerConnections}
reserve_pool_size = 0
max_client_conn = 500
logfile = ${paths.log}
pidfile = ${paths.pid}
log_connections = 0
log_disconnections = 0
`;
};

/**
 * The daemon's command: as the pooler's OS user, and with every file descriptor above stderr
 * closed first. A daemon keeps what it inherits, and a lock taken around a test command (flock
 * on the shared test lock) would otherwise be held for as long as the pooler runs.
 */
function daemonCommand(binary: string, args: string[]): [string, string[]] {
  const asUser = isRoot() ? ["runuser", "-u", osUserWhenRoot, "--", binary] : [binary];
  const closeInherited = 'for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; ' +
    'done; exec "$@"';
  return ["bash", ["-c", closeInherited, "bash", ...asUser, ...args]];
}

async function writeFiles(instance: PoolerInstance): Promise<void> {
  await Deno.mkdir(instance.homeDir, { recursive: true });
  const paths = files(instance);
  await Deno.writeTextFile(paths.config, poolerSettings(instance));
  await Deno.writeTextFile(paths.users, `"${instance.user}" "${instance.password}"\n`, {
    mode: 0o600,
  });
  await Deno.chmod(paths.users, 0o600);
  if (isRoot()) {
    await runChecked("chown", ["-R", `${osUserWhenRoot}:${osUserWhenRoot}`, instance.homeDir]);
  }
}

/**
 * The pid of this instance's PgBouncer, or null: the pid file's process must be a pgbouncer
 * started with this configuration (after a crash the pid may belong to anything else).
 */
async function runningPid(instance: PoolerInstance): Promise<number | null> {
  const paths = files(instance);
  try {
    const pid = Number((await Deno.readTextFile(paths.pid)).trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const commandLine = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0");
    return commandLine.some((arg) => arg.endsWith("pgbouncer")) &&
        commandLine.includes(paths.config)
      ? pid
      : null;
  } catch {
    return null;
  }
}

async function accepts(instance: PoolerInstance): Promise<boolean> {
  try {
    const connection = await Deno.connect({ hostname: instance.host, port: instance.port });
    connection.close();
    return true;
  } catch {
    return false;
  }
}

async function logTail(instance: PoolerInstance): Promise<string> {
  try {
    return (await Deno.readTextFile(files(instance).log)).trim().split("\n").slice(-10).join("\n");
  } catch {
    return "(no log yet)";
  }
}

/** Starts the pooler as a daemon, or reloads its configuration when it already runs. */
export async function startPooler(
  instance: PoolerInstance = localPooler,
): Promise<"started" | "already running"> {
  await ensureDebianPackages([pgbouncerRequirement]);
  await writeFiles(instance);
  const running = await runningPid(instance);
  if (running !== null) {
    Deno.kill(running, "SIGHUP");
    return "already running";
  }
  if (await accepts(instance)) {
    throw new Error(
      `Port ${instance.port} on ${instance.host} is in use by another process (not this ` +
        `project's pooler). Stop it (for example "supabase stop" or another PgBouncer) and retry`,
    );
  }
  await Deno.remove(files(instance).pid).catch(() => {});
  const [command, args] = daemonCommand(pgbouncerBinary, ["-d", "-q", files(instance).config]);
  await runChecked(command, args);
  // Ready once it listens and has written its pid file (stopping needs that file).
  const until = Date.now() + 10_000;
  while (!(await accepts(instance)) || (await runningPid(instance)) === null) {
    if (Date.now() > until) {
      throw new Error(
        `PgBouncer did not start on ${instance.host}:${instance.port} ` +
          `(see ${files(instance).log}):\n${await logTail(instance)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return "started";
}

/** Stops it at once (SIGTERM: clients are disconnected, open transactions roll back). */
export async function stopPooler(
  instance: PoolerInstance = localPooler,
): Promise<"stopped" | "not running"> {
  const pid = await runningPid(instance);
  if (pid === null) {
    await Deno.remove(files(instance).pid).catch(() => {});
    return "not running";
  }
  Deno.kill(pid, "SIGTERM");
  const until = Date.now() + 10_000;
  while (pathExists(`/proc/${pid}`) && (await runningPid(instance)) === pid) {
    if (Date.now() > until) {
      Deno.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return "stopped";
}

export async function removePooler(instance: PoolerInstance): Promise<void> {
  await stopPooler(instance);
  await Deno.remove(instance.homeDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/**
 * Transactions the pooler has passed to its server since it started (its admin console's
 * SHOW STATS): proof that traffic really went through it.
 */
export async function poolerTransactions(instance: PoolerInstance = localPooler): Promise<number> {
  const result = await runCommand(`${pgBinDir}/psql`, [
    "-h",
    instance.host,
    "-p",
    String(instance.port),
    "-U",
    instance.user,
    "-d",
    "pgbouncer",
    "-AtF",
    "|",
    "-c",
    "show stats",
  ], { env: { PGPASSWORD: instance.password } });
  if (result.code !== 0) throw new Error(`PgBouncer's SHOW STATS failed: ${result.stderr.trim()}`);
  return result.stdout.trim().split("\n").map((line) => line.split("|"))
    .filter(([database]) => database === instance.database)
    .reduce((sum, columns) => sum + Number(columns[1]), 0);
}

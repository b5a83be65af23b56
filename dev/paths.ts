// Where the local stack keeps its state: one git-ignored folder at the repository root.
import { fromFileUrl, join } from "./path_helpers.ts";
import { clusterHome } from "./db/cluster_home.ts";
import { checkoutPassword } from "./db/local_password.ts";

export const repoRoot = fromFileUrl(new URL("../", import.meta.url));
export const stateDir = join(repoRoot, ".local");
export const logsDir = join(stateDir, "logs");

export const localDb = {
  host: "127.0.0.1",
  port: 54322,
  user: "postgres",
  database: "postgres",
  /** The superuser's password: random, one per checkout (dev/db/local_password.ts). */
  password: checkoutPassword(repoRoot),
};

export const localDatabaseUrl = databaseUrlOf(localDb);

/** The URL the Supabase CLI needs: no TLS on the local cluster. */
export const localDatabaseUrlForCli = `${localDatabaseUrl}?sslmode=disable`;

/** One PostgreSQL cluster of the local stack: where it listens and where it keeps its state. */
export interface PgInstance {
  host: string;
  port: number;
  user: string;
  database: string;
  /** The superuser's password over TCP and the socket (scram-sha-256). */
  password: string;
  /** Owned by the OS user that runs PostgreSQL (`postgres` when we are root). */
  homeDir: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
  /**
   * fsync, synchronous_commit and full_page_writes on, so an acknowledged commit survives a
   * crash stop as on a real Supabase database. Off (the default) for the shared development
   * cluster, where speed matters more than surviving an OS crash.
   */
  durable?: boolean;
}

/**
 * The local stack's cluster on 127.0.0.1:54322, every default. Its files live in .local/postgres,
 * or outside the checkout when PostgreSQL's OS user cannot enter it (dev/db/cluster_home.ts).
 */
export function localPgInstance(): PgInstance {
  return pgInstanceNamed("postgres", localDb.port);
}

/**
 * Another throwaway cluster, .local/<name> on 127.0.0.1:<port> (tests that restart it); placed
 * like the local stack's. checkoutRoot (default: this one) is for a test standing in a checkout.
 */
export function pgInstanceNamed(
  name: string,
  port: number,
  options: { durable?: boolean; checkoutRoot?: string } = {},
): PgInstance {
  const homeDir = clusterHome(options.checkoutRoot ?? repoRoot, name);
  return {
    ...localDb,
    password: checkoutPassword(options.checkoutRoot ?? repoRoot),
    port,
    durable: options.durable ?? false,
    homeDir,
    dataDir: join(homeDir, "data"),
    socketDir: join(homeDir, "socket"),
    logFile: join(homeDir, "postgres.log"),
  };
}

/** The superuser's URL of a cluster, password included. */
export function databaseUrlOf(
  instance: Pick<PgInstance, "user" | "password" | "host" | "port" | "database">,
): string {
  return `postgresql://${instance.user}:${encodeURIComponent(instance.password)}@` +
    `${instance.host}:${instance.port}/${instance.database}`;
}

// Where the local stack keeps its state: one git-ignored folder at the repository root.
import { fromFileUrl, join } from "./path_helpers.ts";

export const repoRoot = fromFileUrl(new URL("../", import.meta.url));
export const stateDir = join(repoRoot, ".local");
/** Owned by the OS user that runs PostgreSQL (`postgres` when we are root). */
export const pgHomeDir = join(stateDir, "postgres");
export const pgDataDir = join(pgHomeDir, "data");
export const pgSocketDir = join(pgHomeDir, "socket");
export const pgLogFile = join(pgHomeDir, "postgres.log");
export const logsDir = join(stateDir, "logs");

export const localDb = {
  host: "127.0.0.1",
  port: 54322,
  user: "postgres",
  database: "postgres",
};

export const localDatabaseUrl =
  `postgresql://${localDb.user}@${localDb.host}:${localDb.port}/${localDb.database}`;

/** The URL the Supabase CLI needs: no TLS on the local cluster. */
export const localDatabaseUrlForCli = `${localDatabaseUrl}?sslmode=disable`;

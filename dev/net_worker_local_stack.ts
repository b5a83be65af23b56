// pg_net's sender for the local stack, started by `deno task functions:serve`: on Supabase
// pg_net lives in the database, so a cron job's net.http_post reaches the functions with nothing
// else running; locally the functions' process plays that part. At start it stores the Vault
// values the jobs read (project_url = this API, sync_secret = the functions' SYNC_SECRET), so a
// scheduled call is accepted, then sends the queued calls addressed to this API.
import { startNetWorker } from "./net_worker.ts";
import { createDatabase, type Sql } from "../supabase/functions/_shared/database.ts";

export interface LocalPgNetOptions {
  databaseUrl: string;
  /** The API the functions are served on, e.g. http://127.0.0.1:54321. */
  apiUrl: string;
  /** The functions' SYNC_SECRET; without it only project_url is stored. */
  syncSecret?: string;
  log: (line: string) => void;
  /** Wait between attempts while the database is not reachable. */
  retryMs?: number;
}

export interface LocalPgNet {
  /** Resolves once Vault holds the values and the worker listens (or once stopped). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** LOCAL_PG_NET=on|off decides; by default on only for the local stack's own port. */
export function localPgNetWanted(env: Record<string, string | undefined>, port: number): boolean {
  const setting = env.LOCAL_PG_NET?.trim().toLowerCase();
  if (setting === "on") return true;
  if (setting === "off") return false;
  if (setting) throw new Error(`LOCAL_PG_NET must be on or off`);
  // Tests, the benchmark and the chaos suite serve the functions on ports of their own and run
  // their own worker and Vault values, which this must not take over.
  return port === 54321;
}

/**
 * Parameterized statements only: the values travel as bind parameters, so they appear in no
 * statement text (pg_stat_statements, logs), and nothing here prints them.
 */
export async function storeVaultSecrets(
  sql: Sql,
  values: Record<"project_url" | "sync_secret", string | undefined>,
): Promise<void> {
  await sql.begin(async (tx) => {
    // Two servers starting at once must not both create the same (unique) name.
    await tx`select pg_advisory_xact_lock(hashtext('dev/net_worker_local_stack.ts vault'))`;
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      await tx`select vault.update_secret(id, ${value}) from vault.secrets where name = ${name}`;
      await tx`
        select vault.create_secret(${value}, ${name}, 'Stored by deno task functions:serve')
        where not exists (select 1 from vault.secrets where name = ${name})`;
    }
  });
}

export function startLocalPgNet(options: LocalPgNetOptions): LocalPgNet {
  const retryMs = options.retryMs ?? 5000;
  let stopped = false;
  let worker: ReturnType<typeof startNetWorker> | null = null;
  let wakeUp: () => void = () => {};

  async function attempt(): Promise<boolean> {
    const sql = createDatabase(options.databaseUrl, { max: 1 });
    try {
      await storeVaultSecrets(sql, {
        project_url: options.apiUrl,
        sync_secret: options.syncSecret,
      });
    } catch (error) {
      options.log(
        `Local pg_net sender: waiting for the database (${describe(error)}); ` +
          "start it with: deno task db:start",
      );
      return false;
    } finally {
      await sql.end({ timeout: 1 });
    }
    const started = startNetWorker({
      databaseUrl: options.databaseUrl,
      urlPrefix: `${options.apiUrl}/`,
      log: options.log,
    });
    try {
      await started.ready;
    } catch (error) {
      await started.stop().catch(() => {});
      options.log(`Local pg_net sender: cannot listen (${describe(error)}); retrying`);
      return false;
    }
    worker = started;
    options.log(
      `Local pg_net sender: sends the scheduled calls to ${options.apiUrl} (Vault project_url` +
        (options.syncSecret
          ? " and sync_secret stored)"
          : " stored; SYNC_SECRET is not set, so the jobs have no sync_secret)"),
    );
    return true;
  }

  const ready = (async () => {
    while (!stopped && !(await attempt())) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    ready,
    async stop() {
      stopped = true;
      wakeUp();
      await ready;
      await worker?.stop();
    },
  };
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

// deno task functions:serve — the project's functions at
// http://127.0.0.1:54321/functions/v1/<name>, reading supabase/functions/.env and the
// process environment (the environment wins), like `supabase functions serve`. On that port it
// also runs the local stand-in for pg_net's sender (dev/net_worker_local_stack.ts), so the
// pg_cron jobs' calls reach these functions as they would on Supabase; LOCAL_PG_NET=on|off
// overrides that (off by default on any other port: tests and the benchmark bring their own).
import { startLocalApi } from "./api/server.ts";
import { functionNames } from "./api/functions_router.ts";
import { readEnvFile } from "./env_file.ts";
import { localPgNetWanted, startLocalPgNet } from "./net_worker_local_stack.ts";
import { localDatabaseUrl, repoRoot } from "./paths.ts";

const envFile = `${repoRoot}supabase/functions/.env`;
const port = Number(Deno.env.get("LOCAL_API_PORT") ?? 54321);
const functionsEnv = { ...(await readEnvFile(envFile)), ...Deno.env.toObject() };
let pgNetWanted: boolean;
try {
  pgNetWanted = localPgNetWanted(Deno.env.toObject(), port);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  Deno.exit(2);
}
const api = startLocalApi({ port, functionsEnv });
for (const name of functionNames) console.log(`${api.url}/functions/v1/${name}`);
console.log(`${api.url}/auth/v1 and ${api.url}/rest/v1 (development stand-ins)`);

const pgNet = pgNetWanted
  ? startLocalPgNet({
    databaseUrl: functionsEnv.SUPABASE_DB_URL?.trim() || localDatabaseUrl,
    apiUrl: api.url,
    syncSecret: functionsEnv.SYNC_SECRET || undefined,
    log: (line) => console.log(line),
  })
  : null;
if (!pgNet) console.log("Local pg_net sender: off (LOCAL_PG_NET=on starts it on this port)");

const stop = async () => {
  await pgNet?.stop();
  await api.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);

// deno task functions:serve — the project's functions at
// http://127.0.0.1:54321/functions/v1/<name>, reading supabase/functions/.env and the
// process environment (the environment wins), like `supabase functions serve`. On that port it
// also runs the local stand-in for pg_net's sender (dev/net_worker_local_stack.ts), so the
// pg_cron jobs' calls reach these functions as they would on Supabase; LOCAL_PG_NET=on|off
// overrides that (off by default on any other port: tests and the benchmark bring their own).
// Each function runs in workers of the local edge runtime (dev/edge_runtime/), whose wall clock
// LOCAL_WORKER_WALL_CLOCK_MS sets (default 150000, the Free plan's). LOCAL_API_KEYS=new|legacy|both
// (default both) picks the API keys the stack accepts and gives the functions (dev/api/key_mode.ts).
import { startLocalApi } from "./api/server.ts";
import { functionNames } from "./api/functions_router.ts";
import { type KeyMode, keyModeFrom } from "./api/key_mode.ts";
import type { WorkerEvent } from "./edge_runtime/local_worker.ts";
import { wallClockFromEnv } from "./edge_runtime/limits.ts";
import { readEnvFile } from "./env_file.ts";
import { localPgNetWanted, startLocalPgNet } from "./net_worker_local_stack.ts";
import { localDatabaseUrl, repoRoot } from "./paths.ts";

const envFile = `${repoRoot}supabase/functions/.env`;
const port = Number(Deno.env.get("LOCAL_API_PORT") ?? 54321);
const functionsEnv = { ...(await readEnvFile(envFile)), ...Deno.env.toObject() };
let pgNetWanted: boolean;
let workerWallClockMs: number;
let keyMode: KeyMode;
try {
  keyMode = keyModeFrom(Deno.env.get("LOCAL_API_KEYS"));
  pgNetWanted = localPgNetWanted(Deno.env.toObject(), port);
  workerWallClockMs = wallClockFromEnv(Deno.env.toObject());
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  Deno.exit(2);
}
const api = startLocalApi({
  port,
  functionsEnv,
  keyMode,
  functions: { workerWallClockMs, onWorkerEvent: logWorkerEnd },
});
for (const name of functionNames) console.log(`${api.url}/functions/v1/${name}`);
console.log(`Each function worker's wall clock: ${workerWallClockMs} ms`);
console.log(`${api.url}/auth/v1 and ${api.url}/rest/v1 (development stand-ins, keys: ${keyMode})`);

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

/** A worker the platform stops, or that fails, is worth a line; a normal retirement is not. */
function logWorkerEnd(event: WorkerEvent): void {
  const who = `${event.function} worker ${event.worker}`;
  if (event.kind === "beforeunload" && event.reason === "wall_clock") {
    console.log(`${who}: beforeunload (wall_clock), ${event.inFlight} request(s) in flight`);
  } else if (
    event.kind === "stopped" && event.reason !== "closed" && event.reason !== "early_drop"
  ) {
    console.log(`${who}: stopped (${event.reason}), ${event.inFlight} request(s) in flight`);
  }
}

// deno task functions:serve — the project's functions at
// http://127.0.0.1:54321/functions/v1/<name>, reading supabase/functions/.env and the
// process environment (the environment wins), like `supabase functions serve`.
import { startLocalApi } from "./api/server.ts";
import { functionNames } from "./api/functions_router.ts";
import { readEnvFile } from "./env_file.ts";
import { repoRoot } from "./paths.ts";

const envFile = `${repoRoot}supabase/functions/.env`;
const port = Number(Deno.env.get("LOCAL_API_PORT") ?? 54321);
const api = startLocalApi({
  port,
  functionsEnv: { ...(await readEnvFile(envFile)), ...Deno.env.toObject() },
});
for (const name of functionNames) console.log(`${api.url}/functions/v1/${name}`);
console.log(`${api.url}/auth/v1 and ${api.url}/rest/v1 (development stand-ins)`);

const stop = async () => {
  await api.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);

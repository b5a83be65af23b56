// deno task connect — start connecting the store as an OAuth app (README § OAuth). Local stack
// by default; the project in SUPABASE_URL otherwise (with its SYNC_SECRET in the environment).
import { readEnvFile } from "./env_file.ts";
import { runConnect } from "./ops/connect_command.ts";
import { repoRoot } from "./paths.ts";

const envFilePath = "supabase/functions/.env";
const code = await runConnect(Deno.args, {
  env: Deno.env.toObject(),
  envFile: await readEnvFile(`${repoRoot}${envFilePath}`),
  envFilePath,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
Deno.exit(code);

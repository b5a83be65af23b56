// deno task repair reread|record|sales|rejects|continue … — the operator's repairs (README
// § Repair). Local stack by default; the project in SUPABASE_URL otherwise.
//   deno task repair record sales 0a6f…
//   deno task repair sales 2026-11-02 2026-11-08
import { readEnvFile } from "./env_file.ts";
import { runRepair } from "./ops/repair_command.ts";
import { repoRoot } from "./paths.ts";

const envFilePath = "supabase/functions/.env";
const code = await runRepair(Deno.args, {
  env: Deno.env.toObject(),
  envFile: await readEnvFile(`${repoRoot}${envFilePath}`),
  envFilePath,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
Deno.exit(code);

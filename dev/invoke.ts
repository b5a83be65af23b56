// deno task invoke <function> [json-body] — the operator's way to call a function (the Supabase
// CLI has no `functions invoke`). Local stack by default; the project in SUPABASE_URL otherwise.
//   deno task invoke import-history
//   deno task invoke sync-entity '{"entity":"sales"}'
//   deno task invoke health
import { readEnvFile } from "./env_file.ts";
import { runInvoke } from "./ops/invoke_function.ts";
import { repoRoot } from "./paths.ts";

const envFilePath = "supabase/functions/.env";
const code = await runInvoke(Deno.args, {
  env: Deno.env.toObject(),
  envFile: await readEnvFile(`${repoRoot}${envFilePath}`),
  envFilePath,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
Deno.exit(code);
